package io.enclave.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import javax.security.auth.login.Configuration;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process single-node Kafka 4.2 (KRaft, one combined broker+controller) built on
 * {@link KafkaClusterTestKit}, for the demo and for integration tests; never part of the job jar.
 *
 * <p>Clients connect to the {@value #CLIENT_LISTENER} listener on {@code localhost:port()}. The
 * port is either the one passed to {@code start(int)} / {@code startWithSasl(int, ...)} (e.g. 9092
 * for the demo) or a free port picked at start; it stays the same across {@link #restartBroker()}.
 * Topics default to replication factor 1, and the internal topics (consumer offsets, transaction
 * state, share-group state) are sized for a single broker, so consumer groups and transactions
 * work.
 *
 * <p><b>SASL</b> ({@link #startWithSasl(String, String)}): both the client listener and the
 * controller listener are SASL_PLAINTEXT (a SASL broker talking to a PLAINTEXT controller is
 * refused at registration). What works:
 * <ul>
 *   <li>The admin user authenticates with mechanism {@code PLAIN} (password fixed at start) and
 *       is the only {@code super.users} entry; broker-to-controller traffic uses it too.</li>
 *   <li>The client listener also enables {@code SCRAM-SHA-256} and {@code SCRAM-SHA-512}. SCRAM
 *       users are created at run time through {@link Admin#alterUserScramCredentials} (see
 *       {@link #createScramUser(String, String)}) and log in with
 *       {@link #scramClientProperties(String, String)}. The controller listener accepts PLAIN
 *       only, as KRaft does not support SCRAM between broker and controller.</li>
 *   <li>The authorizer is {@code StandardAuthorizer} with
 *       {@code allow.everyone.if.no.acl.found=false}: any non-super user needs real ACLs.</li>
 * </ul>
 * The test kit would otherwise authenticate against its own JAAS file (users {@code plain-admin}
 * and {@code plain-user1}); this class overrides that with per-listener {@code sasl.jaas.config}
 * settings, so those built-in users are not accepted, and restores the JVM-wide
 * {@code java.security.auth.login.config} property the kit sets, so other SASL clients in the
 * same JVM are not affected.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Name of the listener clients use. */
    public static final String CLIENT_LISTENER = "CLIENT";

    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String JAAS_PROPERTY = "java.security.auth.login.config";
    private static final Pattern SAFE_USER = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";
    // Kafka refuses SCRAM iteration counts below 4096.
    private static final int SCRAM_ITERATIONS = 4096;

    private final KafkaClusterTestKit cluster;
    private final int port;
    private final String adminUser;
    private final String adminPassword;
    private Admin admin;
    private boolean brokerRunning = true;

    private EmbeddedKafka(KafkaClusterTestKit cluster, int port, String adminUser, String adminPassword) {
        this.cluster = cluster;
        this.port = port;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** Starts a PLAINTEXT cluster on a free port. */
    public static EmbeddedKafka start() {
        return start(0);
    }

    /** Starts a PLAINTEXT cluster on {@code port} (0 picks a free port). */
    public static EmbeddedKafka start(int port) {
        return startOnPort(port, null, null);
    }

    /** Starts a SASL_PLAINTEXT cluster with ACLs on a free port; {@code adminUser} is the super user. */
    public static EmbeddedKafka startWithSasl(String adminUser, String adminPassword) {
        return startWithSasl(0, adminUser, adminPassword);
    }

    /** Starts a SASL_PLAINTEXT cluster with ACLs on {@code port} (0 picks a free port). */
    public static EmbeddedKafka startWithSasl(int port, String adminUser, String adminPassword) {
        if (adminUser == null || !SAFE_USER.matcher(adminUser).matches()) {
            // The name becomes a JAAS option key (user_<name>), which cannot be quoted.
            throw new IllegalArgumentException("admin user must match " + SAFE_USER + ": " + adminUser);
        }
        if (adminPassword == null || adminPassword.isEmpty()) {
            throw new IllegalArgumentException("admin password must not be empty");
        }
        return startOnPort(port, adminUser, adminPassword);
    }

    private static EmbeddedKafka startOnPort(int port, String adminUser, String adminPassword) {
        // A free port is probed and released before Kafka binds it, so another process can take
        // it in between; only then is another port worth a try.
        for (int attempt = 1; ; attempt++) {
            try {
                return startCluster(port, adminUser, adminPassword);
            } catch (IllegalStateException e) {
                if (port != 0 || attempt == 3 || !causedByBindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    // Serialised because the kit swaps the JVM-wide JAAS configuration while building.
    private static synchronized EmbeddedKafka startCluster(int requestedPort, String adminUser, String adminPassword) {
        boolean sasl = adminUser != null;
        int port = requestedPort == 0 ? freePort() : requestedPort;
        SecurityProtocol protocol = sasl ? SecurityProtocol.SASL_PLAINTEXT : SecurityProtocol.PLAINTEXT;
        String savedJaasProperty = System.getProperty(JAAS_PROPERTY);
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setBrokerSecurityProtocol(protocol)
                    .setControllerSecurityProtocol(protocol)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            serverConfig(port, protocol, adminUser, adminPassword).forEach(builder::setConfigProp);
            try {
                cluster = builder.build();
            } finally {
                restoreJaasProperty(savedJaasProperty);
            }
            formatLogged(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster, port, adminUser, adminPassword);
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Embedded Kafka failed to start on port " + port, e);
        }
    }

    /**
     * Formats the node's storage. Kafka's storage formatter prints what it does to {@code System.out}
     * and the kit gives no way to pass it another stream, so those lines would land in the demo's
     * console; they go to the log instead. Anything else printed in that moment (the broker starts
     * before any job, so normally nothing) is logged with them.
     */
    private static void formatLogged(KafkaClusterTestKit cluster) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            cluster.format();
        } finally {
            System.setOut(console);
            Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
            printed.toString(StandardCharsets.UTF_8).lines().forEach(log::info);
        }
    }

    /**
     * The kit formats with the newest, still unstable metadata version; clusters here should
     * behave like a released Kafka 4.2 instead.
     */
    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = new TreeMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(version));
        }
        return BootstrapMetadata.fromVersions(version, features, "enclave-embedded");
    }

    private static void restoreJaasProperty(String saved) {
        if (saved == null) {
            System.clearProperty(JAAS_PROPERTY);
        } else {
            System.setProperty(JAAS_PROPERTY, saved);
        }
        Configuration.setConfiguration(null);
    }

    private static Map<String, Object> serverConfig(
            int port, SecurityProtocol protocol, String adminUser, String adminPassword) {
        Map<String, Object> props = new HashMap<>();
        // The kit pre-binds a random port for its own EXTERNAL listener and ignores any port
        // configured for it; a listener of our own binds the requested port and keeps it on restart.
        props.put("listeners", CLIENT_LISTENER + "://localhost:" + port + "," + CONTROLLER_LISTENER + "://localhost:0");
        props.put("advertised.listeners", CLIENT_LISTENER + "://localhost:" + port);
        props.put(
                "listener.security.protocol.map",
                CLIENT_LISTENER + ":" + protocol.name + "," + CONTROLLER_LISTENER + ":" + protocol.name);
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put("unstable.api.versions.enable", "false");
        props.put("unstable.feature.versions.enable", "false");

        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "5");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // A restarted broker cannot re-register until the controller expires its previous
        // session (9 s by default), so a short session keeps restartBroker() at a few seconds.
        props.put("broker.session.timeout.ms", "3000");
        props.put("broker.heartbeat.interval.ms", "300");

        if (protocol == SecurityProtocol.SASL_PLAINTEXT) {
            String plainServer = PLAIN_LOGIN + " required username=\"" + adminUser + "\" password=\""
                    + jaasEscape(adminPassword) + "\" user_" + adminUser + "=\"" + jaasEscape(adminPassword) + "\";";
            String client = CLIENT_LISTENER.toLowerCase();
            String controller = CONTROLLER_LISTENER.toLowerCase();
            props.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
            props.put("listener.name." + controller + ".sasl.enabled.mechanisms", "PLAIN");
            props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            props.put("sasl.mechanism.controller.protocol", "PLAIN");
            props.put("listener.name." + client + ".plain.sasl.jaas.config", plainServer);
            props.put("listener.name." + client + ".scram-sha-256.sasl.jaas.config", SCRAM_LOGIN + " required;");
            props.put("listener.name." + client + ".scram-sha-512.sasl.jaas.config", SCRAM_LOGIN + " required;");
            props.put("listener.name." + controller + ".plain.sasl.jaas.config", plainServer);
            props.put("super.users", "User:" + adminUser);
            props.put("allow.everyone.if.no.acl.found", "false");
        }
        return props;
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** {@code localhost:port} of the client listener. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Port of the client listener. */
    public int port() {
        return port;
    }

    /** Whether the cluster requires SASL (started with {@code startWithSasl}). */
    public boolean isSasl() {
        return adminUser != null;
    }

    /** The super user's name, or {@code null} for a PLAINTEXT cluster. */
    public String adminUser() {
        return adminUser;
    }

    /** The super user's password, or {@code null} for a PLAINTEXT cluster. */
    public String adminPassword() {
        return adminPassword;
    }

    /**
     * Client properties (usable for admin, producer and consumer) that connect as the super user:
     * {@code bootstrap.servers}, plus with SASL {@code security.protocol=SASL_PLAINTEXT},
     * {@code sasl.mechanism=PLAIN} and a PlainLoginModule {@code sasl.jaas.config}.
     */
    public Map<String, Object> adminClientProperties() {
        if (!isSasl()) {
            Map<String, Object> props = new HashMap<>();
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            return props;
        }
        return saslClientProperties("PLAIN", PLAIN_LOGIN, adminUser, adminPassword);
    }

    /**
     * Client properties that log in as a SCRAM user with {@code SCRAM-SHA-512}; the user must have
     * been created first, e.g. with {@link #createScramUser(String, String)}.
     */
    public Map<String, Object> scramClientProperties(String user, String password) {
        requireSasl();
        return saslClientProperties("SCRAM-SHA-512", SCRAM_LOGIN, user, password);
    }

    private Map<String, Object> saslClientProperties(
            String mechanism, String loginModule, String user, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        props.put(SaslConfigs.SASL_MECHANISM, mechanism);
        props.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                loginModule + " required username=\"" + jaasEscape(user) + "\" password=\"" + jaasEscape(password)
                        + "\";");
        return props;
    }

    /**
     * Creates or updates a SCRAM user with both SCRAM-SHA-256 and SCRAM-SHA-512 credentials, and
     * waits until the broker reports them, so a login right after this call succeeds.
     */
    public void createScramUser(String user, String password) {
        requireSasl();
        try {
            // One request per mechanism: the broker rejects two alterations of one user in a request.
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                                user, new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), password)))
                        .all()
                        .get();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    int known = admin().describeUserScramCredentials(List.of(user))
                            .description(user)
                            .get()
                            .credentialInfos()
                            .size();
                    if (known == 2) {
                        return;
                    }
                } catch (ExecutionException notYetVisible) {
                    if (System.nanoTime() > deadline) {
                        throw notYetVisible;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("SCRAM credentials of " + user + " never became visible");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating SCRAM user " + user, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create SCRAM user " + user, e.getCause());
        }
    }

    private void requireSasl() {
        if (!isSasl()) {
            throw new IllegalStateException("cluster was started without SASL");
        }
    }

    /**
     * An Admin client logged in as the super user. It is owned by this instance and closed by
     * {@link #close()}: do not close it yourself.
     */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminClientProperties());
        }
        return admin;
    }

    /**
     * Creates topics with replication factor 1 and waits for the controller to accept them.
     * Topics that already exist are left as they are, so shared clusters can call this freely.
     */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = Arrays.stream(names)
                .map(n -> new NewTopic(n, partitions, (short) 1))
                .toList();
        var result = admin().createTopics(topics);
        for (String name : names) {
            try {
                result.values().get(name).get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating topic " + name, e);
            }
        }
    }

    /**
     * Stops the broker half of the node while the controller keeps running, so clients see a
     * broker outage (connection refused on {@link #port()}) but the cluster metadata survives.
     */
    public synchronized void stopBroker() {
        if (brokerRunning) {
            broker().shutdown();
            brokerRunning = false;
        }
    }

    /** Starts the broker again after {@link #stopBroker()} on the same port and log dirs, and waits until it is ready. */
    public synchronized void startBroker() {
        if (brokerRunning) {
            return;
        }
        try {
            broker().startup();
            brokerRunning = true;
            cluster.waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the broker", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("broker did not become ready", e.getCause());
        }
    }

    /**
     * Shuts the broker down and starts it again on the same port, keeping all topics, records
     * and committed offsets; existing clients reconnect by themselves.
     */
    public void restartBroker() {
        stopBroker();
        startBroker();
    }

    /** Whether the broker is up (false between {@link #stopBroker()} and {@link #startBroker()}). */
    public synchronized boolean isBrokerRunning() {
        return brokerRunning;
    }

    /** Bound port as the running broker reports it; mainly a sanity check that restarts kept the port. */
    int boundPort() {
        return broker().boundPort(ListenerName.normalised(CLIENT_LISTENER));
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** Stops broker and controller and deletes the log directories. */
    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted closing embedded Kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("embedded Kafka did not close cleanly", e);
        }
    }
}
