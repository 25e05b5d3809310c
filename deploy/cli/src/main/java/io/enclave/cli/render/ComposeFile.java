package io.enclave.cli.render;

import static io.enclave.cli.render.KubernetesManifests.map;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.TenantConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A compose file running every tenant's job as its own Flink application cluster. Each tenant
 * has one {@code internal} network that only its JobManager and TaskManager join, so tenants
 * cannot reach each other and none can reach the outside; the shared Kafka broker and StarRocks
 * join every tenant network, because every job needs them. Tenants without network isolation
 * also get a second, tenant-only network on which their web UI is published on localhost.
 *
 * <p>The broker authenticates every client with SASL over TLS (SCRAM-SHA-512 for tenants, PLAIN
 * for the admin only) and authorizes with the StandardAuthorizer and no access without an ACL, so a
 * tenant's containers can use only what {@code enclave provision} granted their principals. That
 * provisioning runs once, as its own service on its own network with the admin credentials, and
 * every tenant job waits for it to finish successfully. Every service that connects to the broker
 * mounts its own copy of the CA certificate the broker's key is signed with, at
 * {@value #KAFKA_TRUSTSTORE_PATH}, so the rendering is a deployment that runs outside development
 * mode, where a config accepts no Kafka security protocol but SASL_SSL.
 *
 * <p>Credentials are never values in the file: each tenant's config, key store, Flink internal
 * TLS stores and environment file are compose secrets or env files under
 * {@code ./secrets/<tenant>/}, mounted on that tenant's JobManager and TaskManager only.
 *
 * <p>A tenant's TaskManager has a slot per parallel subtask; with {@code processing.memory_per_slot}
 * its memory and its container's limits are those of the rendered Kubernetes TaskManager.
 */
public final class ComposeFile {
    /** The shared services' names: the config used with this file points at kafka:9092 and starrocks:9030. */
    public static final String KAFKA = "kafka";

    public static final String STARROCKS = "starrocks";
    public static final String PROVISION = "provision";
    public static final String KAFKA_IMAGE = "apache/kafka:4.2.0";
    public static final String STARROCKS_IMAGE = "starrocks/allin1-ubuntu:3.5.3";
    /** The one principal the broker trusts beyond ACLs; it provisions and is the broker's own inter-node login. */
    public static final String KAFKA_ADMIN_USER = "enclave_admin";

    public static final String STANDARD_AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
    /** Network only the provisioning service, Kafka and StarRocks join: the admin credentials never meet a tenant. */
    public static final String PROVISION_NETWORK = "enclave_provision";
    /** Secrets of the broker and of provisioning, which no tenant service mounts. */
    public static final String KAFKA_JAAS_SECRET = "kafka_jaas";

    public static final String KAFKA_ADMIN_SECRET = "kafka_admin";
    public static final String PROVISION_CONFIG_SECRET = "provision_config";
    /** The broker's own TLS key store (PKCS#12) and the file holding its password, which no client mounts. */
    public static final String KAFKA_KEYSTORE_SECRET = "kafka_keystore";

    public static final String KAFKA_KEYSTORE_PASSWORD_SECRET = "kafka_keystore_password";
    /** The CA certificate that signed the broker's key: the broker's trust store (for its own inter-broker login and health check). */
    public static final String KAFKA_CA_SECRET = "kafka_ca";
    /** Provisioning's own copy of that CA certificate. */
    public static final String PROVISION_KAFKA_CA_SECRET = "provision_kafka_ca";
    /**
     * Name of the listener every client uses. It must end in SSL: the Kafka image loads the key
     * store password from {@value #KAFKA_IMAGE_SECRETS_DIR} only when an advertised listener
     * contains {@code SSL://}.
     */
    public static final String KAFKA_CLIENT_LISTENER = "SASL_SSL";
    /** Where the Kafka image looks for the files named by KAFKA_SSL_KEYSTORE_FILENAME and *_CREDENTIALS. */
    public static final String KAFKA_IMAGE_SECRETS_DIR = "/etc/kafka/secrets";

    public static final String KAFKA_KEYSTORE_FILE = "broker.keystore.p12";
    public static final String KAFKA_KEYSTORE_PASSWORD_FILE = "broker.keystore.password";
    /**
     * Where every Kafka client container finds the broker's CA certificate (PEM, which Kafka reads
     * as a trust store without a password): the path each config's
     * {@code global.kafka.client_properties.ssl.truststore.location} and the admin's client
     * properties name.
     */
    public static final String KAFKA_TRUSTSTORE_PATH = "/opt/enclave/kafka-tls/ca.crt";

    public static final String KEYSTORE_PATH =
            KubernetesManifests.KEYSTORE_DIR + "/" + KubernetesManifests.KEYSTORE_KEY;
    /** Where the image unpacks the ops CLI distribution, enclave-<version>.tar.gz, for the provision service. */
    public static final String CLI_HOME = "/opt/enclave-cli";

    private static final int FIRST_UI_PORT = 8081;

    private final EnclaveConfig config;
    private final RenderOptions options;

    public ComposeFile(EnclaveConfig config, RenderOptions options) {
        this.config = config;
        this.options = options;
    }

    public static String internalNetwork(String tenantId) {
        return tenantId + "_internal";
    }

    public static String uiNetwork(String tenantId) {
        return tenantId + "_ui";
    }

    public static String secretName(String tenantId) {
        return tenantId + "_config";
    }

    public static String keystoreSecretName(String tenantId) {
        return tenantId + "_keystore";
    }

    public static String tlsKeystoreSecretName(String tenantId) {
        return tenantId + "_flink_tls_keystore";
    }

    public static String tlsTruststoreSecretName(String tenantId) {
        return tenantId + "_flink_tls_truststore";
    }

    /** The tenant's own copy of the broker's CA certificate, for its jobs' Kafka clients. */
    public static String kafkaCaSecretName(String tenantId) {
        return tenantId + "_kafka_ca";
    }

    /** The directory of one tenant's secret files, relative to the compose file. */
    public static String secretsDir(String tenantId) {
        return "./secrets/" + tenantId + "/";
    }

    public Map<String, Object> document() {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> networks = new LinkedHashMap<>();
        Map<String, Object> secrets = new LinkedHashMap<>();
        List<String> tenantNetworks = new ArrayList<>();
        int uiPort = FIRST_UI_PORT;
        for (TenantConfig tenant : config.tenants()) {
            String id = tenant.id();
            boolean isolated = tenant.securityEnhancements().networkIsolation()
                    || tenant.securityEnhancements().dedicatedProcessing();
            tenantNetworks.add(internalNetwork(id));
            networks.put(internalNetwork(id), map("internal", true, "labels", tenantLabels(id)));
            Map<String, String> tenantSecrets = tenantSecretFiles(tenant);
            tenantSecrets.forEach((name, file) -> secrets.put(name, map("file", file)));
            List<Object> mounts = secretMounts(tenant);

            List<String> jmNetworks = new ArrayList<>(List.of(internalNetwork(id)));
            Map<String, Object> jobManager = flinkService(tenant, jobManagerCommand(tenant), jmNetworks, mounts);
            if (!isolated) {
                networks.put(uiNetwork(id), map("labels", tenantLabels(id)));
                jmNetworks.add(uiNetwork(id));
                jobManager.put("ports", List.of("127.0.0.1:" + uiPort++ + ":8081"));
            }
            jobManager.put("depends_on", map(PROVISION, map("condition", "service_completed_successfully")));
            services.put(jobManagerName(id), jobManager);
            Map<String, Object> taskManager =
                    flinkService(tenant, List.of("taskmanager"), List.of(internalNetwork(id)), mounts);
            taskManager.put(
                    "depends_on",
                    map(
                            PROVISION,
                            map("condition", "service_completed_successfully"),
                            jobManagerName(id),
                            map("condition", "service_started")));
            sizeTaskManager(tenant, taskManager);
            services.put(taskManagerName(id), taskManager);
        }
        networks.put(PROVISION_NETWORK, map("internal", true));
        secrets.put(KAFKA_JAAS_SECRET, map("file", "./secrets/kafka/kafka_server_jaas.conf"));
        secrets.put(KAFKA_ADMIN_SECRET, map("file", "./secrets/provision/kafka-admin.properties"));
        secrets.put(PROVISION_CONFIG_SECRET, map("file", "./secrets/provision/" + KubernetesManifests.CONFIG_KEY));
        secrets.put(PROVISION_KAFKA_CA_SECRET, map("file", "./secrets/provision/kafka-ca.crt"));
        secrets.put(KAFKA_KEYSTORE_SECRET, map("file", "./secrets/kafka/" + KAFKA_KEYSTORE_FILE));
        secrets.put(KAFKA_KEYSTORE_PASSWORD_SECRET, map("file", "./secrets/kafka/" + KAFKA_KEYSTORE_PASSWORD_FILE));
        secrets.put(KAFKA_CA_SECRET, map("file", "./secrets/kafka/ca.crt"));

        List<String> sharedNetworks = new ArrayList<>(tenantNetworks);
        sharedNetworks.add(PROVISION_NETWORK);
        services.put(PROVISION, provisionService());
        services.put(KAFKA, kafkaService(sharedNetworks));
        services.put(
                STARROCKS,
                map(
                        "image",
                        STARROCKS_IMAGE,
                        "restart",
                        "unless-stopped",
                        "healthcheck",
                        map(
                                "test",
                                List.of("CMD-SHELL", "mysql -h 127.0.0.1 -P 9030 -u root -e 'SELECT 1'"),
                                "interval",
                                "10s",
                                "retries",
                                30),
                        "networks",
                        sharedNetworks));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "enclave");
        doc.put("services", services);
        doc.put("networks", networks);
        doc.put("volumes", volumes());
        doc.put("secrets", secrets);
        return doc;
    }

    /** The key store settings a tenant's job opens: the tenant's own store, which is its own secret file. */
    static KeystoreSettings keystoreOf(EnclaveConfig config, TenantConfig tenant) {
        return tenant.keystore();
    }

    /** Secret name to file, for the files only this tenant's containers mount. */
    private Map<String, String> tenantSecretFiles(TenantConfig tenant) {
        String id = tenant.id();
        String extension = "PKCS12".equalsIgnoreCase(keystoreOf(config, tenant).type())
                ? "p12"
                : keystoreOf(config, tenant).type().toLowerCase(Locale.ROOT);
        Map<String, String> files = new LinkedHashMap<>();
        files.put(secretName(id), secretsDir(id) + KubernetesManifests.CONFIG_KEY);
        files.put(keystoreSecretName(id), secretsDir(id) + "keystore." + extension);
        if (tenant.securityEnhancements().networkIsolation()) {
            files.put(tlsKeystoreSecretName(id), secretsDir(id) + KubernetesManifests.TLS_KEYSTORE_KEY);
            files.put(tlsTruststoreSecretName(id), secretsDir(id) + KubernetesManifests.TLS_TRUSTSTORE_KEY);
        }
        files.put(kafkaCaSecretName(id), secretsDir(id) + "kafka-ca.crt");
        return files;
    }

    /** Where each of the tenant's secrets appears in its JobManager and TaskManager, at fixed paths. */
    private static List<Object> secretMounts(TenantConfig tenant) {
        String id = tenant.id();
        List<Object> mounts = new ArrayList<>();
        mounts.add(map(
                "source",
                secretName(id),
                "target",
                KubernetesManifests.CONFIG_DIR + "/" + KubernetesManifests.CONFIG_KEY));
        mounts.add(map("source", keystoreSecretName(id), "target", KEYSTORE_PATH));
        if (tenant.securityEnhancements().networkIsolation()) {
            mounts.add(map(
                    "source",
                    tlsKeystoreSecretName(id),
                    "target",
                    KubernetesManifests.TLS_DIR + "/" + KubernetesManifests.TLS_KEYSTORE_KEY));
            mounts.add(map(
                    "source",
                    tlsTruststoreSecretName(id),
                    "target",
                    KubernetesManifests.TLS_DIR + "/" + KubernetesManifests.TLS_TRUSTSTORE_KEY));
        }
        mounts.add(map("source", kafkaCaSecretName(id), "target", KAFKA_TRUSTSTORE_PATH));
        return mounts;
    }

    public static String jobManagerName(String tenantId) {
        return KubernetesManifests.kubernetesName(tenantId) + "-jobmanager";
    }

    public static String taskManagerName(String tenantId) {
        return KubernetesManifests.kubernetesName(tenantId) + "-taskmanager";
    }

    private Map<String, Object> flinkService(
            TenantConfig tenant, List<String> command, List<String> networks, List<Object> secretMounts) {
        String id = tenant.id();
        // The official Flink image reads FLINK_PROPERTIES into its config.yaml at start.
        List<String> properties = new ArrayList<>(List.of(
                "jobmanager.rpc.address: " + jobManagerName(id),
                "taskmanager.numberOfTaskSlots: " + tenant.processing().parallelism(),
                "parallelism.default: " + tenant.processing().parallelism(),
                "state.backend.type: rocksdb",
                "state.backend.incremental: true",
                "execution.checkpointing.dir: file:///opt/flink/state/" + id + "/checkpoints",
                "execution.checkpointing.savepoint-dir: file:///opt/flink/state/" + id + "/savepoints",
                "pipeline.auto-generate-uids: false",
                "web.submit.enable: false",
                "web.cancel.enable: false"));
        if (tenant.securityEnhancements().networkIsolation()) {
            KubernetesManifests.internalTlsFiles().forEach((key, value) -> properties.add(key + ": " + value));
            // The image runs envsubst over its config after adding FLINK_PROPERTIES, so the password comes from
            // the tenant's env file inside the container; "$$" keeps compose from filling it in on the host.
            for (String key : List.of("keystore-password", "key-password", "truststore-password")) {
                properties.add("security.ssl.internal." + key + ": $${" + KubernetesManifests.TLS_PASSWORD_ENV + "}");
            }
        }
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("image", options.image());
        service.put("command", command);
        service.put("restart", "unless-stopped");
        service.put("labels", tenantLabels(id));
        // The tenant's own ${VAR} values: database and Kafka passwords, its key store password, its TLS password.
        service.put("env_file", List.of(secretsDir(id) + "credentials.env"));
        service.put(
                "environment",
                map("FLINK_PROPERTIES", String.join("\n", properties), "ENCLAVE_KEYSTORE", KEYSTORE_PATH));
        service.put("secrets", secretMounts);
        service.put("volumes", List.of(id + "_state:/opt/flink/state/" + id));
        service.put("networks", networks);
        return service;
    }

    /**
     * With {@code processing.memory_per_slot}, the TaskManager is sized as the rendered Kubernetes
     * one ({@link TenantSizing}): its Flink memory holds exactly the job's slots of that heap and
     * managed memory, and the container may use no more than that process size and a core a slot.
     */
    private static void sizeTaskManager(TenantConfig tenant, Map<String, Object> taskManager) {
        Map<String, String> memory = TenantSizing.taskManagerMemory(tenant);
        if (memory.isEmpty()) {
            return;
        }
        TenantSizing sizing = TenantSizing.of(tenant);
        @SuppressWarnings("unchecked")
        Map<String, Object> environment = (Map<String, Object>) taskManager.get("environment");
        List<String> properties = new ArrayList<>(List.of((String) environment.get("FLINK_PROPERTIES")));
        new TreeMap<>(memory).forEach((key, value) -> properties.add(key + ": " + value));
        properties.add("taskmanager.memory.process.size: " + sizing.taskManagerMemoryMb() + "m");
        environment.put("FLINK_PROPERTIES", String.join("\n", properties));
        taskManager.put("mem_limit", sizing.taskManagerMemoryMb() + "m");
        taskManager.put("cpus", sizing.taskManagerCpu());
    }

    private static List<String> jobManagerCommand(TenantConfig tenant) {
        return List.of(
                "standalone-job",
                "--job-classname",
                "io.enclave.jobs.TenantJob",
                "--config",
                KubernetesManifests.CONFIG_DIR + "/" + KubernetesManifests.CONFIG_KEY,
                "--tenant",
                tenant.id());
    }

    /**
     * {@code enclave provision} once, with every tenant's config and the admin credentials, on the
     * provisioning network only. The image's entrypoint runs any other command as given.
     */
    private Map<String, Object> provisionService() {
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("image", options.image());
        // The ops CLI is not in the job jar: the image carries its distribution (enclave-<version>.tar.gz) at CLI_HOME.
        service.put(
                "command",
                List.of(CLI_HOME + "/bin/enclave", "provision", "-c", "/run/secrets/" + PROVISION_CONFIG_SECRET));
        service.put("restart", "no");
        // ENCLAVE_DB_ADMIN_USER/_PASSWORD and every tenant's ${VAR} values, which provisioning sets as passwords.
        service.put("env_file", List.of("./secrets/provision/provision.env"));
        service.put("environment", map("ENCLAVE_KAFKA_ADMIN_CONFIG", "/run/secrets/" + KAFKA_ADMIN_SECRET));
        service.put(
                "secrets",
                List.of(
                        PROVISION_CONFIG_SECRET,
                        KAFKA_ADMIN_SECRET,
                        map("source", PROVISION_KAFKA_CA_SECRET, "target", KAFKA_TRUSTSTORE_PATH)));
        service.put(
                "depends_on",
                map(KAFKA, map("condition", "service_healthy"), STARROCKS, map("condition", "service_healthy")));
        service.put("networks", List.of(PROVISION_NETWORK));
        return service;
    }

    /**
     * One KRaft node. Clients, and the node's own inter-broker traffic, reach only the SASL_SSL
     * listener, which presents the broker's key store; the controller listener binds to localhost
     * inside the container and stays SASL_PLAINTEXT, since no other container can reach it. Tenants
     * log in with SCRAM; PLAIN, whose only user is the admin in the JAAS secret, serves
     * provisioning, the inter-broker login and the node's broker-to-controller traffic.
     */
    private static Map<String, Object> kafkaService(List<String> networks) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("KAFKA_NODE_ID", "1");
        env.put("KAFKA_PROCESS_ROLES", "broker,controller");
        env.put("KAFKA_LISTENERS", KAFKA_CLIENT_LISTENER + "://:9092,CONTROLLER://localhost:9093");
        env.put("KAFKA_ADVERTISED_LISTENERS", KAFKA_CLIENT_LISTENER + "://" + KAFKA + ":9092");
        env.put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", KAFKA_CLIENT_LISTENER + ":SASL_SSL,CONTROLLER:SASL_PLAINTEXT");
        env.put("KAFKA_INTER_BROKER_LISTENER_NAME", KAFKA_CLIENT_LISTENER);
        // The image reads both passwords from these files under /etc/kafka/secrets: never a rendered value.
        env.put("KAFKA_SSL_KEYSTORE_FILENAME", KAFKA_KEYSTORE_FILE);
        env.put("KAFKA_SSL_KEYSTORE_CREDENTIALS", KAFKA_KEYSTORE_PASSWORD_FILE);
        env.put("KAFKA_SSL_KEY_CREDENTIALS", KAFKA_KEYSTORE_PASSWORD_FILE);
        env.put("KAFKA_SSL_KEYSTORE_TYPE", "PKCS12");
        // The inter-broker login goes to kafka:9092 like any client's, so the node verifies its own certificate.
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", KAFKA_TRUSTSTORE_PATH);
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
        env.put("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093");
        env.put("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512,PLAIN");
        env.put("KAFKA_LISTENER_NAME_CONTROLLER_SASL_ENABLED_MECHANISMS", "PLAIN");
        env.put("KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL", "PLAIN");
        env.put("KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL", "PLAIN");
        env.put("KAFKA_AUTHORIZER_CLASS_NAME", STANDARD_AUTHORIZER);
        env.put("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false");
        env.put("KAFKA_SUPER_USERS", "User:" + KAFKA_ADMIN_USER);
        env.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
        env.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
        env.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        // The KafkaServer JAAS section (admin's PLAIN password, the SCRAM login module) is a secret file.
        env.put("KAFKA_OPTS", "-Djava.security.auth.login.config=/run/secrets/" + KAFKA_JAAS_SECRET);
        return map(
                "image",
                KAFKA_IMAGE,
                "restart",
                "unless-stopped",
                "environment",
                env,
                "secrets",
                List.of(
                        KAFKA_JAAS_SECRET,
                        KAFKA_ADMIN_SECRET,
                        map(
                                "source",
                                KAFKA_KEYSTORE_SECRET,
                                "target",
                                KAFKA_IMAGE_SECRETS_DIR + "/" + KAFKA_KEYSTORE_FILE),
                        map(
                                "source",
                                KAFKA_KEYSTORE_PASSWORD_SECRET,
                                "target",
                                KAFKA_IMAGE_SECRETS_DIR + "/" + KAFKA_KEYSTORE_PASSWORD_FILE),
                        map("source", KAFKA_CA_SECRET, "target", KAFKA_TRUSTSTORE_PATH)),
                // Healthy once the admin can log in over TLS by the name clients use, so the
                // certificate is checked for "kafka" as it will be for them: provisioning waits for this.
                "healthcheck",
                map(
                        "test",
                        List.of(
                                "CMD-SHELL",
                                "/opt/kafka/bin/kafka-cluster.sh cluster-id" + " --bootstrap-server " + KAFKA
                                        + ":9092 --config /run/secrets/" + KAFKA_ADMIN_SECRET),
                        "interval",
                        "10s",
                        "retries",
                        30),
                "networks",
                networks);
    }

    private static Map<String, Object> tenantLabels(String id) {
        return map(KubernetesManifests.TENANT_LABEL, id);
    }

    /** Named volumes, one per tenant for its checkpoints and savepoints. */
    public Map<String, Object> volumes() {
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (TenantConfig tenant : config.tenants()) {
            volumes.put(tenant.id() + "_state", map("labels", tenantLabels(tenant.id())));
        }
        return volumes;
    }
}
