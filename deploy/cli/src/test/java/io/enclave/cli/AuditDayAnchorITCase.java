package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJobSettings;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.jobs.TenantPipeline;
import io.enclave.jobs.audit.AuditTopic;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.sinks.JdbcChainOrigin;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.TenantJdbcSinks;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.CommittedTopic;
import io.enclave.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliverable 6 of issue 15 without a StarRocks server: StarRocks drops audit_log's day
 * partitions (by {@code chained_at}) by itself, so the job must have written a signed anchor at
 * the first row of each day before then. Here the job runs on MariaDB with a chain clock that
 * starts a day back and then jumps to today, crossing midnight UTC; root then deletes every row
 * chained on the older day, exactly what dropping that partition does. Inside the tenant's
 * retention (30 days) that is a deletion {@code audit verify} names; with verify's clock moved
 * past the retention it passes from the job's day anchor, and {@code audit purge} cuts there.
 * The same deletion without the anchor fails at any time.
 */
class AuditDayAnchorITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    /** Added to the system clock by the chainer's clock: one day back at first, then none. */
    static final AtomicLong SHIFT = new AtomicLong();

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static EnclaveConfig config;
    private static Path configFile;
    private static TenantConfig colorado;

    private static AuditItServers servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = AuditItServers.start("day-anchor-it");
        kafka = servers.kafka;
        database = servers.database;
        configFile = servers.configFile;
        config = servers.config;
        colorado = servers.colorado;
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void aDroppedDayStillVerifiesFromTheJobsSignedDayAnchor(@TempDir Path savepoints) throws Exception {
        SHIFT.set(-Duration.ofDays(1).toMillis());
        JobClient job = job().executeAsync(colorado.names().jobName());
        try {
            publish(0, 6);
            awaitFlushed(6);
            // Midnight UTC passes for the chainer.
            SHIFT.set(0);
            publish(6, 12);
            awaitFlushed(12);
        } finally {
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        }
        String today = "'" + LocalDate.now(ZoneOffset.UTC) + " 00:00:00'";
        long first = scalar("SELECT MIN(sequence) FROM audit_log WHERE chained_at >= " + today);
        long last = scalar("SELECT MAX(sequence) FROM audit_log");
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE chained_at < " + today))
                .as("rows of the older day")
                .isEqualTo(first - 1)
                .isPositive();
        assertThat(text("SELECT CONCAT(first_sequence, ' ', prev_hash, ' ', purged_rows, ' ', purged_by, ' ', signer,"
                        + " ' ', prev_chained_at) FROM audit_anchor"))
                .as("one anchor, at the first row of the new day, signed by the job's key, naming when the row before"
                        + " it was chained")
                .isEqualTo(first + " " + text("SELECT hash FROM audit_log WHERE sequence = " + (first - 1)) + " 0 "
                        + colorado.names().jobName() + " colorado_state/job/v1 "
                        + text("SELECT chained_at FROM audit_log WHERE sequence = " + (first - 1)));
        assertThat(verify().exit()).isZero();
        rootExecute(
                "DROP TABLE IF EXISTS audit_log_backup", "CREATE TABLE audit_log_backup AS SELECT * FROM audit_log");
        Instant pastRetention = Instant.now().plus(Duration.ofDays(31));
        try {
            // Root deletes the older day's rows although they are a day old, well inside the 30 days' retention.
            rootExecute("DELETE FROM audit_log WHERE chained_at < " + today);
            CliRun inside = verify();
            assertThat(inside.exit()).as(inside.err()).isEqualTo(1);
            assertThat(inside.err())
                    .contains("BROKEN at sequence 1: missing: sequence 1.." + (first - 1) + " is not in the table: rows"
                            + " deleted inside retention_days (30)");

            // A month later the older day's partition drops by itself: every row chained before that midnight.
            AuditCommand.clock = Clock.fixed(pastRetention, ZoneOffset.UTC);
            CliRun dropped = verify();
            assertThat(dropped.exit()).as(dropped.err()).isZero();
            assertThat(dropped.out())
                    .contains("verified: " + (last - first + 1) + " records (sequence " + first + ".." + last + ")");

            // Without the anchor the same drop is a gap nobody signed for.
            rootExecute(
                    "DROP TABLE IF EXISTS audit_anchor_backup",
                    "CREATE TABLE audit_anchor_backup AS SELECT *" + " FROM audit_anchor",
                    "DELETE FROM audit_anchor");
            CliRun unanchored = verify();
            assertThat(unanchored.exit()).isEqualTo(1);
            assertThat(unanchored.err())
                    .contains(
                            "BROKEN at sequence 1: missing: sequence 1.." + (first - 1) + " is not in the table",
                            "no signed anchor starts the chain at " + first);
            rootExecute(
                    "DELETE FROM audit_log",
                    "INSERT INTO audit_log SELECT * FROM audit_log_backup",
                    "INSERT INTO audit_anchor SELECT * FROM audit_anchor_backup");
            assertThat(verify().exit())
                    .as("the whole chain verifies from genesis")
                    .isZero();

            // On MariaDB, audit purge does what the dropped partition did: it cuts at the job's day anchor.
            CliRun purge = purge();
            assertThat(purge.exit()).as(purge.err()).isZero();
            assertThat(purge.out())
                    .contains("colorado_state: purged " + (first - 1) + " audit records older than 30 days; the chain"
                            + " now starts at sequence " + first
                            + ", at the day anchor signed by colorado_state/job/v1");
            assertThat(scalar("SELECT MIN(sequence) FROM audit_log")).isEqualTo(first);
            assertThat(CommittedTopic.records(
                                    kafka.adminClientProperties(),
                                    colorado.names().auditTopic())
                            .stream()
                            .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                            .filter(line -> line.contains("AUDIT_PURGE"))
                            .toList())
                    .as("the purge is submitted to the chain, naming the anchor")
                    .singleElement()
                    .asString()
                    .contains("audit_anchor/" + first);
            assertThat(verify().exit()).isZero();
        } finally {
            AuditCommand.clock = Clock.systemUTC();
        }
        CliRun atTheRealClock = verify();
        assertThat(atTheRealClock.exit())
                .as("the purged rows are a day old at the real clock: inside retention")
                .isEqualTo(1);
    }

    private static CliRun purge() throws Exception {
        Path password = Files.createTempFile("day-anchor-it", ".pw");
        Files.writeString(password, database.rootPassword());
        return CliRun.of(
                "audit",
                "purge",
                "--config",
                configFile.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl(),
                "--user",
                database.rootUser(),
                "--password-file",
                password.toString());
    }

    private static StreamExecutionEnvironment job() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TenantJobSettings.forTenant(colorado));
        JdbcSinkOptions sinkOptions = JdbcSinkOptions.forTenant(config.global(), colorado);
        TenantJdbcSinks sinks = new TenantJdbcSinks(sinkOptions);
        TenantPipeline.builder()
                .tenant(colorado)
                .source(TenantKafkaSource.create(config.global(), colorado))
                .disasterSink(sinks.events(StreamKind.DISASTERS))
                .weatherSink(sinks.events(StreamKind.WEATHER))
                .auditSink(sinks.audit())
                .auditHeadSink(sinks.auditHead())
                .auditAnchorSink(sinks.auditAnchor())
                .chainClock(() -> System.currentTimeMillis() + SHIFT.get())
                .auditSubmissions(AuditTopic.source(config.global(), colorado))
                .chainOrigin(new JdbcChainOrigin(sinkOptions))
                .keys(KeystoreKeyProviderFactory.forTenant(colorado))
                .signer(AuditSigning.factory(colorado, SignerRole.JOB))
                .trust(AuditSigning.trustSource(colorado))
                .build()
                .addTo(env);
        return env;
    }

    /** Waits until the sinks' flush summaries account for {@code rows} rows and a head covers them. */
    private static void awaitFlushed(long rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (scalar("SELECT COALESCE(SUM(row_count), 0) FROM audit_log WHERE action = 'SINK_FLUSH'") < rows
                || scalar("SELECT COALESCE(MAX(sequence), 0) FROM audit_head")
                        < scalar("SELECT MAX(sequence) FROM audit_log WHERE action = 'SINK_FLUSH'")) {
            assertThat(System.nanoTime())
                    .as("flushed %d rows by %s", rows, Instant.now())
                    .isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static CliRun verify() {
        return CliRun.of(
                "audit",
                "verify",
                "--config",
                configFile.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl());
    }

    private static void publish(int from, int to) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(
                        colorado.names().topic(StreamKind.DISASTERS),
                        ("{\"id\": \"day-it-" + i + "\", \"femaDeclarationString\": \"DR-9999-CO\", \"state\": \"CO\", "
                                        + "\"incidentType\": \"Flood\", \"declarationDate\": \"2026-11-01T00:00:00.000Z\", "
                                        + "\"data_classification\": \"PUBLIC\"}")
                                .getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static void rootExecute(String... sql) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("USE " + SqlDialect.quote(colorado.database().schema()));
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static long scalar(String sql) throws SQLException {
        String v = text(sql);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static String text(String sql) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("USE " + SqlDialect.quote(colorado.database().schema()));
            try (ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
