package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.DayAnchor;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.AuditAnchor;
import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Red-team attacks on {@link AuditVerifier} by someone holding what an auditor or a CLI user
 * holds (the trust file, the CLI signing key, database root) but not the tenant job's signing
 * key. Each test builds a small chain on a real MariaDB exactly as the chainer writes it (rows,
 * a day anchor where midnight UTC passed, a signed head), checks that it verifies, tampers, and
 * asserts that {@code audit verify} no longer passes. The auditor pins the job key's fingerprint
 * out of band and verifies at a clock the test sets; the tenant keeps its trail for 30 days.
 */
class AuditVerifierAttackITCase {
    private static final String TENANT = "redteam_a";
    private static final String OTHER = "redteam_b";
    private static final MySqlDialect DIALECT = new MySqlDialect();
    private static final int ROWS = 6;
    /** Rows 1..3 were chained yesterday, 4..6 today: the job cut a day anchor at 4. */
    private static final long FIRST_TODAY = 4;

    private static final int RETENTION_DAYS = 30;

    private final AuditSigner job = signer(TENANT, SignerRole.JOB, "real");
    private final AuditSigner cli = signer(TENANT, SignerRole.CLI, "real");
    private final AuditTrust trust =
            AuditTrust.empty(TENANT).with(job, "").with(cli, "").with(signer(TENANT, SignerRole.INGEST, "real"), "");
    private final List<AuditRecord> chain = new ArrayList<>();
    private final Instant now = Instant.now();
    /** What the auditor brings: the retention, a clock at {@link #now}, and the job key's fingerprint pinned. */
    private final AuditVerifier.Policy auditor = new AuditVerifier.Policy(
            RETENTION_DAYS, Clock.fixed(now, ZoneOffset.UTC), Set.of(AuditTrust.fingerprint(job.publicKey())));

