package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.TenantJobSettings;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.jobs.TenantPipeline;
import io.enclave.jobs.audit.AuditTopic;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.JdbcChainOrigin;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.TenantJdbcSinks;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TenantTables;
import io.enclave.testing.CommittedTopic;
import io.enclave.testing.MiniClusters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
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

/**
 * The audit trail end to end on a real KRaft broker, MariaDB and a Flink MiniCluster: a run with
 * bad inputs, written by the real JDBC sinks, one of whose checkpoint flushes fails mid-stream,
 * verifies clean with its flush summaries matching the rows in each table and nothing counted
 * twice, and each kind of tampering done with SQL on the real table is caught at its sequence
 * number.
 */
class AuditTrailITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static final String POISON = "audit-it-poison";
    /** Set by the failed flush after the poison row; the restarted job finds it set and writes normally. */
    static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static EnclaveConfig config;
    private static Path configFile;
    private static TenantConfig colorado;

    private static AuditItServers servers;

    @BeforeAll
    static void startServers() throws Exception {
        servers = AuditItServers.start("audit-it");
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
    void aRunWithBadInputsAndARestartVerifiesAndEveryTamperingIsNamed() throws Exception {
        List<byte[]> first = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            first.add(declaration("audit-it-co-" + i, "CO", "PUBLIC"));
        }
        for (int i = 0; i < 5; i++) {
            first.add(declaration("audit-it-tx-" + i, "TX", "PUBLIC"));
        }
        first.add(declaration("audit-it-secret", "CO", "CONFIDENTIAL"));
        first.add("{\"id\": \"audit-it-truncated\", \"state\": \"C".getBytes(StandardCharsets.UTF_8));
        List<byte[]> second = new ArrayList<>();
        for (int i = 20; i < 30; i++) {
            second.add(declaration("audit-it-co-" + i, "CO", "PUBLIC"));
        }
        second.add(declaration(POISON, "CO", "PUBLIC"));
        for (int i = 30; i < 40; i++) {
            second.add(declaration("audit-it-co-" + i, "CO", "PUBLIC"));
        }
        second.add(declaration("audit-it-ks", "KS", "PUBLIC"));
        List<byte[]> alerts = alerts(10);
        first.addAll(alerts.subList(0, 5));
        second.addAll(alerts.subList(5, 10));
        int produced = first.size() + second.size();
        int rejected = 5 + 1 + 1 + 1;
        long disasterRows = 20 + 10 + 1 + 10;

        JobClient job = job().executeAsync(colorado.names().jobName());
        try {
            publish(first);
            awaitClean(first.size(), 7);
            publish(second);
            awaitClean(produced, rejected);
        } finally {
            job.cancel().get();
        }
        assertThat(FAILED_ONCE).as("the injected failure happened").isTrue();

        // The flush summaries tell what the sinks wrote: per table, their rows are the rows in the table,
        // although one flush failed after its summary had been sent towards the chain.
        for (StreamKind stream : StreamKind.values()) {
            assertThat(scalar("SELECT COALESCE(SUM(row_count), 0) FROM audit_log WHERE action = 'SINK_FLUSH'"
                            + " AND sink_table = '" + stream.table() + "'"))
                    .as("rows of the SINK_FLUSH summaries of %s", stream.table())
                    .isEqualTo(scalar("SELECT COUNT(*) FROM " + stream.table()));
        }
        assertThat(scalar("SELECT COUNT(*) FROM disaster_declarations")).isEqualTo(disasterRows);
        assertThat(scalar("SELECT COUNT(*) FROM weather_alerts")).isEqualTo(alerts.size());
        // Every input is accounted for exactly once: rows in flush summaries plus audited rejections.
        assertThat(scalar("SELECT SUM(row_count) FROM audit_log WHERE action = 'SINK_FLUSH'")
                        + scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_REJECTED'"))
                .isEqualTo(produced);
        assertThat(scalar("SELECT COUNT(*) - COUNT(DISTINCT record_id) FROM audit_log"))
                .as("duplicate ids")
                .isZero();
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'JOB_START' AND detail LIKE "
                        + "'job restored from checkpoint %'"))
                .as("the restart is in the trail")
                .isGreaterThanOrEqualTo(1);
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'CHECKPOINT'"))
                .isPositive();
        assertSiemStreamHoldsTheChain();

        aCommandRunWhileTheJobIsDownIsChainedByItsNextFreshStart();

        CliRun clean = verify();
        assertThat(clean.exit()).as(clean.err()).isZero();
        long last = scalar("SELECT MAX(sequence) FROM audit_log");
        assertThat(clean.out())
                .contains("verified: " + last + " records (sequence 1.." + last + "), head "
                        + text("SELECT hash FROM audit_log WHERE sequence = " + last));
        long head = scalar("SELECT MAX(sequence) FROM audit_head");
        long rejection = scalar("SELECT MIN(sequence) FROM audit_log WHERE action = 'RECORD_REJECTED'");
        long k = Math.max(rejection, 3);

        backup();
        tamper("UPDATE audit_log SET reason = 'duplicate' WHERE sequence = " + rejection);
        assertBroken(rejection, "edited");

        tamper("DELETE FROM audit_log WHERE sequence = " + k);
        assertBroken(k, "missing: sequence " + k + " is not in the table");

        tamper(
                "UPDATE audit_log SET sequence = -1 WHERE sequence = " + k,
                "UPDATE audit_log SET sequence = " + k + " WHERE sequence = " + (k + 1),
                "UPDATE audit_log SET sequence = " + (k + 1) + " WHERE sequence = -1");
        assertBroken(k, "holds the record chained at sequence " + (k + 1) + ": rows were swapped");

        insertForged(last);
        assertBroken(last + 1, "forged");

        insertFromAnotherTenant(k);
        assertBroken(k, "row of tenant 'federal_dhs'");

        tamper("DELETE FROM audit_log WHERE sequence >= " + (head - 1));
        assertBroken(head - 1, "truncated tail: the signed head is sequence " + head);

        restore();
        assertThat(verify().exit()).isZero();

        everythingAnAuditorOrACliUserHoldsCannotReSignTheChain(rejection, last);
        eachFailureThatIsNotTamperingHasItsOwnExitCode();

        // Retention on MySQL: a purge inside retention_days (30 here) is refused and deletes nothing.
        Path password = java.nio.file.Files.createTempFile("audit-it", ".pw");
        java.nio.file.Files.writeString(password, database.rootPassword());
        long rowsBefore = scalar("SELECT COUNT(*) FROM audit_log");
        CliRun refused = cli(
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
                password.toString(),
                "--older-than-days",
                "0");
        assertThat(refused.exit()).as(refused.err() + refused.out()).isEqualTo(2);
        assertThat(refused.err()).contains("refusing to purge audit records younger than retention_days (30)");
        assertThat(scalar("SELECT COUNT(*) FROM audit_log")).isEqualTo(rowsBefore);
        // A month later every row is past retention, but the job cut no day anchor (all rows were chained today):
        // the purge finds nowhere the chain may start, deletes nothing, and says so in the chain.
        try {
            AuditCommand.clock = java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofDays(31));
            CliRun nothing = cli(
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
            assertThat(nothing.exit()).as(nothing.err()).isZero();
            assertThat(nothing.out())
                    .contains("colorado_state: purged nothing: no day anchor of the tenant job has only rows older"
                            + " than 30 days before it; the chain still starts at sequence 1");
            assertThat(scalar("SELECT COUNT(*) FROM audit_log")).isEqualTo(rowsBefore);
        } finally {
            AuditCommand.clock = java.time.Clock.systemUTC();
        }
        aCliSignedAnchorCannotCutTheChain(head);
    }

    /**
     * A CLI user with root (and the CLI's signing key, from the CLI's own key store) deletes the
     * rows before the signed head and writes an anchor there signed with the CLI key, as purges
     * did before: only the tenant job's key signs an anchor a chain may start at, so verify names
     * the gap.
     */
    private static void aCliSignedAnchorCannotCutTheChain(long cut) throws Exception {
        AuditSigner cliKey = AuditSigning.store(colorado, SignerRole.CLI).current();
        backup();
        String prevHash = text("SELECT hash FROM audit_log WHERE sequence = " + (cut - 1));
        long longAgo = java.time.Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();
        long at = java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        rootExecute(
                "INSERT INTO audit_anchor (tenant_id, first_sequence, prev_hash, purged_rows, purged_by, purged_at,"
                        + " signer, signature, prev_chained_at) VALUES ('colorado_state', " + cut + ", '" + prevHash
                        + "', 0, 'mallory', '2026-01-01 00:00:00', '" + cliKey.keyId() + "', '"
                        + cliKey.sign(
                                AuditChain.anchorMessage(cliKey.keyId(), colorado.id(), cut, prevHash, longAgo, at))
                        + "', '2020-01-01 00:00:00')",
                "DELETE FROM audit_log WHERE sequence < " + cut);
        CliRun cutByCli = verify();
        assertThat(cutByCli.exit()).as(cutByCli.err()).isEqualTo(1);
        assertThat(cutByCli.err())
                .contains("audit chain of colorado_state is BROKEN at sequence " + cut + ": the anchor at sequence "
                        + cut + " is forged: it is signed by key " + cliKey.keyId() + " of role cli, which may not"
                        + " sign it");
        rootExecute("DELETE FROM audit_anchor WHERE first_sequence = " + cut);
        restore();
        assertThat(verify().exit()).isZero();
    }

    /**
     * A key command while no job runs waits on the audit topic; the next job, submitted without
     * a savepoint, continues the stored chain (no second sequence 1) and chains the command.
     */
    private static void aCommandRunWhileTheJobIsDownIsChainedByItsNextFreshStart() throws Exception {
        long storedTail = scalar("SELECT MAX(sequence) FROM audit_log");
        long storedRows = scalar("SELECT COUNT(*) FROM audit_log");
        // As `java -Duser.name=someone_else` would: the audit must still name the OS account.
        String osAccount = io.enclave.jobs.audit.OperatingSystemUser.name();
        String userNameProperty = System.getProperty("user.name");
        System.setProperty("user.name", "someone_else");
        // Both the CLI's and the job's signing keys are replaced while the job is down (AU-9(3) key rotation).
        for (String role : List.of("cli", "job")) {
            CliRun rotated = cli(
                    "keys",
                    "rotate-signing",
                    "--config",
                    configFile.toString(),
                    "--tenant",
                    "colorado_state",
                    "--role",
                    role);
            assertThat(rotated.exit()).as(rotated.err()).isZero();
            assertThat(rotated.out())
                    .contains("replaced the " + role + " audit signing key colorado_state/" + role
                            + "/v1 by colorado_state/" + role + "/v2");
        }
        CliRun rotate;
        try {
            rotate = cli("keys", "rotate", "--config", configFile.toString(), "--tenant", "colorado_state");
        } finally {
            System.setProperty("user.name", userNameProperty);
        }
        assertThat(rotate.exit()).as(rotate.err()).isZero();
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'KEYS_ROTATE'"))
                .isZero();
        // Whoever can write the audit topic replays the command's signed line: chained once, the replay audited.
        byte[] commandLine = CommittedTopic.newestValue(
                kafka.adminClientProperties(), colorado.names().auditTopic());
        String submissionId = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(commandLine)
                .path("submission_id")
                .asText();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(colorado.names().auditTopic(), commandLine))
                    .get();
        }

        JobClient fresh = job().executeAsync(colorado.names().jobName());
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            long chainedAt = 0;
            while (System.nanoTime() < deadline) {
                chainedAt = scalar("SELECT COALESCE(MAX(sequence), 0) FROM audit_log WHERE reason = '"
                        + AuditSubmission.REPLAYED + "'");
                if (chainedAt > 0
                        && scalar("SELECT MAX(sequence) FROM audit_head") >= chainedAt
                        && verify().exit() == 0) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(chainedAt)
                    .as("the command's record and its replay were chained")
                    .isGreaterThan(storedTail);
        } finally {
            fresh.cancel().get();
        }
        assertThat(text("SELECT detail FROM audit_log WHERE sequence = " + (storedTail + 1)))
                .isEqualTo("job started without checkpoint state; the chain continues after stored sequence "
                        + storedTail);
        assertThat(text("SELECT CONCAT(principal, ' ', source_topic, ' ', job_name) FROM audit_log "
                        + "WHERE action = 'KEYS_ROTATE'"))
                .isEqualTo(osAccount + " cli enclave keys rotate");
        assertThat(text("SELECT CONCAT(submitter, ' ', signer, ' ', submission_id) FROM audit_log "
                        + "WHERE action = 'KEYS_ROTATE'"))
                .as("signed by the new CLI key, chained by the new job key")
                .isEqualTo("colorado_state/cli/v2 colorado_state/job/v2 " + submissionId);
        assertThat(text("SELECT GROUP_CONCAT(CONCAT(record_key, ' by ', submitter) ORDER BY sequence SEPARATOR ', ') "
                        + "FROM audit_log WHERE action = 'SIGNING_KEY_ROTATED'"))
                .as("each rotation is chained, signed by the key it replaced")
                .isEqualTo(
                        "colorado_state/cli/v2 by colorado_state/cli/v1, colorado_state/job/v2 by colorado_state/job/v1");
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'KEYS_ROTATE'"))
                .as("chained once")
                .isOne();
        assertThat(text("SELECT detail FROM audit_log WHERE reason = '" + AuditSubmission.REPLAYED + "'"))
                .isEqualTo("replayed audit submission " + submissionId
                        + " (submitted by colorado_state/cli/v2) refused:" + " it was chained at sequence "
                        + scalar("SELECT sequence FROM audit_log WHERE action = 'KEYS_ROTATE'"));
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE signer = 'colorado_state/job/v1'"))
                .as("the rows before the rotation keep their old signatures")
                .isEqualTo(storedRows);
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE sequence <= " + storedTail))
                .as("the earlier rows were not overwritten")
                .isEqualTo(storedRows);
        assertThat(scalar("SELECT COUNT(*) - COUNT(DISTINCT record_id) FROM audit_log"))
                .as(
                        "duplicate ids: %s",
                        text("SELECT GROUP_CONCAT(CONCAT(sequence, ' ', action, ' ', detail) SEPARATOR ' / ') "
                                + "FROM audit_log WHERE record_id IN (SELECT record_id FROM audit_log GROUP BY record_id "
                                + "HAVING COUNT(*) > 1)"))
                .isZero();
    }

    // ---- the job, with a disaster sink whose checkpoint flush fails once after the poison record ----

    private static StreamExecutionEnvironment job() {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TenantJobSettings.forTenant(colorado));
        JdbcSinkOptions sinkOptions = JdbcSinkOptions.forTenant(config.global(), colorado);
        TenantJdbcSinks sinks = new TenantJdbcSinks(sinkOptions);
        TenantPipeline.builder()
                .tenant(colorado)
                .source(TenantKafkaSource.create(config.global(), colorado))
                .disasterSink(new FailOnceAtFlushSink(sinks.events(StreamKind.DISASTERS), POISON))
                .weatherSink(sinks.events(StreamKind.WEATHER))
                .auditSink(sinks.audit())
                .auditHeadSink(sinks.auditHead())
                .siemSink(TenantJob.siemSink(config.global(), colorado))
                .auditSubmissions(AuditTopic.source(config.global(), colorado))
                .chainOrigin(new JdbcChainOrigin(sinkOptions))
                .keys(KeystoreKeyProviderFactory.forTenant(colorado))
                .signer(AuditSigning.factory(colorado, SignerRole.JOB))
                .trust(AuditSigning.trustSource(colorado))
                .build()
                .addTo(env);
        return env;
    }

    /**
     * The disaster table's real JDBC sink, except that its first checkpoint flush after the
     * poison record throws instead of writing: the checkpoint fails after the flush auditor has
     * already sent that checkpoint's SINK_FLUSH summary towards the chain, and the job restarts.
     */
    static final class FailOnceAtFlushSink implements Sink<TenantEvent> {
        private static final long serialVersionUID = 1L;
        private final Sink<TenantEvent> delegate;
        private final String poisonKey;

        FailOnceAtFlushSink(Sink<TenantEvent> delegate, String poisonKey) {
            this.delegate = delegate;
            this.poisonKey = poisonKey;
        }

        @Override
        public SinkWriter<TenantEvent> createWriter(WriterInitContext context) throws IOException {
            return new Writer(delegate.createWriter(context), poisonKey);
        }

        /** Its writer: the real one, with the one failure. */
        private static final class Writer implements SinkWriter<TenantEvent> {
            private final SinkWriter<TenantEvent> delegate;
            private final String poisonKey;
            private boolean poisonSinceLastFlush;

            Writer(SinkWriter<TenantEvent> delegate, String poisonKey) {
                this.delegate = delegate;
                this.poisonKey = poisonKey;
            }

            @Override
            public void write(TenantEvent element, Context context) throws IOException, InterruptedException {
                poisonSinceLastFlush |= poisonKey.equals(element.naturalKey);
                delegate.write(element, context);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException, InterruptedException {
                if (poisonSinceLastFlush && !endOfInput && FAILED_ONCE.compareAndSet(false, true)) {
                    throw new IOException("injected failure of the checkpoint flush after " + poisonKey);
                }
                poisonSinceLastFlush = false;
                delegate.flush(endOfInput);
            }

            @Override
            public void close() throws Exception {
                delegate.close();
            }
        }
    }

    /**
     * The attack of issue 15 (AU-9(3), AU-10): with everything an auditor or a CLI user holds (the
     * public trust file, the CLI's signing key, the data-key store's password), edit row k,
     * re-hash rows k..N, re-link them and re-sign them and the head. Neither signing as the CLI
     * nor claiming the job's key id makes the chain verify; verify names sequence k.
     */
    private static void everythingAnAuditorOrACliUserHoldsCannotReSignTheChain(long k, long last) throws Exception {
        AuditSigner cliKey = AuditSigning.store(colorado, SignerRole.CLI).current();
        String jobKeyId = text("SELECT signer FROM audit_log WHERE sequence = " + last);
        try (KeyProvider dataKeys =
                KeystoreKeyProviderFactory.forTenant(colorado).open()) {
            assertThat(dataKeys.tenantId())
                    .as("the data-key store opens, and holds no signing key")
                    .isNotNull();
        }
        reSignFrom(k, cliKey, cliKey.keyId());
        assertBroken(k, "forged: it is signed by key " + cliKey.keyId() + " of role cli, which may not sign it");
        reSignFrom(k, cliKey, jobKeyId);
        assertBroken(k, "forged: its signature does not verify under key " + jobKeyId);
        aReplacedTrustFileCannotVouchForAReSignedChain();
    }

    /**
     * The CLI user writes the trust file: they replace every job key in it by keys of their own
     * and re-sign the whole chain with them (rows, the job's submissions, the rotation's named
     * public key, heads). Taken at its word (no pin, development mode) the forgery verifies, with
     * a warning that nothing authenticates the trust file; with the auditor's pinned fingerprint
     * of the real first job key, verify names sequence 1 and the key that is not the pinned one.
     */
    private static void aReplacedTrustFileCannotVouchForAReSignedChain() throws Exception {
        AuditTrust real = AuditTrust.read(AuditSigning.trustFile(colorado));
        String pin = real.key("colorado_state/job/v1").orElseThrow().fingerprint();
        CliRun pinned = verify("--job-key", pin);
        assertThat(pinned.exit())
                .as("the real chain, with its job key rotation, verifies from the pinned first job key: %s", pinned)
                .isZero();
        assertThat(pinned.err()).doesNotContain("WARNING");

        String forgedTrust = java.nio.file.Files.readString(AuditSigning.trustFile(colorado));
        Map<String, AuditSigner> mallory = new java.util.HashMap<>();
        for (AuditTrust.TrustedKey k : real.keys()) {
            if (k.role() == SignerRole.JOB) {
                AuditSigner own = new AuditSigner(k.keyId(), SignerRole.JOB, java.security.SecureRandom.getSeed(32));
                mallory.put(k.keyId(), own);
                forgedTrust = forgedTrust.replace(
                        java.util.HexFormat.of().formatHex(k.publicKey()),
                        java.util.HexFormat.of().formatHex(own.publicKey()));
            }
        }
        Path forged = java.nio.file.Files.createTempFile("audit-it-forged", ".audit-trust.json");
        java.nio.file.Files.writeString(forged, forgedTrust);
        backup();
        reSignWholeChain(mallory);

        CliRun unpinned = verify("--trust-file", forged.toString());
        assertThat(unpinned.exit())
                .as("taken at its word, the forged trust file vouches for the forgery")
                .isZero();
        assertThat(unpinned.err())
                .contains("enclave audit verify: WARNING (development mode): no job key fingerprint is pinned for"
                        + " tenant colorado_state");
        CliRun caught = verify("--trust-file", forged.toString(), "--job-key", pin);
        assertThat(caught.exit()).as(caught.err()).isEqualTo(1);
        assertThat(caught.err())
                .contains(
                        "audit chain of colorado_state is BROKEN at sequence 1: signed by job key colorado_state/job/v1"
                                + " ("
                                + AuditTrust.fingerprint(
                                        mallory.get("colorado_state/job/v1").publicKey())
                                + " in the trust file), which is not the pinned job key");
        restore();
    }

    /** Re-signs every row, the job's own submissions, the rotations' named keys and every head with {@code as}. */
    private static void reSignWholeChain(Map<String, AuditSigner> as) throws SQLException {
        AuditChain chain = new AuditChain();
        List<AuditRecord> rows = new ArrayList<>();
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT * FROM " + colorado.database().schema() + ".audit_log ORDER BY sequence")) {
            while (rs.next()) {
                rows.add(io.enclave.sinks.AuditVerifier.read(rs));
            }
        }
        String prev = AuditChain.GENESIS;
        Map<Long, String> hashes = new java.util.HashMap<>();
        for (AuditRecord r : rows) {
            if (r.action == AuditAction.SIGNING_KEY_ROTATED && as.containsKey(r.recordKey)) {
                r.detail = r.detail.replaceAll(
                        "new public key sha256:[0-9a-f]{64}",
                        AuditTrust.introducing(as.get(r.recordKey).publicKey()));
            }
            if (as.containsKey(r.submitter)) {
                r.submitterSignature = as.get(r.submitter).sign(AuditChain.submissionMessage(r, r.submitter));
            }
            r.prevHash = prev;
            r.hash = chain.hash(r);
            r.signature = as.get(r.signer).sign(AuditChain.recordMessage(r.signer, r.hash));
            prev = r.hash;
            hashes.put(r.sequence, r.hash);
            rootExecute("UPDATE audit_log SET detail = '" + r.detail.replace("'", "''") + "', submitter_signature = '"
                    + r.submitterSignature + "', prev_hash = '" + r.prevHash + "', hash = '" + r.hash
                    + "', signature = '" + r.signature + "' WHERE sequence = " + r.sequence);
        }
        List<long[]> heads = new ArrayList<>();
        List<String> headSigners = new ArrayList<>();
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT sequence, checkpoint_id, signer FROM "
                        + colorado.database().schema() + ".audit_head")) {
            while (rs.next()) {
                heads.add(new long[] {rs.getLong(1), rs.getLong(2)});
                headSigners.add(rs.getString(3));
            }
        }
        for (int i = 0; i < heads.size(); i++) {
            long sequence = heads.get(i)[0];
            String signer = headSigners.get(i);
            String hash = hashes.get(sequence);
            rootExecute("UPDATE audit_head SET head_hash = '" + hash + "', signature = '"
                    + as.get(signer)
                            .sign(AuditChain.headMessage(signer, colorado.id(), sequence, hash, heads.get(i)[1]))
                    + "' WHERE sequence = " + sequence);
        }
    }

    /** Edits row k, then re-hashes, re-links and re-signs rows k..N and the head with {@code key}, naming {@code as}. */
    private static void reSignFrom(long k, AuditSigner key, String as) throws SQLException {
        AuditChain chain = new AuditChain();
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT * FROM " + colorado.database().schema()
                                + ".audit_log WHERE sequence >= " + (k - 1) + " ORDER BY sequence")) {
            String prev = null;
            List<AuditRecord> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(io.enclave.sinks.AuditVerifier.read(rs));
            }
            for (AuditRecord r : rows) {
                if (r.sequence == k - 1) {
                    prev = r.hash;
                    continue;
                }
                if (r.sequence == k) {
                    r.detail = "nothing happened here";
                }
                r.prevHash = prev;
                r.hash = chain.hash(r);
                r.signer = as;
                r.signature = key.sign(AuditChain.recordMessage(as, r.hash));
                prev = r.hash;
                rootExecute("UPDATE audit_log SET detail = '" + r.detail.replace("'", "''") + "', prev_hash = '"
                        + r.prevHash + "', hash = '" + r.hash + "', signer = '" + as + "', signature = '" + r.signature
                        + "' WHERE sequence = " + r.sequence);
            }
            long head = scalar("SELECT MAX(sequence) FROM audit_head");
            String headHash = text("SELECT hash FROM audit_log WHERE sequence = " + head);
            long checkpoint = scalar("SELECT checkpoint_id FROM audit_head ORDER BY sequence DESC LIMIT 1");
            // The strongest forgery: only the re-signed newest head is left, so no older head contradicts the rows.
            rootExecute("DELETE FROM audit_head WHERE sequence <> " + head);
            rootExecute("UPDATE audit_head SET head_hash = '" + headHash + "', signer = '" + as + "', signature = '"
                    + key.sign(AuditChain.headMessage(as, colorado.id(), head, headHash, checkpoint)) + "'"
                    + " WHERE sequence = " + head);
        }
    }

    /** Exit 1 is for a broken chain only: a missing trust file, bad arguments, a database that is down each have their own. */
    private static void eachFailureThatIsNotTamperingHasItsOwnExitCode() {
        // The auditor pins the job key (else a development-mode warning line comes first).
        CliRun noTrust = cli(
                "audit",
                "verify",
                "--config",
                configFile.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl(),
                "--trust-file",
                configFile.resolveSibling("absent.json").toString());
        assertThat(noTrust.exit()).as(noTrust.err()).isEqualTo(4);
        assertThat(noTrust.err().strip())
                .isEqualTo("enclave audit verify: no audit trust file at " + configFile.resolveSibling("absent.json")
                        + " (it is written by keys init and keys rotate-signing)");
        CliRun noTenant = cli(
                "audit",
                "verify",
                "--config",
                configFile.toString(),
                "--tenant",
                "nobody",
                "--jdbc-url",
                database.rootJdbcUrl());
        assertThat(noTenant.exit()).as(noTenant.err()).isEqualTo(2);
        assertThat(noTenant.err().strip())
                .startsWith("enclave audit verify: no tenant 'nobody' in " + configFile + "; its tenants are ");
        CliRun noArguments = cli("audit", "verify", "--config", configFile.toString());
        assertThat(noArguments.exit()).isEqualTo(2);
        CliRun down = cli(
                "audit",
                "verify",
                "--config",
                configFile.toString(),
                "--tenant",
                "colorado_state",
                "--job-key",
                AuditTrust.read(AuditSigning.trustFile(colorado))
                        .key("colorado_state/job/v1")
                        .orElseThrow()
                        .fingerprint(),
                "--jdbc-url",
                database.rootJdbcUrl().replaceFirst(":[0-9]+", ":1"));
        assertThat(down.exit()).as(down.err()).isEqualTo(3);
        assertThat(down.err())
                .startsWith("enclave audit verify: cannot read the audit log of colorado_state: ")
                .doesNotContain("\tat ");
        assertThat(down.err().strip().lines()).hasSize(1);
    }

    // ---- verify, tampering and restoring ----

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static CliRun verify(String... more) {
        List<String> args = new ArrayList<>(List.of(
                "audit",
                "verify",
                "--config",
                configFile.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl()));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    /** Waits until the inputs are accounted for in the audit log and the chain verifies up to its signed head. */
    private static void awaitClean(long inputs, long rejections) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        CliRun v = verify();
        long sealed = -1;
        while (System.nanoTime() < deadline) {
            long accounted = scalar("SELECT COALESCE(SUM(row_count), 0) FROM audit_log WHERE action = 'SINK_FLUSH'")
                    + scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_REJECTED'");
            if (accounted >= inputs && v.exit() == 0) {
                // A running job adds a CHECKPOINT record each checkpoint, so the signed head trails the
                // table for good; wait until it covers what the table held once all inputs were in.
                sealed = sealed < 0 ? scalar("SELECT MAX(sequence) FROM audit_log") : sealed;
                if (scalar("SELECT MAX(sequence) FROM audit_head") >= sealed) {
                    break;
                }
            }
            Thread.sleep(500);
            v = verify();
        }
        assertThat(v.exit()).as("verify: %s", v.err()).isZero();
        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_REJECTED'"))
                .isEqualTo(rejections);
    }

    private static void assertBroken(long sequence, String problem) throws SQLException {
        CliRun v = verify();
        assertThat(v.exit()).as("verify after tampering: %s", v.out()).isEqualTo(1);
        assertThat(v.err()).contains("BROKEN at sequence " + sequence + ": ").contains(problem);
        restore();
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

    private static void tamper(String... sql) throws SQLException {
        rootExecute(sql);
    }

    /** Someone without the job's key appends a well-formed row: its hash is right, its signature cannot be. */
    private static void insertForged(long last) throws SQLException {
        AuditRecord r = AuditContext.of(colorado).newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, "x", 0);
        r.recordId = "forged";
        new AuditChain()
                .link(
                        r,
                        last + 1,
                        text("SELECT hash FROM audit_log WHERE sequence = " + last),
                        new AuditSigner("colorado_state/job/v1", SignerRole.JOB, new byte[32]));
        insert(r);
    }

    /** A genuine federal_dhs record, chained under federal_dhs's own key, put into colorado's table. */
    private static void insertFromAnotherTenant(long sequence) throws SQLException {
        TenantConfig federal = config.tenant("federal_dhs");
        AuditRecord r = AuditContext.of(federal).newRecord(AuditAction.JOB_START, AuditOutcome.SUCCESS, "chain", 0);
        r.recordId = "copied";
        new AuditChain()
                .link(
                        r,
                        sequence,
                        AuditChain.GENESIS,
                        AuditSigning.store(federal, SignerRole.JOB).current());
        insert(r);
    }

    private static void insert(AuditRecord r) throws SQLException {
        var table = TenantTables.auditLog();
        try (Connection root = database.rootConnection();
                PreparedStatement ps = root.prepareStatement(
                        new MySqlDialect().upsert(colorado.database().schema(), table))) {
            StatementBinder.bind(ps, table.columns(), r);
            ps.executeUpdate();
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

    /**
     * siem_integration: every chained row up to the signed head is also a JSON line on the SIEM
     * topic, keyed by its tenant, with the same sequence and hash (at-least-once: a line may
     * repeat, never differ).
     */
    private static void assertSiemStreamHoldsTheChain() throws Exception {
        Map<Long, String> chain = new java.util.HashMap<>();
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                // Up to the signed head: rows a completed checkpoint made durable, when both sinks had flushed.
                ResultSet rs = st.executeQuery("SELECT sequence, hash FROM "
                        + SqlDialect.qualified(colorado.database().schema(), "audit_log") + " WHERE sequence <= "
                        + "(SELECT MAX(sequence) FROM "
                        + SqlDialect.qualified(colorado.database().schema(), "audit_head")
                        + ")")) {
            while (rs.next()) {
                chain.put(rs.getLong(1), rs.getString(2));
            }
        }
        Map<String, Object> props = new java.util.HashMap<>(kafka.adminClientProperties());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, "audit-it-siem-reader");
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<Long, String> siem = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(
                props,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of(config.global().siemTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!siem.keySet().containsAll(chain.keySet()) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(record.key()).isEqualTo(colorado.id());
                    var line = json.readTree(record.value());
                    assertThat(line.get("tenant_id").asText()).isEqualTo(colorado.id());
                    if (line.has("kind")) {
                        continue; // a signed head, beside the records
                    }
                    String earlier = siem.put(
                            line.get("sequence").asLong(), line.get("hash").asText());
                    assertThat(earlier)
                            .as("a repeated line is identical")
                            .isIn(null, line.get("hash").asText());
                }
            }
        }
        assertThat(chain).isNotEmpty();
        assertThat(siem).containsAllEntriesOf(chain);
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

    // ---- input ----

    private static byte[] declaration(String id, String state, String classification) {
        return ("{\"id\": \"" + id + "\", \"femaDeclarationString\": \"DR-9999-" + state + "\", \"state\": \"" + state
                        + "\", \"incidentType\": \"Flood\", \"declarationDate\": \"2026-11-01T00:00:00.000Z\", "
                        + "\"data_classification\": \"" + classification + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** NWS-shaped alerts for Colorado zones, all acceptable, made by the demo's generator. */
    private static List<byte[]> alerts(int count) {
        EventGenerator generator = new EventGenerator(colorado, "federal_dhs", 20, 0.0);
        List<byte[]> alerts = new ArrayList<>();
        while (alerts.size() < count) {
            GeneratedEvent e = generator.next();
            if (e.topic().equals(colorado.names().topic(StreamKind.WEATHER))) {
                alerts.add(e.payload());
            }
        }
        return alerts;
    }

    /** Publishes each payload to its stream's topic; an NWS alert has an "areaDesc". */
    private static void publish(List<byte[]> payloads) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (byte[] p : payloads) {
                boolean weather = new String(p, StandardCharsets.UTF_8).contains("\"areaDesc\"");
                producer.send(new ProducerRecord<>(
                        colorado.names().topic(weather ? StreamKind.WEATHER : StreamKind.DISASTERS), p));
            }
            producer.flush();
        }
    }
}
