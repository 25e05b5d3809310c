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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Red-team attacks on {@link AuditVerifier} by someone holding what an auditor or a CLI user
 * holds (the trust file, the CLI signing key, database root) but not the tenant job's signing
 * key. Each test builds a small chain on a real MariaDB exactly as the chainer writes it (rows,
 * a day anchor where midnight UTC passed, a signed head), checks that it verifies, tampers, and
 * asserts that {@code audit verify} no longer passes. (Open holes are listed in issue 15.)
 */
class AuditVerifierAttackITCase {
    private static final String TENANT = "redteam_a";
    private static final String OTHER = "redteam_b";
    private static final MySqlDialect DIALECT = new MySqlDialect();
    private static final int ROWS = 6;
    /** Rows 1..3 were chained yesterday, 4..6 today: the job cut a day anchor at 4. */
    private static final long FIRST_TODAY = 4;

    private final AuditSigner job = signer(TENANT, SignerRole.JOB, "real");
    private final AuditSigner cli = signer(TENANT, SignerRole.CLI, "real");
    private final AuditTrust trust =
            AuditTrust.empty(TENANT).with(job, "").with(cli, "").with(signer(TENANT, SignerRole.INGEST, "real"), "");
    private final List<AuditRecord> chain = new ArrayList<>();

    @BeforeEach
    void writeAChainThatVerifies() throws SQLException {
        try (Connection root = EmbeddedMariaDb.shared().rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + TENANT);
            new TenantDatabase(tenant(TENANT), DIALECT).createSchema(root);
        }
        long now = System.currentTimeMillis();
        long yesterday = now - Duration.ofDays(1).toMillis();
        AuditChain codec = new AuditChain();
        String prev = AuditChain.GENESIS;
        for (int s = 1; s <= ROWS; s++) {
            AuditRecord r = record(TENANT, s, s < FIRST_TODAY ? yesterday + s : now + s);
            codec.link(r, s, prev, job);
            prev = r.hash;
            chain.add(r);
            insert(TenantTables.auditLog(), r);
        }
        insert(AuditAnchor.table(), AuditAnchor.of(DayAnchor.before(chain.get((int) FIRST_TODAY - 1), job), "job"));
        insert(TenantTables.auditHead(), head(TENANT, ROWS, prev, job));
        assertThat(verify(trust).ok()).as("the untouched chain verifies").isTrue();
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
        try (Connection c = EmbeddedMariaDb.shared().rootConnection()) {
            return new AuditVerifier(c, TENANT, TENANT, with).verify();
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
        return new AuditSigner(AuditSigner.keyId(tenantId, role, 1), role, seed(seed + "|" + tenantId + "|" + role));
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
