package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJob;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.sinks.AuditVerifier;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.MiniClusters;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's containment on real parts: a SASL/SCRAM broker with ACLs, MariaDB and a MiniCluster
 * running both tenants' jobs, provisioned by {@code enclave provision}. {@code enclave quarantine}
 * shuts tenant A's publisher out of its topics, audit topic and transactions (authorization
 * errors), stops A's job with a savepoint without draining (FINISHED) and locks every account with
 * a grant on A's database, the config's and a stale reader's (their logins fail), leaving one
 * locked before as it was, while B's rows keep landing. {@code enclave release} refuses while a job
 * of A's name runs and when the record names an older savepoint; then it resumes A's job from the
 * quarantine's savepoint: every event A published, before, around and after the quarantine, is a
 * row exactly once, the detection window counted across the quarantine raises exactly one alert,
 * and A's chain verifies with the quarantine and release records in it.
 */
class QuarantineITCase {
    private static final int CLAIMS = 3;
    private static final String STALE = "quar_alpha_stale_reader";
    private static final String FROZEN = "quar_alpha_frozen_reader";
    private static final String TABLE_READER = "quar_alpha_table_reader";
    private static final String BRAVO_STALE = "quar_bravo_stale_reader";
    private static final String PASSWORD = "stale-reader-pw";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 4);

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb db;
    private static IsolationFixture fixture;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        db = EmbeddedMariaDb.shared();
        // A's job detects cross-tenant claims over a day-long window, so the test never straddles two windows.
        fixture = new IsolationFixture(
                "quar",
                dir,
                kafka.bootstrapServers(),
                db.rootJdbcUrl(),
                kafka,
                yaml -> yaml.replace(
                        "      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]\n",
                        "      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]\n    audit_requirements: {realtime_monitoring: true,"
                                + " incident_response: 15m, detection: {cross_tenant_claims: {count: " + CLAIMS
                                + ", window: 24h}}}\n"));
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(fixture.alpha(), fixture.bravo())) {
                st.execute("DROP DATABASE IF EXISTS `" + t.database().schema() + "`");
            }
            for (String user : List.of(STALE, FROZEN, TABLE_READER, BRAVO_STALE)) {
                st.execute("DROP USER IF EXISTS '" + user + "'@'%'");
            }
        }
        IsolationFixture.Run kafkaRun = fixture.provisionKafka();
        assertThat(kafkaRun.exit()).as(kafkaRun.toString()).isZero();
        IsolationFixture.Run dbRun = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(dbRun.exit()).as(dbRun.toString()).isZero();
        // Accounts the config does not name, as the server keeps them: a reader dropped from the config (its grant
        // escaped as provision writes it), one with a table grant only, one locked before any quarantine (its grant
        // unescaped, so `_` is a wildcard that matches A's database too), and B's own stale reader.
        String alphaDb = fixture.alpha().database().schema();
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (String user : List.of(STALE, FROZEN, TABLE_READER, BRAVO_STALE)) {
                st.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "'");
            }
            st.execute("GRANT SELECT ON `" + alphaDb.replace("_", "\\_") + "`.* TO '" + STALE + "'@'%'");
            st.execute("GRANT SELECT ON `" + alphaDb + "`.disaster_declarations TO '" + TABLE_READER + "'@'%'");
            st.execute("GRANT SELECT ON `" + alphaDb + "`.* TO '" + FROZEN + "'@'%'");
            st.execute("ALTER USER '" + FROZEN + "'@'%' ACCOUNT LOCK");
            st.execute("GRANT SELECT ON `" + fixture.bravo().database().schema().replace("_", "\\_") + "`.* TO '"
                    + BRAVO_STALE + "'@'%'");
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void quarantineContainsOneTenantAndReleaseResumesItWithNoEventLostOrDoubled(
            @InjectClusterClient ClusterClient<?> client, @InjectClusterRESTAddress URI rest) throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        Path savepoints = Files.createDirectories(dir.resolve("savepoints"));
        String[] servers = {
            "--kafka-admin-config",
            fixture.kafkaAdminConfig.toString(),
            "--db-admin-user",
            db.rootUser(),
            "--db-admin-password-file",
            IsolationFixture.passwordFile(db.rootPassword()),
            "--flink",
            rest.toString(),
            "--savepoint-dir",
            savepoints.toUri().toString()
        };

        JobClient alphaJob = TenantJob.environment(fixture.config.global(), a)
                .executeAsync(a.names().jobName());
        JobClient bravoJob = TenantJob.environment(fixture.config.global(), b)
                .executeAsync(b.names().jobName());
        try {
            // Short of the threshold before the quarantine; the claim that reaches it comes after the release.
            publish(a, ids("a-claim", 0, CLAIMS - 1), "CO", "other_tenant");
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (scalar(a, "SELECT COUNT(*) FROM audit_log WHERE reason = 'cross_tenant'") < CLAIMS - 1) {
                assertThat(System.nanoTime()).as("A's job audited the claims").isLessThan(deadline);
                Thread.sleep(300);
            }
            // An older savepoint of the same job, which a rewritten record could name.
            String older = client.triggerSavepoint(
                            alphaJob.getJobID(), dir.resolve("older").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            publish(a, ids("a", 0, 20), "CO");
            publish(b, ids("b", 0, 10), "TX");
            // Straight away: part of A's twenty may still be in Kafka, unread, when the job stops.
            IsolationFixture.Run dryRun = IsolationFixture.cli(concat(
                    new String[] {"quarantine", "-c", fixture.configFile.toString(), "-t", a.id(), "--reason", "x"},
                    concat(servers, new String[] {"--dry-run"})));
            assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
            String publisher = "User:" + a.kafkaPublisher().username();
            assertThat(dryRun.out())
                    .contains("would add acl " + publisher + " DENY ALL TOPIC LITERAL "
                            + a.names().topic(StreamKind.DISASTERS))
                    .contains("would add acl " + publisher + " DENY ALL TOPIC LITERAL "
                            + a.names().auditTopic())
                    .contains("would add acl " + publisher + " DENY ALL TRANSACTIONAL_ID PREFIXED "
                            + a.names().transactionalIdPrefix())
                    .contains("would stop job " + a.names().jobName() + " with a savepoint, without draining")
                    .contains("would lock database account '" + a.database().user() + "'@'%'")
                    .contains("would lock database account '" + STALE + "'@'%'")
                    .contains("would lock database account '" + TABLE_READER + "'@'%'")
                    .contains("would leave database account '" + FROZEN + "'@'%' locked")
                    .doesNotContain(BRAVO_STALE)
                    .doesNotContain("'" + db.rootUser() + "'@");
            assertThat(QuarantineFile.of(a).read())
                    .as("a dry run records nothing")
                    .isEmpty();

            IsolationFixture.Run quarantine = IsolationFixture.cli(concat(
                    new String[] {
                        "quarantine",
                        "-c",
                        fixture.configFile.toString(),
                        "-t",
                        a.id(),
                        "--reason",
                        "alert: cross-tenant burst"
                    },
                    servers));
            assertThat(quarantine.exit()).as(quarantine.toString()).isZero();

            // The job: FINISHED, with the savepoint recorded.
            JobStatusMessage stopped = job(client, a.names().jobName());
            assertThat(stopped.getJobState()).isEqualTo(JobStatus.FINISHED);
            QuarantineState state = QuarantineFile.of(a).read().orElseThrow();
            assertThat(state.reason).isEqualTo("alert: cross-tenant burst");
            QuarantineState.Step jobStep = state.steps.stream()
                    .filter(s -> s.kind.equals("tenant_job"))
                    .findFirst()
                    .orElseThrow();
            assertThat(jobStep.jobId).isEqualTo(stopped.getJobId().toHexString());
            assertThat(Path.of(URI.create(jobStep.savepoint))).isDirectory();
            assertThat(state.steps).extracting(s -> s.kind).contains("publisher_acl", "db_account");
            assertThat(state.steps)
                    .filteredOn(s -> s.kind.equals("db_account"))
                    .extracting(s -> s.target)
                    .containsExactlyInAnyOrder(
                            "'" + a.database().user() + "'@'%'", "'" + STALE + "'@'%'", "'" + TABLE_READER + "'@'%'");
            assertThat(state.alreadyLocked).containsExactly("'" + FROZEN + "'@'%'");

            // status: A quarantined since when, by whom and why; B running.
            IsolationFixture.Run status = IsolationFixture.cli("status", "-c", fixture.configFile.toString());
            assertThat(status.exit()).as(status.toString()).isZero();
            assertThat(status.out())
                    .contains(a.id() + "  QUARANTINED since " + state.since + " by " + state.by
                            + ": alert: cross-tenant burst (scope all, " + state.steps.size() + " steps in force)")
                    .contains(b.id() + "  RUNNING");

            // The publisher: refused by the broker, on its data topics, its audit topic and its transactions.
            int refused = 0;
            for (String id : ids("a-q", 0, 3)) {
                assertThatThrownBy(() -> sendOnce(a, id, "CO"))
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
                refused++;
            }
            QuarantineFile.of(a).countRefused(refused);
            assertThatThrownBy(() -> sendTo(a, a.names().auditTopic(), declaration("a-audit", "CO", null)))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> beginTransaction(a, a.names().transactionalIdPrefix() + "probe"))
                    .isInstanceOf(TransactionalIdAuthorizationException.class);

            // The database: every account with a grant on A's database fails to log in, the config's or not.
            assertThatThrownBy(() -> login(a)).isInstanceOf(SQLException.class).hasMessageContaining("locked");
            for (String user : List.of(STALE, TABLE_READER, FROZEN)) {
                assertThatThrownBy(() -> login(user)).as(user).hasMessageContaining("locked");
            }
            login(BRAVO_STALE).close();

            // A record rewritten to an older savepoint of the same job, which would replay rows into the tables.
            QuarantineState rewritten = QuarantineFile.of(a).read().orElseThrow();
            rewritten.steps.stream().filter(s -> s.kind.equals("tenant_job")).forEach(s -> s.savepoint = older);
            QuarantineFile.of(a).write(rewritten);
            IsolationFixture.Run rolledBack = IsolationFixture.cli(
                    concat(new String[] {"release", "-c", fixture.configFile.toString(), "-t", a.id()}, servers));
            assertThat(rolledBack.exit()).as(rolledBack.toString()).isEqualTo(1);
            assertThat(rolledBack.err())
                    .contains("release of " + a.id() + " refused: the recorded savepoint " + older + " of job "
                            + a.names().jobName() + " is not the one the quarantine took")
                    .contains("nothing was reversed");
            assertThatThrownBy(() -> login(a)).hasMessageContaining("locked");
            QuarantineFile.of(a).write(state);
            QuarantineFile.of(a).countRefused(refused);

            // B is untouched: running, publishing, landing.
            assertThat(bravoJob.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            publish(b, ids("b", 10, 20), "TX");
            awaitRows(b, 20);

            IsolationFixture.Run release = IsolationFixture.cli(
                    concat(new String[] {"release", "-c", fixture.configFile.toString(), "-t", a.id()}, servers));
            assertThat(release.exit()).as(release.toString()).isZero();
            assertThat(release.out())
                    .contains("resumed from savepoint " + jobStep.savepoint + ": job "
                            + a.names().jobName())
                    .contains("3 events were refused to its publishers meanwhile");
            assertThat(QuarantineFile.of(a).read()).isEmpty();
            assertThat(job(client, a.names().jobName()).getJobState()).isEqualTo(JobStatus.RUNNING);
            login(STALE).close();
            login(TABLE_READER).close();
            assertThatThrownBy(() -> login(FROZEN))
                    .as("locked before the quarantine, so locked after the release")
                    .hasMessageContaining("locked");

            assertThat(IsolationFixture.cli("status", "-c", fixture.configFile.toString(), "-t", a.id())
                            .out())
                    .startsWith(a.id() + "  RUNNING");
            login(a).close();
            publish(a, ids("a", 20, 30), "CO");
            publish(a, ids("a-claim", CLAIMS - 1, CLAIMS), "CO", "other_tenant");
            awaitRows(a, 30);
            // Each of the thirty exactly once as a row: compared as multisets, a duplicate fails.
            assertThat(column(a, "SELECT id FROM disaster_declarations"))
                    .containsExactlyInAnyOrderElementsOf(ids("a", 0, 30));
            // The claims counted before the quarantine stay counted in the savepoint's window: the one after the
            // release reaches the threshold, one alert. A drained stop would have fired the window as if time had
            // ended, dropping its count, and the last claim would have started a new one.
            deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (scalar(a, "SELECT COUNT(*) FROM audit_log WHERE action = 'SECURITY_ALERT'") < 1) {
                assertThat(System.nanoTime())
                        .as("one alert after %s claims across the quarantine", CLAIMS)
                        .isLessThan(deadline);
                Thread.sleep(300);
            }
        } finally {
            bravoJob.cancel().get(60, TimeUnit.SECONDS);
        }
        // Drained, so every audit record is written, then the chain is checked.
        JobStatusMessage resumed = job(client, a.names().jobName());
        String drained = client.stopWithSavepoint(
                        resumed.getJobId(), true, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(60, TimeUnit.SECONDS);
        // Nothing read twice: the resumed guard, restored from the savepoint, would refuse a re-read event as a
        // duplicate.
        assertThat(scalar(a, "SELECT COUNT(*) FROM audit_log WHERE reason = 'duplicate'"))
                .isZero();
        // Every row accounted for once across both drained stops: the rows since the last checkpoint are summarised
        // when the input ends, not lost with the final savepoint.
        assertThat(scalar(
                        a,
                        "SELECT COALESCE(SUM(row_count), 0) FROM audit_log"
                                + " WHERE action = 'SINK_FLUSH' AND sink_table = 'disaster_declarations'"))
                .isEqualTo(30);
        assertThat(column(a, "SELECT action FROM audit_log"))
                .contains("QUARANTINE", "RELEASE", "JOB_STOP", "JOB_START");
        assertThat(column(a, "SELECT reason FROM audit_log WHERE action = 'SECURITY_ALERT'"))
                .as("exactly one alert, and none from the quarantine itself")
                .containsExactly("cross_tenant_claims");
        assertThat(column(a, "SELECT detail FROM audit_log WHERE action = 'JOB_START'"))
                .anySatisfy(d -> assertThat(d).startsWith("job restored from "));
        try (Connection root = db.rootConnection()) {
            AuditVerifier.Verdict verdict = new AuditVerifier(
                            root,
                            a.database().schema(),
                            a.id(),
                            AuditTrust.read(AuditSigning.trustFile(a)),
                            AuditVerifier.Policy.unpinned(a.auditRequirements().retentionDays()))
                    .verify();
            assertThat(verdict.ok())
                    .as("%s at %s", verdict.problem(), verdict.badSequence())
                    .isTrue();
        }

        // A record of that stop, as quarantine keeps one, then a job of A's name started after the stopped one.
        // Release refuses while it runs (a second job would read the same topics into the same tables), and still
        // once it was cancelled: it ran from a state after the savepoint and wrote what it read, so restoring the
        // savepoint would replay that.
        awaitFinished(client, resumed.getJobId());
        QuarantineState recorded = new QuarantineState();
        recorded.tenant = a.id();
        recorded.reason = "drill";
        recorded.scope = "job";
        recorded.since = Instant.now().toString();
        recorded.completed = recorded.since;
        QuarantineState.Step stop =
                new QuarantineState.Step("tenant_job", a.names().jobName(), recorded.since);
        stop.savepoint = drained;
        stop.jobId = resumed.getJobId().toHexString();
        recorded.steps.add(stop);
        QuarantineFile.of(a).write(recorded);
        JobClient second = secondJob(a.names().jobName());
        awaitRunning(client, second);
        IsolationFixture.Run doubled = IsolationFixture.cli(
                concat(new String[] {"release", "-c", fixture.configFile.toString(), "-t", a.id()}, servers));
        assertThat(doubled.exit()).as(doubled.toString()).isEqualTo(1);
        assertThat(doubled.err())
                .contains("release of " + a.id() + " refused: job " + a.names().jobName() + " is already running ("
                        + second.getJobID() + ")")
                .contains("nothing was reversed");
        second.cancel().get(60, TimeUnit.SECONDS);
        awaitTerminal(client, second);
        IsolationFixture.Run replayed = IsolationFixture.cli(
                concat(new String[] {"release", "-c", fixture.configFile.toString(), "-t", a.id()}, servers));
        assertThat(replayed.exit()).as(replayed.toString()).isEqualTo(1);
        assertThat(replayed.err())
                .contains("is not the last " + a.names().jobName() + ": " + second.getJobID() + " (CANCELED) started"
                        + " later")
                .contains("nothing was reversed");
        assertThat(QuarantineFile.of(a).read()).isPresent();
    }

    private static void awaitFinished(ClusterClient<?> client, org.apache.flink.api.common.JobID job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (client.getJobStatus(job).get(30, TimeUnit.SECONDS) != JobStatus.FINISHED) {
            assertThat(System.nanoTime()).as("job %s finished", job).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static JobStatusMessage job(ClusterClient<?> client, String name) throws Exception {
        // The newest job of that name: after the release, the resumed one.
        List<JobStatusMessage> jobs = client.listJobs().get(30, TimeUnit.SECONDS).stream()
                .filter(j -> j.getJobName().equals(name))
                .sorted((x, y) -> Long.compare(y.getStartTime(), x.getStartTime()))
                .toList();
        assertThat(jobs).as("jobs named %s", name).isNotEmpty();
        return jobs.get(0);
    }

    private static List<String> ids(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** A declaration; with {@code claimedTenant}, one that claims another tenant (the guard refuses it). */
    private static byte[] declaration(String id, String state, String claimedTenant) {
        return ("{\"id\":\"" + id + "\",\"femaDeclarationString\":\"DR-9999-" + state + "\",\"state\":\"" + state
                        + "\",\"incidentType\":\"Flood\",\"declarationDate\":\"2026-11-01T00:00:00.000Z\","
                        + (claimedTenant == null ? "" : "\"tenant_id\":\"" + claimedTenant + "\",")
                        + "\"data_classification\":\"PUBLIC\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void publish(TenantConfig tenant, List<String> ids, String state) throws Exception {
        publish(tenant, ids, state, null);
    }

    /** Publishes as the tenant's publisher, retrying while freshly changed ACLs reach the broker. */
    private static void publish(TenantConfig tenant, List<String> ids, String state, String claimedTenant)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (String id : ids) {
            while (true) {
                try {
                    sendTo(tenant, tenant.names().topic(StreamKind.DISASTERS), declaration(id, state, claimedTenant));
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof AuthorizationException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    private static void sendOnce(TenantConfig tenant, String id, String state) throws Exception {
        sendTo(tenant, tenant.names().topic(StreamKind.DISASTERS), declaration(id, state, null));
    }

    private static void sendTo(TenantConfig tenant, String topic, byte[] value) throws Exception {
        Map<String, Object> props = new HashMap<>(IsolationFixture.scram(kafka, tenant.kafkaPublisher()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Starts a transaction as the tenant's publisher under {@code transactionalId}, as the ingest job's sinks do. */
    private static void beginTransaction(TenantConfig tenant, String transactionalId) {
        Map<String, Object> props = new HashMap<>(IsolationFixture.scram(kafka, tenant.kafkaPublisher()));
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.abortTransaction();
        }
    }

    /** Any job named {@code name}: a stand-in for a tenant job someone started again by hand. */
    private static JobClient secondJob(String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSequence(0, Long.MAX_VALUE).map(new Slow()).sinkTo(new DiscardingSink<>());
        return env.executeAsync(name);
    }

    /** Keeps {@link #secondJob} from spinning a core. */
    private static final class Slow implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) throws InterruptedException {
            Thread.sleep(100);
            return value;
        }
    }

    private static void awaitRunning(ClusterClient<?> client, JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (client.getJobStatus(job.getJobID()).get(30, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            assertThat(System.nanoTime()).as("job %s running", job.getJobID()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void awaitTerminal(ClusterClient<?> client, JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!client.getJobStatus(job.getJobID()).get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
            assertThat(System.nanoTime()).as("job %s ended", job.getJobID()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static Connection login(TenantConfig tenant) throws SQLException {
        return DriverManager.getConnection(
                db.jdbcUrl(tenant.database().schema()),
                tenant.database().user(),
                tenant.database().password().reveal());
    }

    private static Connection login(String user) throws SQLException {
        return DriverManager.getConnection(db.rootJdbcUrl(), user, PASSWORD);
    }

    private static void awaitRows(TenantConfig tenant, long rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (scalar(tenant, "SELECT COUNT(*) FROM disaster_declarations") < rows) {
            assertThat(System.nanoTime()).as("%s rows of %s", rows, tenant.id()).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static long scalar(TenantConfig tenant, String sql) throws SQLException {
        List<String> values = column(tenant, sql);
        return values.get(0) == null ? 0 : Long.parseLong(values.get(0));
    }

    /** As root, with the tenant's tables qualified by its schema. */
    private static List<String> column(TenantConfig tenant, String sql) throws SQLException {
        String schema = tenant.database().schema();
        String qualified = sql.replace(
                        "FROM disaster_declarations", "FROM " + SqlDialect.qualified(schema, "disaster_declarations"))
                .replace("FROM audit_log", "FROM " + SqlDialect.qualified(schema, "audit_log"));
        List<String> values = new ArrayList<>();
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(qualified)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
