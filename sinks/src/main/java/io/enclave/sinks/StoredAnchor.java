package io.enclave.sinks;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.SignerRole;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of {@code audit_anchor} as the verifier and {@code audit purge} judge it: who signed it,
 * and how recent the newest row it lets go can be. A chain may start at an anchor only when the
 * tenant job's key signed it and that newest row is older than the tenant's retention; nothing
 * else (a CLI key, root) can excuse rows missing from the start of the chain.
 *
 * @param firstSequence the first sequence the chain may start at
 * @param prevHash the hash the row at {@code firstSequence} links to
 * @param prevChainedAt when the row before was chained, epoch ms UTC; 0 in a row of an older release
 * @param purgedRows rows an older release's purge removed; 0 for a day anchor
 * @param purgedAt for a day anchor the first row's chaining time, for an older purge when it ran; epoch ms UTC
 * @param signer the key id that signed it
 * @param signature its Ed25519 signature
 */
record StoredAnchor(
        long firstSequence,
        String prevHash,
        long prevChainedAt,
        long purgedRows,
        long purgedAt,
        String signer,
        String signature) {

    /** Every anchor of the tenant, by first sequence. */
    static Map<Long, StoredAnchor> readAll(Connection connection, String database, String tenantId)
            throws SQLException {
        Map<Long, StoredAnchor> anchors = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT first_sequence, prev_hash, prev_chained_at, "
                + "purged_rows, purged_at, signer, signature FROM " + SqlDialect.qualified(database, "audit_anchor")
                + " WHERE tenant_id = ? ORDER BY first_sequence")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredAnchor a = new StoredAnchor(
                            rs.getLong(1),
                            rs.getString(2),
                            AuditVerifier.millis(rs.getObject(3, LocalDateTime.class)),
                            rs.getLong(4),
                            AuditVerifier.millis(rs.getObject(5, LocalDateTime.class)),
                            rs.getString(6),
                            rs.getString(7));
                    anchors.put(a.firstSequence(), a);
                }
            }
        }
        return anchors;
    }

    /** Written by a release before anchors named when the row before them was chained. */
    boolean legacy() {
        return prevChainedAt <= 0;
    }

    /**
     * Why its signature does not hold, or null. A current anchor must be the job's; a legacy one
     * may still be an older purge's, signed by the CLI's key, which verifies but starts nothing.
     */
    String signatureProblem(AuditTrust trust, String tenantId) {
        if (legacy()) {
            return trust.problem(
                    signer,
                    EnumSet.of(SignerRole.JOB, SignerRole.CLI),
                    AuditChain.legacyAnchorMessage(signer, tenantId, firstSequence, prevHash, purgedRows, purgedAt),
                    signature);
        }
        return trust.problem(
                signer,
                EnumSet.of(SignerRole.JOB),
                AuditChain.anchorMessage(signer, tenantId, firstSequence, prevHash, prevChainedAt, purgedAt),
                signature);
    }

    /** Whether the tenant job's key signed it: only such an anchor may start a chain. */
    boolean byJob(AuditTrust trust) {
        return purgedRows == 0
                && trust.key(signer).map(k -> k.role() == SignerRole.JOB).orElse(false);
    }

    /**
     * The latest time the rows it lets go can have been chained: the row before it, or for a legacy
     * day anchor (cut at the first row of a UTC day) the last millisecond of the day before.
     */
    Instant newestCutRow() {
        if (!legacy()) {
            return Instant.ofEpochMilli(prevChainedAt);
        }
        return Instant.ofEpochMilli(purgedAt).truncatedTo(ChronoUnit.DAYS).minusMillis(1);
    }

    /** Whether every row it lets go is older than {@code retention} at {@code now}, so it may be gone. */
    boolean cutsOnlyRowsOlderThan(Duration retention, Instant now) {
        return newestCutRow().plus(retention).isBefore(now);
    }
}
