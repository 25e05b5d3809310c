package io.enclave.cli.demo;

import io.enclave.cli.Progress;
import io.enclave.cli.WaitTimedOutException;
import io.enclave.cli.provision.DatabaseProvisioner;
import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.cli.provision.ProvisionReport;
import io.enclave.config.DatabaseDialect;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.EncryptableFields;
import io.enclave.config.EncryptedField;
import io.enclave.config.GlobalSettings;
import io.enclave.config.ReaderSettings;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.events.SampleFiles;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.TenantKeys;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.sinks.TenantTableCounts;
import io.enclave.sinks.dialect.MySqlDialect;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * Everything {@code ./enclave demo} runs, in one process: a KRaft broker, MariaDB standing in
 * for StarRocks, and Flink clusters with their web UIs (a shared one, and one of its own for each tenant with
 * {@code dedicated_processing}), running one job per tenant while
 * generated FEMA- and NWS-shaped events, a few percent of them hostile, are published.
 */
public final class EnclaveDemo implements AutoCloseable {
    static final String KAFKA_ADMIN = "enclave-demo-admin";
    static final String KAFKA_ADMIN_PASSWORD = "demo-admin-" + java.util.UUID.randomUUID();

    private final EnclaveConfig config;
    private GlobalSettings global;
    private final PrintWriter out;
    private final PrintWriter err;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, JobID> jobs = new LinkedHashMap<>();
    private EmbeddedMariaDb database;
    private DemoClusters clusters;
    private DemoPublisher publisher;
    private Path configFile = Path.of("tenant-config", "examples", "tenants.yaml");
    private boolean decryptHintShown;
    private boolean queryHintShown;