    @BeforeEach
    void writeAChainThatVerifies() throws SQLException {
        try (Connection root = EmbeddedMariaDb.shared().rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + TENANT);
            new TenantDatabase(tenant(TENANT), DIALECT).createSchema(root);
        }
        long today = now.toEpochMilli();
        long yesterday = today - Duration.ofDays(1).toMillis();
        AuditChain codec = new AuditChain();
        String prev = AuditChain.GENESIS;
        for (int s = 1; s <= ROWS; s++) {
            AuditRecord r = record(TENANT, s, s < FIRST_TODAY ? yesterday + s : today - 100 + s);
            codec.link(r, s, prev, job);
            prev = r.hash;
            chain.add(r);
            insert(TenantTables.auditLog(), r);
        }
        AuditRecord firstToday = chain.get((int) FIRST_TODAY - 1);
        insert(
                AuditAnchor.table(),
                AuditAnchor.of(DayAnchor.before(firstToday, chain.get((int) FIRST_TODAY - 2).chainedAt, job), "job"));
        insert(TenantTables.auditHead(), head(TENANT, ROWS, prev, job));
        assertThat(verify(trust).ok()).as("the untouched chain verifies").isTrue();
    }

    /**
     * Database root alone, without any key, deletes every row chained yesterday, well inside
     * retention_days: the job's day anchor names when the row before it was chained, so the gap
     * is named; the same deletion once those rows are past the retention is what a dropped day
     * partition does, and verifies from the anchor.
     */
    @Test
    void rootCannotDeleteRowsInsideRetentionBehindADayAnchor() throws SQLException {
        root("DELETE FROM audit_log WHERE sequence < " + FIRST_TODAY);

        AuditVerifier.Verdict v = verify(trust);

        assertThat(v.ok()).as("rows 1..3 are one day old; retention is 30 days").isFalse();
        assertThat(v.badSequence()).isEqualTo(1);
        assertThat(v.problem())
                .startsWith("missing: sequence 1..3 is not in the table: rows deleted inside retention_days (30)")
                .contains("the row before it was chained at " + Instant.ofEpochMilli(chain.get(2).chainedAt));

        AuditVerifier.Verdict later = verify(trust, now.plus(Duration.ofDays(RETENTION_DAYS + 1)));
        assertThat(later.ok()).as(later.problem()).isTrue();
        assertThat(later.firstSequence()).isEqualTo(FIRST_TODAY);
    }

    /**
     * A CLI user with root writes an anchor signed with the CLI key (which signed purge anchors
     * before), claiming the rows it cuts are ten years old, and deletes the rows before it: only
     * the job's key signs an anchor a chain may start at, even long after the retention.
     */
    @Test
    void aCliSignedAnchorCannotCutTheChainAnywhere() throws SQLException {
        long cut = ROWS - 1;
        String prevHash = chain.get((int) cut - 2).hash;
        long longAgo = now.minus(Duration.ofDays(3650)).toEpochMilli();
        long at = chain.get((int) cut - 1).chainedAt;
        insert(
                AuditAnchor.table(),
                new AuditAnchor(
                        TENANT,
                        cut,
                        prevHash,
                        0,
                        "mallory",
                        at,
                        cli.keyId(),
                        cli.sign(AuditChain.anchorMessage(cli.keyId(), TENANT, cut, prevHash, longAgo, at)),
                        longAgo));
        root("DELETE FROM audit_log WHERE sequence < " + cut);

        AuditVerifier.Verdict v = verify(trust, now.plus(Duration.ofDays(3650)));

        assertThat(v.ok())
                .as("rows 1..%d deleted under a CLI-signed anchor", cut - 1)
                .isFalse();
        assertThat(v.problem()).contains("the anchor at sequence " + cut + " is forged", "may not sign it");

        // The same cut in the format of an older release, which let the CLI key sign purge anchors.
        root("DELETE FROM audit_anchor WHERE first_sequence = " + cut);
        insert(
                AuditAnchor.table(),
                new AuditAnchor(
                        TENANT,
                        cut,
                        prevHash,
                        cut - 1,
                        "mallory",
                        longAgo,
                        cli.keyId(),
                        cli.sign(AuditChain.legacyAnchorMessage(cli.keyId(), TENANT, cut, prevHash, cut - 1, longAgo)),
                        0));
        AuditVerifier.Verdict legacy = verify(trust, now.plus(Duration.ofDays(3650)));
        assertThat(legacy.ok()).isFalse();
        assertThat(legacy.badSequence()).isEqualTo(1);
        assertThat(legacy.problem())
                .contains("missing: sequence 1..4", "signed by " + cli.keyId() + ", not by the tenant job's key");
    }

    /**
     * The trust file is not authenticated and the CLI user writes it ({@code keys rotate-signing
     * --role cli}): put an own key there under the job's key id and re-sign every row and head
     * with it. The auditor's pinned fingerprint is not that key's, so the chain fails at its first
     * row, naming the key.
     */
    @Test
    void aRewrittenTrustFileCannotMakeAReSignedChainVerify() throws SQLException {
        AuditSigner mallory = new AuditSigner(job.keyId(), SignerRole.JOB, seed("mallory"));
        AuditTrust forged = AuditTrust.empty(TENANT).with(mallory, "").with(cli, "");
        reSign(1, mallory, null);

        AuditVerifier.Verdict v = verify(forged);

        assertThat(v.ok())
                .as("every row's detail rewritten, under a job key the attacker made")
                .isFalse();
        assertThat(v.badSequence()).isEqualTo(1);
        assertThat(v.problem())
                .contains(
                        "signed by job key " + job.keyId() + " (" + AuditTrust.fingerprint(mallory.publicKey()),
                        "is not the pinned job key");
    }

    /**
     * The attacker keeps the real job key and adds their own as its successor {@code job/v2},
     * naming the CLI key (which they hold) as its predecessor, chains a rotation introducing it
     * submitted under the CLI key, and re-signs the rows from there with it: a rotation submitted
     * by anything but the authenticated job key it replaces introduces no job key. The same
     * rotation submitted under the real job key introduces the real successor.
     */
    @Test
    void aRotationSubmittedWithTheCliKeyNeverIntroducesAJobKey() throws SQLException {
        AuditSigner mallory = new AuditSigner(AuditSigner.keyId(TENANT, SignerRole.JOB, 2), SignerRole.JOB, seed("m"));
        AuditTrust forged = trust.with(mallory, cli.keyId());
        reSign(FIRST_TODAY, mallory, cli);

        AuditVerifier.Verdict v = verify(forged);

        assertThat(v.ok()).isFalse();
        assertThat(v.badSequence()).isEqualTo(FIRST_TODAY);
        assertThat(v.problem()).contains("signed by job key " + mallory.keyId(), "no chained SIGNING_KEY_ROTATED");

        AuditSigner successor = signer(TENANT, SignerRole.JOB, "real-v2", 2);
        reSign(FIRST_TODAY, successor, job);
        AuditVerifier.Verdict rotated = verify(trust.with(successor, job.keyId()));
        assertThat(rotated.ok()).as(rotated.problem()).isTrue();
    }

    /**
     * The real job key rotated to its real successor, and the attacker keeps that rotation record
     * (submitted under the real job key) but lists their own key as the successor in the trust
     * file and re-signs from the rotation on with it: the rotation introduces only the public key
     * whose fingerprint it names.
     */
    @Test
    void aRotationIntroducesOnlyThePublicKeyItNames() throws SQLException {
        AuditSigner successor = signer(TENANT, SignerRole.JOB, "real-v2", 2);
        AuditSigner mallory = new AuditSigner(successor.keyId(), SignerRole.JOB, seed("m"));
        reSign(FIRST_TODAY, mallory, job, successor);

        AuditVerifier.Verdict v = verify(trust.with(mallory, job.keyId()));

        assertThat(v.ok()).isFalse();
        assertThat(v.badSequence()).isEqualTo(FIRST_TODAY);
        assertThat(v.problem()).contains("signed by job key " + mallory.keyId(), "no chained SIGNING_KEY_ROTATED");
    }

    private void reSign(long from, AuditSigner key, AuditSigner rotatedBy) throws SQLException {
        reSign(from, key, rotatedBy, key);
    }

    /**
     * Rewrites rows {@code from}..{@link #ROWS} and the head under {@code key}; with {@code rotatedBy},
     * row {@code from} becomes the rotation to {@code named}'s public key, submitted under {@code rotatedBy}.
     */
    private void reSign(long from, AuditSigner key, AuditSigner rotatedBy, AuditSigner named) throws SQLException {
        root(
                "DELETE FROM audit_log WHERE sequence >= " + from,
                "DELETE FROM audit_head",
                "DELETE FROM audit_anchor WHERE first_sequence >= " + from);
        AuditChain codec = new AuditChain();
        String prev = from == 1 ? AuditChain.GENESIS : chain.get((int) from - 2).hash;
        for (AuditRecord original : chain.subList((int) from - 1, ROWS)) {
            AuditRecord r = record(TENANT, original.sequence, original.chainedAt);
            r.detail = "nothing happened";
            if (rotatedBy != null && original.sequence == from) {
                r.action = AuditAction.SIGNING_KEY_ROTATED;
                r.recordKey = key.keyId();
                r.detail = "replaced " + rotatedBy.keyId() + " by " + key.keyId() + "; "
                        + AuditTrust.introducing(named.publicKey());
                r.submissionId = "rotation-" + key.keyId();
                AuditChain.signSubmission(r, rotatedBy);
            }
            codec.link(r, original.sequence, prev, key);
            prev = r.hash;
            insert(TenantTables.auditLog(), r);
        }
        insert(TenantTables.auditHead(), head(TENANT, ROWS, prev, key));
    }

    /**
     * A job key of another tenant signs this tenant's rows: refused whether the attacker hands
     * verify the other tenant's trust file or lists the other tenant's key in this one.
     */
    @Test
    void aKeyOfAnotherTenantNeverSignsThisTenantsChain() throws SQLException {
        AuditSigner otherJob = signer(OTHER, SignerRole.JOB, "real");
        AuditTrust otherTrust = AuditTrust.empty(OTHER).with(otherJob, "");
        root("DELETE FROM audit_log", "DELETE FROM audit_head", "DELETE FROM audit_anchor");
        AuditChain codec = new AuditChain();
        String prev = AuditChain.GENESIS;
        for (AuditRecord original : chain) {
            AuditRecord r = record(TENANT, original.sequence, original.chainedAt);
            codec.link(r, original.sequence, prev, otherJob);
            prev = r.hash;
            insert(TenantTables.auditLog(), r);
        }
        insert(TenantTables.auditHead(), head(TENANT, ROWS, prev, otherJob));

        assertThatThrownBy(() -> verify(otherTrust))
                .as("verified with the trust file of another tenant")
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessage("the audit trust file of tenant " + OTHER + " cannot verify the audit trail of tenant "
                        + TENANT);
        AuditTrust listed = AuditTrust.empty(TENANT).with(job, "").with(otherJob, "");
        assertThat(verify(listed).problem())
                .as("another tenant's key listed in this tenant's trust")
                .contains("not a key of tenant " + TENANT);
    }

    private AuditVerifier.Verdict verify(AuditTrust with) throws SQLException {
        return verify(with, now);
    }

    private AuditVerifier.Verdict verify(AuditTrust with, Instant at) throws SQLException {
        try (Connection c = EmbeddedMariaDb.shared().rootConnection()) {
            return new AuditVerifier(c, TENANT, TENANT, with, auditor.withClock(Clock.fixed(at, ZoneOffset.UTC)))
                    .verify();
        }
    }

    private static AuditRecord record(String tenantId, long sequence, long chainedAt) {
        AuditRecord r = new AuditRecord();
        r.tenantId = tenantId;
        r.recordId = "redteam-" + sequence;
        r.action = AuditAction.CHECKPOINT;
        r.outcome = AuditOutcome.SUCCESS;
        r.detail = "checkpoint " + sequence;
        r.eventTime = chainedAt;
        r.chainedAt = chainedAt;
        r.jobName = "job";
        r.operator = "chainer";
        r.host = "h";
        r.sourceTopic = "job";
        r.sourceOffset = -1;
        r.principal = "job";
        r.classification = "PUBLIC";
        r.checkpointId = sequence;
        return r;
    }

    private static AuditHead head(String tenantId, long sequence, String hash, AuditSigner signer) {
        AuditHead h = new AuditHead();
        h.tenantId = tenantId;
        h.sequence = sequence;
        h.headHash = hash;
        h.checkpointId = sequence;
        h.writtenAt = System.currentTimeMillis();
        h.signer = signer.keyId();
        h.signature = signer.sign(AuditChain.headMessage(h.signer, tenantId, sequence, hash, h.checkpointId));
        return h;
    }

    private static AuditSigner signer(String tenantId, SignerRole role, String seed) {
        return signer(tenantId, role, seed, 1);
    }

    private static AuditSigner signer(String tenantId, SignerRole role, String seed, int version) {
        return new AuditSigner(
                AuditSigner.keyId(tenantId, role, version), role, seed(seed + "|" + tenantId + "|" + role));
    }

    private static byte[] seed(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TenantConfig tenant(String id) {
        return TenantConfig.builder(id)
                .organization("Org " + id)
                .database(new DatabaseSettings(id, id + "_writer", Secret.of("pw-" + id), id + "_key"))
                .build();
    }

    private static <T> void insert(TableDefinition<T> table, T row) throws SQLException {
        try (Connection c = EmbeddedMariaDb.shared().rootConnection();
                PreparedStatement ps = c.prepareStatement(DIALECT.insertOnly(TENANT, table))) {
            StatementBinder.bind(ps, table.columns(), row);
            ps.executeUpdate();
        }
    }

    private static void root(String... sql) throws SQLException {
        try (Connection c = EmbeddedMariaDb.shared().rootConnection();
                Statement st = c.createStatement()) {
            st.execute("USE " + SqlDialect.quote(TENANT));
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
