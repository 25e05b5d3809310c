package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.SiemRecordSerializer;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.TenantJobSettings;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.SignerRole;
import io.enclave.sinks.AuditVerifier;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TenantTables;
import io.enclave.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
 * Deliverable 5 of issue 15 on a real KRaft broker, MariaDB and a Flink MiniCluster: the tenant
 * job (its real graph, {@link TenantJob#addTenantGraph}) streams its chain and signed heads to
 * the SIEM topic, and {@code audit verify --siem} compares that copy with the database. A tail
 * rolled back consistently by root (rows and heads), which the database-only verify cannot see,
 * is named at its first missing sequence; so are heads deleted alone, an edited row put back,
 * and a record forged onto the SIEM topic. An unreachable broker is exit 3, not 1.
 */
class AuditSiemITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static EnclaveConfig config;
    private static Path configFile;
    private static TenantConfig colorado;

    private static AuditItServers servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = AuditItServers.start("siem-it");
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
    void aRollbackInTheDatabaseIsCaughtByTheSiemCopy(@TempDir Path savepoints) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TenantJobSettings.forTenant(colorado));
        TenantJob.addTenantGraph(env, config.global(), colorado, TenantKafkaSource.create(config.global(), colorado));
        JobClient job = env.executeAsync(colorado.names().jobName());
        try {
            publish(12);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (scalar("SELECT COALESCE(SUM(row_count), 0) FROM audit_log WHERE action = 'SINK_FLUSH'") < 12
                    || scalar("SELECT COUNT(*) FROM audit_head") < 4) {
                assertThat(System.nanoTime())
                        .as("the job wrote its rows and heads")
                        .isLessThan(deadline);
                Thread.sleep(300);
            }
        } finally {
            // Drained: the job chains JOB_STOP, emits everything and publishes its last head to both copies.
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        }
        long last = scalar("SELECT MAX(sequence) FROM audit_log");
        assertThat(scalar("SELECT MAX(sequence) FROM audit_head")).isEqualTo(last);

        // (a) Clean: both copies agree.
        CliRun clean = verify("--siem");
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out())
                .contains(
                        "audit chain of colorado_state matches its SIEM copy: " + last
                                + " rows, signed head at sequence " + last,
                        "verified: " + last + " records");
        backup();

        // (b) Root rolls the tail back consistently: the last rows and every head above them are gone.
        long cut = last - 3;
        rootExecute("DELETE FROM audit_log WHERE sequence > " + cut, "DELETE FROM audit_head WHERE sequence > " + cut);
        CliRun databaseOnly = verify();
        assertThat(databaseOnly.exit())
                .as("the database alone cannot see it: %s", databaseOnly.err())
                .isZero();
        assertThat(databaseOnly.out()).contains("(sequence 1.." + cut + ")");
        CliRun rolledBack = verify("--siem");
        assertThat(rolledBack.exit()).as(rolledBack.out()).isEqualTo(1);
        assertThat(rolledBack.err())
                .contains("audit chain of colorado_state DIFFERS from its SIEM copy at sequence " + (cut + 1)
                        + ": the row is missing from the database but in the SIEM copy")
                .contains("sequence " + last + ": the signed head is missing from the database");
        restore();

        // (b2) Only the newest heads deleted: the rows still verify alone, the heads are missing against the SIEM.
        long head = scalar("SELECT MAX(sequence) FROM audit_head");
        long previousHead = scalar("SELECT MAX(sequence) FROM audit_head WHERE sequence < " + head);
        rootExecute("DELETE FROM audit_head WHERE sequence = " + head);
        assertThat(verify().exit()).isZero();
        CliRun headGone = verify("--siem");
        assertThat(headGone.exit()).isEqualTo(1);
        assertThat(headGone.err())
                .contains("DIFFERS from its SIEM copy at sequence " + head + ": the signed head is "
                        + "missing from the database but in the SIEM copy (deleted, or the database was rolled back) (1 "
                        + "differences");
        assertThat(previousHead).isPositive();
        restore();

        // (c) A row edited and put back in place of the original differs from the SIEM copy, naming the field.
        long k = scalar("SELECT MIN(sequence) FROM audit_log WHERE action = 'SINK_FLUSH'");
        AuditRecord row = readRow(k);
        row.detail = "nothing was written";
        rootExecute("DELETE FROM audit_log WHERE sequence = " + k);
        insert(row);
        CliRun edited = verify("--siem");
        assertThat(edited.exit()).isEqualTo(1);
        assertThat(edited.err())
                .contains(
                        "DIFFERS from its SIEM copy at sequence " + k + ": the row differs between "
                                + "the database and the SIEM copy (detail)",
                        "BROKEN at sequence " + k + ": edited");
        restore();
        assertThat(verify("--siem").exit()).isZero();

        // (d) A record forged onto the SIEM topic, well linked but not signed by the job's key, is a difference too.
        AuditRecord forged = AuditContext.of(colorado).newRecord(AuditAction.JOB_START, AuditOutcome.SUCCESS, "x", 0);
        forged.recordId = "forged";
        new AuditChain()
                .link(
                        forged,
                        last + 1,
                        text("SELECT hash FROM audit_log WHERE sequence = " + last),
                        new AuditSigner("colorado_state/job/v1", SignerRole.JOB, new byte[32]));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            config.global().siemTopic(),
                            colorado.id().getBytes(StandardCharsets.UTF_8),
                            SiemRecordSerializer.line(new com.fasterxml.jackson.databind.ObjectMapper(), forged)))
                    .get();
        }
        CliRun forgedCopy = verify("--siem");
        assertThat(forgedCopy.exit()).isEqualTo(1);
        assertThat(forgedCopy.err())
                .contains(
                        "DIFFERS from its SIEM copy at sequence " + (last + 1)
                                + ": the SIEM copy's record is forged: its signature does not verify under key colorado_state/job/v1");

        // An unreachable broker is an outage (exit 3, one line after the wait notice), not a broken chain.
        Path down = configFile.resolveSibling("down.yaml");
        Files.writeString(down, Files.readString(configFile).replace(kafka.bootstrapServers(), "localhost:1"));
        CliRun unreachable = CliRun.of(
                "audit",
                "verify",
                "--config",
                down.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl(),
                "--siem",
                "--timeout",
                "2");
        assertThat(unreachable.exit()).as(unreachable.err()).isEqualTo(3);
        assertThat(unreachable.err())
                .contains("enclave audit verify: cannot read the SIEM copy of colorado_state: ")
                .doesNotContain("\tat ");
    }

    private static CliRun verify(String... extra) {
        String[] base = {
            "audit",
            "verify",
            "--config",
            configFile.toString(),
            "--tenant",
            "colorado_state",
            "--jdbc-url",
            database.rootJdbcUrl()
        };
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private static void publish(int count) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(
                        colorado.names().topic(io.enclave.config.StreamKind.DISASTERS),
                        ("{\"id\": \"siem-it-" + i
                                        + "\", \"femaDeclarationString\": \"DR-9999-CO\", \"state\": \"CO\", "
                                        + "\"incidentType\": \"Flood\", \"declarationDate\": \"2026-11-01T00:00:00.000Z\", "
                                        + "\"data_classification\": \"PUBLIC\"}")
                                .getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static AuditRecord readRow(long sequence) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM "
                        + SqlDialect.qualified(colorado.database().schema(), "audit_log") + " WHERE sequence = "
                        + sequence)) {
            rs.next();
            return AuditVerifier.read(rs);
        }
    }

    private static void insert(AuditRecord r) throws SQLException {
        var table = TenantTables.auditLog();
        try (Connection root = database.rootConnection();
                PreparedStatement ps = root.prepareStatement(
                        new MySqlDialect().insertOnly(colorado.database().schema(), table))) {
            StatementBinder.bind(ps, table.columns(), r);
            ps.executeUpdate();
        }
    }

    private static void backup() throws SQLException {
        rootExecute(
                "DROP TABLE IF EXISTS audit_log_backup",
                "CREATE TABLE audit_log_backup AS SELECT * FROM audit_log",
                "DROP TABLE IF EXISTS audit_head_backup",
                "CREATE TABLE audit_head_backup AS SELECT * FROM audit_head");
    }

    private static void restore() throws SQLException {
        rootExecute(
                "DELETE FROM audit_log",
                "INSERT INTO audit_log SELECT * FROM audit_log_backup",
                "DELETE FROM audit_head",
                "INSERT INTO audit_head SELECT * FROM audit_head_backup");
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