    /** {@code out} gets the demo's console, {@code err} its progress bars. */
    public EnclaveDemo(EnclaveConfig config, PrintWriter out, PrintWriter err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts the servers, provisions each tenant, and submits each tenant's job, with a bar on
     * stderr; any one step that takes longer than {@code timeout} fails with {@link WaitTimedOutException}.
     */
    public void start(int webPort, Duration timeout) throws Exception {
        List<TenantConfig> tenants = List.copyOf(config.tenants());
        // Kafka, MariaDB, provisioning and keys, the Flink clusters, then one step per tenant's job.
        int clusterCount = clusterCount(tenants);
        try (Progress startup = Progress.of(err, "enclave demo: start-up", 3 + clusterCount + tenants.size(), "steps");
                Steps steps = new Steps(startup, timeout)) {
            start(webPort, tenants, steps);
        }
    }

    private void start(int webPort, List<TenantConfig> tenants, Steps steps) throws Exception {
        out.println("Starting embedded Kafka (KRaft) ...");
        out.flush();
        // SASL with real ACLs, so each tenant's principals can reach only that tenant's topics.
        EmbeddedKafka kafka = steps.await(
                "the embedded Kafka broker", () -> EmbeddedKafka.startWithSasl(KAFKA_ADMIN, KAFKA_ADMIN_PASSWORD));
        started.add(kafka);
        out.println("Starting embedded MariaDB (StarRocks stand-in) ...");
        out.flush();
        database = steps.await("the embedded MariaDB", () -> EmbeddedMariaDb.start(0));
        started.add(database);

        global = config.global()
                .withKafka(kafka.bootstrapServers(), "SASL_PLAINTEXT")
                .withDatabase(database.rootJdbcUrl(), DatabaseDialect.MYSQL);
        steps.await("provisioning and keys of " + tenants.size() + " tenants", () -> {
            provision(kafka, tenants);
            createMissingKeys(tenants);
            return null;
        });

        clusters = DemoClusters.plan(tenants, webPort);
        // Closed even when a start times out, so their threads and ports do not outlive the demo.
        started.add(clusters);
        for (MiniCluster cluster : clusters.all()) {
            String webUi = steps.await("the Flink cluster " + clusters.name(cluster), () -> {
                cluster.start();
                return DemoClusters.webUi(cluster).toString();
            });
            out.printf("Flink web UI (%s): %s%n", clusters.name(cluster), webUi);
        }

        for (TenantConfig tenant : tenants) {
            var graph = TenantJob.environment(global, tenant).getStreamGraph();
            graph.setJobName(tenant.names().jobName());
            MiniCluster cluster = clusters.of(tenant);
            jobs.put(
                    tenant.id(),
                    steps.await(
                            "the submission of " + tenant.names().jobName(),
                            () -> cluster.submitJob(graph).get().getJobID()));
            out.printf("  submitted %s to the %s cluster%n", tenant.names().jobName(), clusters.name(cluster));
        }
        out.flush();
        publisher = new DemoPublisher(global, tenants, 20261128L);
        started.add(publisher);
    }

    /** The shared cluster when any tenant is not dedicated, and one per dedicated tenant. */
    private static int clusterCount(List<TenantConfig> tenants) {
        long dedicated = tenants.stream()
                .filter(t -> t.securityEnhancements().dedicatedProcessing())
                .count();
        return (int) dedicated + (dedicated < tenants.size() ? 1 : 0);
    }

    /** Creates every tenant's topics, principals, ACLs, quotas, database, user and grants, as `provision` would. */
    private void provision(EmbeddedKafka kafka, List<TenantConfig> tenants) throws Exception {
        ProvisionReport report = new ProvisionReport();
        KafkaProvisioner kafkaProvisioner = new KafkaProvisioner(kafka.admin(), kafka.adminClientProperties(), global);
        try (Connection root = database.rootConnection()) {
            DatabaseProvisioner databaseProvisioner = new DatabaseProvisioner(root, global, new MySqlDialect());
            for (TenantConfig tenant : tenants) {
                report.addAll(kafkaProvisioner.plan(tenant));
                report.addAll(databaseProvisioner.plan(tenant));
            }
            StringWriter details = new StringWriter();
            if (report.run(false, new PrintWriter(details)) != 0) {
                throw new IllegalStateException("provisioning the demo tenants failed:\n" + details);
            }
        }
        out.printf(
                "Provisioned %d tenants: SCRAM principals, ACLs on exact names, quotas, databases and grants%n",
                tenants.size());
    }

    /** The config file the demo was started with, for the decrypt command it suggests. */
    public void configFile(Path file) {
        this.configFile = file;
    }

    /** Gives every tenant its keys in its own key store, unless an earlier run made them. */
    private void createMissingKeys(List<TenantConfig> tenants) throws AuditUnavailableException {
        for (TenantConfig tenant : tenants) {
            TenantKeys.ensure(global, tenant, "demo");
            out.printf(
                    "Keys of %s: its own %s store %s%n",
                    tenant.id(), tenant.keystore().type(), tenant.keystore().path());
        }
    }

    /** Publishes {@code eventsPerSecond} per tenant for {@code duration}, printing the table as it goes. */
    public void run(int eventsPerSecond, Duration duration, List<Path> replay) throws Exception {
        for (Path file : replay) {
            replay(file);
        }
        long end = duration.isZero() ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        long nextReport = System.nanoTime();
        while (System.nanoTime() < end && !Thread.currentThread().isInterrupted()) {
            publisher.publish(eventsPerSecond);
            if (System.nanoTime() >= nextReport) {
                report();
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(1000);
        }
    }

    /** Waits until every produced event is a row or an audited rejection, then prints the final table. */
    public void drainAndReport(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !allAccountedFor()) {
            Thread.sleep(1000);
        }
        out.println();
        out.println("Final:");
        report();
        printIncidentCommands();
    }

    /** An incident drill on this demo's tenants, as an operator would run it from another shell. */
    private void printIncidentCommands() {
        String tenant = config.tenants().iterator().next().id();
        out.println();
        out.println("Incident drill (README: Detection and containment), from another shell while the demo runs:");
        out.printf("  ./enclave status -c %s --dev%n", configFile);
        out.printf(
                "  ./enclave ack -c %s -t %s --alert <# from status> --reason \"drill\" --dev%n", configFile, tenant);
        // The demo's broker has no ACLs, so an empty admin properties file (the config's bootstrap) is its admin.
        out.printf(
                "  ./enclave respond --once -c %s --kafka-admin-config /dev/null --dev"
                        + "   (acts on tenants whose incident_response has contain)%n",
                configFile);
        out.printf(
                "  ./enclave quarantine -c %s -t %s --reason \"drill\" --scope job --flink http://localhost:8081 --dev"
                        + " --dry-run%n",
                configFile, tenant);
        out.printf("  ./enclave release -c %s -t %s --flink http://localhost:8081 --dev%n", configFile, tenant);
        out.flush();
    }

    private boolean allAccountedFor() throws Exception {
        try (Connection root = database.rootConnection()) {
            for (TenantConfig tenant : config.tenants()) {
                TenantTableCounts c = TenantTableCounts.read(root, tenant);
                if (c.accepted() + c.rejected() < publisher.produced(tenant.id())) {
                    return false;
                }
            }
        }
        return true;
    }

    private void replay(Path file) throws Exception {
        String name = file.getFileName().toString();
        boolean fema = name.endsWith(".csv");
        List<byte[]> payloads = fema ? SampleFiles.femaCsv(file) : SampleFiles.nwsAlerts(file);
        try (Progress progress = Progress.of(
                err,
                "enclave demo: replay " + name,
                (long) payloads.size() * config.tenants().size(),
                "records")) {
            for (TenantConfig tenant : config.tenants()) {
                progress.waitingFor("the broker to take " + name + " for " + tenant.id());
                publisher.publishRaw(
                        tenant.id(), tenant.names().topic(fema ? StreamKind.DISASTERS : StreamKind.WEATHER), payloads);
                progress.stepBy(payloads.size(), tenant.id());
            }
        }
        out.printf("replayed %d records of %s to every tenant%n", payloads.size(), file);
    }

    private void report() throws Exception {
        Map<String, Long> produced = new LinkedHashMap<>();
        Map<String, TenantTableCounts> counts = new LinkedHashMap<>();
        try (Connection root = database.rootConnection()) {
            for (TenantConfig tenant : config.tenants()) {
                produced.put(tenant.id(), publisher.produced(tenant.id()));
                counts.put(tenant.id(), TenantTableCounts.read(root, tenant));
            }
        }
        DemoReport.print(out, List.copyOf(config.tenants()), produced, counts);
        if (!decryptHintShown) {
            decryptHintShown = printDecryptHint();
        }
        if (!queryHintShown) {
            queryHintShown = printQueryHint();
        }
    }

    /** Once a tenant has an encrypted row: where to look at it and how to read it back. */
    private boolean printDecryptHint() throws SQLException {
        for (TenantConfig tenant : config.tenants()) {
            for (EncryptedField f : tenant.processing().encryptedFields()) {
                String column = EncryptableFields.column(f.stream(), f.field()).orElseThrow();
                String table = tenant.database().schema() + "." + f.stream().table();
                try (Connection root = database.rootConnection();
                        Statement st = root.createStatement();
                        ResultSet rs = st.executeQuery("SELECT id, " + column + " FROM " + table + " WHERE " + column
                                + " LIKE 'enc:%' LIMIT 1")) {
                    if (!rs.next()) {
                        continue;
                    }
                    out.printf(
                            "%nEncrypted, e.g. %s.%s of row %s:%n  %s%n",
                            table, column, rs.getString(1), rs.getString(2));
                    // The command submits its audit record to the tenant's audit topic, so it needs the demo's broker.
                    out.printf(
                            "Decrypt it (audited in %s.audit_log once the job has chained it):%n"
                                    + "  KAFKA_BOOTSTRAP=%s KAFKA_SECURITY_PROTOCOL=%s STARROCKS_JDBC_URL=jdbc:mysql://127.0.0.1:%d"
                                    + " ENCLAVE_DB_DIALECT=mysql ./enclave decrypt --dev --config %s --tenant %s --table %s"
                                    + " --column %s --row-key '%s' '%s'%n%n",
                            tenant.database().schema(),
                            global.kafkaBootstrapServers(),
                            global.kafkaSecurityProtocol(),
                            database.port(),
                            configFile,
                            tenant.id(),
                            f.stream().table(),
                            column,
                            rs.getString(1),
                            rs.getString(2));
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Once a tenant with readers has rows in a table it encrypts: a ready {@code query} as its
     * reader entitled to that column (else its first reader), the query audited before any row.
     */
    private boolean printQueryHint() throws SQLException {
        for (TenantConfig tenant : config.tenants()) {
            for (EncryptedField f : tenant.processing().encryptedFields()) {
                String table = f.stream().table();
                String column = EncryptableFields.column(f.stream(), f.field()).orElseThrow();
                Optional<ReaderSettings> reader = tenant.readers().stream()
                        .filter(r -> r.mayDecrypt(table, column))
                        .findFirst()
                        .or(() -> tenant.readers().stream().findFirst());
                if (reader.isEmpty() || !hasRows(tenant.database().schema() + "." + table)) {
                    continue;
                }
                out.printf(
                        "Read %s's rows back as its reader %s (SELECT only on %s; %s; audited before any row is"
                                + " shown):%n"
                                + "  KAFKA_BOOTSTRAP=%s KAFKA_SECURITY_PROTOCOL=%s"
                                + " STARROCKS_JDBC_URL=jdbc:mysql://127.0.0.1:%d ENCLAVE_DB_DIALECT=mysql"
                                + " ./enclave query --dev -c %s -t %s --reader %s"
                                + " \"SELECT id, %s FROM %s ORDER BY id LIMIT 5\"%n%n",
                        tenant.id(),
                        reader.get().name(),
                        tenant.database().schema(),
                        reader.get().mayDecrypt(table, column) ? column + " decrypted" : column + " left encrypted",
                        global.kafkaBootstrapServers(),
                        global.kafkaSecurityProtocol(),
                        database.port(),
                        configFile,
                        tenant.id(),
                        reader.get().name(),
                        column,
                        table);
                return true;
            }
        }
        return false;
    }

    private boolean hasRows(String table) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1 FROM " + table + " LIMIT 1")) {
            return rs.next();
        }
    }

    /**
     * The start-up's steps: each says on the bar what it waits for, runs on its own thread, and is
     * given up (interrupted) after the timeout, so a server that never comes up ends in exit 3.
     */
    private static final class Steps implements AutoCloseable {
        private final Progress progress;
        private final Duration timeout;
        private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "demo-start-up");
            thread.setDaemon(true);
            return thread;
        });

        Steps(Progress progress, Duration timeout) {
            this.progress = progress;
            this.timeout = timeout;
        }

        <T> T await(String what, Callable<T> step) throws Exception {
            progress.waitingFor(what + " (timeout " + timeout.toSeconds() + "s)");
            Future<T> result = runner.submit(step);
            try {
                T value = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                progress.step(what);
                return value;
            } catch (TimeoutException e) {
                result.cancel(true);
                throw new WaitTimedOutException(what, timeout);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }

        @Override
        public void close() {
            runner.shutdownNow();
        }
    }

    /** Cancels every job and waits until each has stopped, so the cluster shuts down quietly. */
    private void cancelJobs() {
        for (Map.Entry<String, JobID> entry : jobs.entrySet()) {
            JobID job = entry.getValue();
            MiniCluster cluster = clusters.of(config.tenant(entry.getKey()));
            try {
                cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!cluster.getJobStatus(job).get().isGloballyTerminalState() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                out.println("while cancelling " + job + ": " + e);
            }
        }
    }

    /** The demo's Kafka and database addresses, for commands run beside it such as {@code probe}. */
    public GlobalSettings global() {
        return global;
    }

    /** Where a user points a MySQL client to look at the tenants' tables. */
    public String databaseDescription() {
        return "mysql -h 127.0.0.1 -P " + database.port() + " -u " + database.rootUser() + " -p"
                + database.rootPassword();
    }

    @Override
    public void close() {
        cancelJobs();
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                out.println("while stopping: " + e);
            }
        }
        out.flush();
    }
}
