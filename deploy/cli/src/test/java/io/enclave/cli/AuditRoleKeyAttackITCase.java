package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.TenantJobSettings;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.SignerRole;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
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
 * Issue 15 on a real KRaft broker, MariaDB and a Flink MiniCluster: the ingest and CLI keys are
 * authenticated like the job's. An attacker who holds the CLI key and can write the trust file
 * adds an ingest key of their own and forges a RECORD_REJECTED with it. The job, whose config
 * pins each role's first key ({@code audit_requirements.<role>_key_fingerprint}), refuses it and
 * audits the refusal as a forged submission, while a legitimate rotation of the ingest key (its
 * record signed by the old key) keeps the new key's submissions chained and {@code audit verify}
 * passing. A job whose config pins no ingest key chains the forgery; the auditor's
 * {@code audit verify}, which pins it, then fails naming that row, and so it does once the
 * attacker also edits the refusal rows.
 */
class AuditRoleKeyAttackITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static AuditItServers servers;
    private static TenantConfig colorado;
    private static EmbeddedMariaDb database;
    /** The auditor's config: the same file with each role's first key pinned. */
    private static Path pinnedFile;

    private static TenantConfig pinned;

    @BeforeAll
    static void startServers() throws Exception {
        servers = AuditItServers.start("role-key-it");
        colorado = servers.colorado;
        database = servers.database;
        AuditTrust trust = AuditTrust.read(AuditSigning.trustFile(colorado));
        StringBuilder pins = new StringBuilder();
        for (SignerRole role : SignerRole.values()) {
            String fingerprint = trust.keys().stream()
                    .filter(k -> k.role() == role && k.previous().isEmpty())
                    .findFirst()
                    .orElseThrow()
                    .fingerprint();
            pins.append("      ")
                    .append(role.id())
                    .append("_key_fingerprint: \"")
                    .append(fingerprint)
                    .append("\"\n");
        }
        pinnedFile = servers.configFile.resolveSibling("audit-it-tenants-pinned.yaml");
        String text = Files.readString(servers.configFile);
        String colorados = "      retention_days: 30\n      siem_integration: true\n";
        assertThat(text).contains(colorados);
        Files.writeString(pinnedFile, text.replaceFirst(colorados, colorados + pins));
        EnclaveConfig loaded = TenantConfigLoader.load(pinnedFile, Map.of("JDBC_URL", database.rootJdbcUrl()));
        pinned = loaded.tenant("colorado_state");
        assertThat(pinned.auditRequirements().ingestKeyFingerprint()).startsWith("sha256:");
    }

    @AfterAll
    static void stopServers() {
        if (servers != null) {
            servers.close();
        }
    }

    @Test
    void aPlantedIngestKeyCannotSubmitWhileARotatedOneCan(@TempDir Path savepoints) throws Exception {
        // A legitimate rotation: the old ingest key signs the record that names the new one's fingerprint.
        CliRun rotate = CliRun.of(
                "keys",
                "rotate-signing",
                "--role",
                "ingest",
                "--config",
                pinnedFile.toString(),
                "--tenant",
                "colorado_state");
        assertThat(rotate.exit()).as(rotate.err()).isZero();
        assertThat(rotate.out())
                .contains("new public key sha256:", "pin colorado_state/ingest/v2 sha256:")
                .contains("tenants.colorado_state.audit_requirements.ingest_key_fingerprint");
        AuditSigner rotated = AuditSigning.store(colorado, SignerRole.INGEST).current();
        assertThat(rotated.keyId()).isEqualTo("colorado_state/ingest/v2");

        // The attacker (CLI key in hand, the trust file writable) adds an ingest key of their own as a first key.
        AuditSigner planted = new AuditSigner(
                "colorado_state/ingest/v7",
                SignerRole.INGEST,
                "attacker-chosen-ed25519-seed-32b".getBytes(StandardCharsets.US_ASCII));
        Path trustFile = AuditSigning.trustFile(colorado);
        AuditTrust.read(trustFile).with(planted, "").write(trustFile);
        assertThat(AuditSigning.store(colorado, SignerRole.CLI).current().keyId())
                .as("the attacker's CLI key opens; it signs no ingest action")
                .isEqualTo("colorado_state/cli/v1");

        publish(rejection("forged-1", planted), rejection("rotated-1", rotated));
        runUntil(pinned, savepoints, "SELECT COUNT(*) FROM audit_log WHERE submitter = '" + rotated.keyId() + "'");

        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE submitter = '" + planted.keyId() + "'"))
                .as("the forged submission is not chained")
                .isZero();
        assertThat(text("SELECT detail FROM audit_log WHERE reason = '" + AuditSubmission.FORGED + "'"))
                .as("its refusal is audited")
                .contains("audit submission forged-1 (RECORD_REJECTED, submitted by colorado_state/ingest/v7) refused:"
                        + " ingest key colorado_state/ingest/v7 (" + AuditTrust.fingerprint(planted.publicKey())
                        + " in the trust file) is not authentic: it is not the pinned ingest key");
        CliRun clean = verify();
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).contains("verified: ");

        // The attacker, database root, edits the refusal row out of the way: the edit is what verify names.
        long refusal = scalar("SELECT MIN(sequence) FROM audit_log WHERE reason = '" + AuditSubmission.FORGED + "'");
        String detail = text("SELECT detail FROM audit_log WHERE sequence = " + refusal);
        rootExecute("UPDATE audit_log SET reason = 'state_not_allowed' WHERE sequence = " + refusal);
        CliRun edited = verify();
        assertThat(edited.exit()).as(edited.out()).isEqualTo(1);
        assertThat(edited.err()).contains("BROKEN at sequence " + refusal + ": edited");
        rootExecute("UPDATE audit_log SET reason = '" + AuditSubmission.FORGED + "' WHERE sequence = " + refusal);
        assertThat(text("SELECT detail FROM audit_log WHERE sequence = " + refusal))
                .isEqualTo(detail);
        assertThat(verify().exit()).isZero();

        // A job whose config pins no ingest key takes only the trust file's first ingest key at its word (and the
        // keys its chained rotations introduce), never a second key without a predecessor someone added.
        publish(rejection("forged-2", planted));
        runUntil(colorado, savepoints, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%forged-2%'");
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE submitter = '" + planted.keyId() + "'"))
                .as("the unpinned job refuses the planted first key too")
                .isZero();
        assertThat(text("SELECT detail FROM audit_log WHERE detail LIKE '%forged-2%'"))
                .contains("ingest key colorado_state/ingest/v7 (" + AuditTrust.fingerprint(planted.publicKey())
                        + " in the trust file) is not authentic: it is not the trust file's first ingest key");
        assertThat(verify().exit()).isZero();
    }

    /** Runs the tenant job from scratch with {@code tenant}'s config until {@code countSql} is positive, then drains it. */
    private static void runUntil(TenantConfig tenant, Path savepoints, String countSql) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TenantJobSettings.forTenant(tenant));
        TenantJob.addTenantGraph(
                env, servers.config.global(), tenant, TenantKafkaSource.create(servers.config.global(), tenant));
        JobClient job = env.executeAsync(tenant.names().jobName());
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (scalar(countSql) == 0 || scalar("SELECT COUNT(*) FROM audit_head") == 0) {
                assertThat(System.nanoTime())
                        .as("the job chained it: " + countSql)
                        .isLessThan(deadline);
                Thread.sleep(300);
            }
        } finally {
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        }
    }

    /** A RECORD_REJECTED as the ingest job submits it, signed by {@code key}. */
    private static byte[] rejection(String submissionId, AuditSigner key) {
        AuditRecord r = AuditContext.of(colorado)
                .newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, "ingest[colorado_state]", 0);
        r.reason = "state_not_allowed";
        r.detail = "a record the attacker wants on file as rejected";
        r.sourceTopic = "tenant_colorado_state_ingest";
        r.recordId = AuditRecord.deterministicId(
                colorado.id(),
                r.action,
                r.sourceTopic,
                0,
                r.eventTime,
                UUID.randomUUID().toString());
        r.submissionId = submissionId;
        return AuditSubmission.encode(r, key);
    }

    private static void publish(byte[]... lines) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] line : lines) {
                producer.send(new ProducerRecord<>(colorado.names().auditTopic(), line))
                        .get();
            }
        }
    }

    /** The auditor's {@code audit verify}: its config pins every role's first key. */
    private static CliRun verify() {
        return CliRun.of(
                "audit",
                "verify",
                "--config",
                pinnedFile.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl());
    }

    private static long scalar(String sql) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(sql.replace(
                        "FROM audit_",
                        "FROM " + SqlDialect.quote(colorado.database().schema()) + ".audit_"))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(String sql) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(sql.replace(
                        "FROM audit_",
                        "FROM " + SqlDialect.quote(colorado.database().schema()) + ".audit_"))) {
            return rs.next() ? rs.getString(1) : "";
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
}
