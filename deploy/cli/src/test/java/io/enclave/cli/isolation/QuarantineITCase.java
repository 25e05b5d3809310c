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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's containment on real parts: a SASL/SCRAM broker with ACLs, MariaDB and a MiniCluster
 * running both tenants' jobs, provisioned by {@code enclave provision}. {@code enclave quarantine}
 * shuts tenant A's publisher out (an authorization error), stops A's job with a savepoint
 * (FINISHED) and locks A's database account (its login fails), while B's rows keep landing.
 * {@code enclave release} resumes A's job from that savepoint: every event A published, before,
 * around and after the quarantine, is a row exactly once, and A's chain verifies with the
 * quarantine and release records in it.
 */
class QuarantineITCase {
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
        fixture = new IsolationFixture("quar", dir, kafka.bootstrapServers(), db.rootJdbcUrl(), kafka);
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(fixture.alpha(), fixture.bravo())) {
                st.execute("DROP DATABASE IF EXISTS `" + t.database().schema() + "`");
            }
        }
        IsolationFixture.Run kafkaRun = fixture.provisionKafka();
        assertThat(kafkaRun.exit()).as(kafkaRun.toString()).isZero();
        IsolationFixture.Run dbRun = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(dbRun.exit()).as(dbRun.toString()).isZero();
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

        TenantJob.environment(fixture.config.global(), a).executeAsync(a.names().jobName());
        JobClient bravoJob = TenantJob.environment(fixture.config.global(), b)
                .executeAsync(b.names().jobName());
        try {
            publish(a, ids("a", 0, 20), "CO");
            publish(b, ids("b", 0, 10), "TX");
            // Straight away: part of A's twenty may still be in Kafka, unread, when the job stops.
            IsolationFixture.Run dryRun = IsolationFixture.cli(concat(
                    new String[] {"quarantine", "-c", fixture.configFile.toString(), "-t", a.id(), "--reason", "x"},
                    new String[] {"--dry-run"}));
            assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
            assertThat(dryRun.out())
                    .contains("would add acl User:" + a.kafkaPublisher().username() + " DENY WRITE TOPIC "
                            + a.names().topic(StreamKind.DISASTERS))
                    .contains("would stop job " + a.names().jobName() + " with a savepoint")
                    .contains("would lock database account '" + a.database().user() + "'@'%'");
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

            // status: A quarantined since when, by whom and why; B running.
            IsolationFixture.Run status = IsolationFixture.cli("status", "-c", fixture.configFile.toString());
            assertThat(status.exit()).as(status.toString()).isZero();
            assertThat(status.out())
                    .contains(a.id() + "  QUARANTINED since " + state.since + " by " + state.by
                            + ": alert: cross-tenant burst (scope all, " + state.steps.size() + " steps in force)")
                    .contains(b.id() + "  RUNNING");

            // The publisher: refused by the broker.
            int refused = 0;
            for (String id : ids("a-q", 0, 3)) {
                assertThatThrownBy(() -> sendOnce(a, id, "CO"))
                        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
                refused++;
            }
            QuarantineFile.of(a).countRefused(refused);

            // The database: A's login fails, root sees the account locked.
            assertThatThrownBy(() -> login(a)).isInstanceOf(SQLException.class).hasMessageContaining("locked");

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

            assertThat(IsolationFixture.cli("status", "-c", fixture.configFile.toString(), "-t", a.id())
                            .out())
                    .startsWith(a.id() + "  RUNNING");
            login(a).close();
            publish(a, ids("a", 20, 30), "CO");
            awaitRows(a, 30);
            // Each of the thirty exactly once as a row.
            assertThat(column(a, "SELECT id FROM disaster_declarations"))
                    .containsExactlyInAnyOrderElementsOf(ids("a", 0, 30));
        } finally {
            bravoJob.cancel().get(60, TimeUnit.SECONDS);
        }
        // Drained, so every audit record is written, then the chain is checked.
        JobStatusMessage resumed = job(client, a.names().jobName());
        client.stopWithSavepoint(resumed.getJobId(), true, dir.toUri().toString(), SavepointFormatType.CANONICAL)
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

    private static byte[] declaration(String id, String state) {
        return ("{\"id\":\"" + id + "\",\"femaDeclarationString\":\"DR-9999-" + state + "\",\"state\":\"" + state
                        + "\",\"incidentType\":\"Flood\",\"declarationDate\":\"2026-11-01T00:00:00.000Z\","
                        + "\"data_classification\":\"PUBLIC\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes as the tenant's publisher, retrying while freshly changed ACLs reach the broker. */
    private static void publish(TenantConfig tenant, List<String> ids, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (String id : ids) {
            while (true) {
                try {
                    sendOnce(tenant, id, state);
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
        Map<String, Object> props = new HashMap<>(IsolationFixture.scram(kafka, tenant.kafkaPublisher()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(tenant.names().topic(StreamKind.DISASTERS), declaration(id, state)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static Connection login(TenantConfig tenant) throws SQLException {
        return DriverManager.getConnection(
                db.jdbcUrl(tenant.database().schema()),
                tenant.database().user(),
                tenant.database().password().reveal());
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
