package io.enclave.sinks;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Retention for databases without partition retention (MySQL, MariaDB): deletes a tenant's
 * audit rows before a day anchor the tenant job signed, once every row before it is older than
 * the cutoff (at least the tenant's retention), so the rest still verifies from that anchor. It
 * writes no anchor of its own: a command's key could then cut the chain anywhere. It refuses to
 * purge a chain that does not verify (that would destroy the evidence) and always keeps the row
 * of the signed head. The caller chains an AUDIT_PURGE record naming the anchor.
 */
public final class AuditPurge {
    private final Connection connection;
    private final String database;
    private final String tenantId;
    private final AuditTrust trust;
    private final AuditVerifier.Policy policy;

    /** {@code trust} and {@code policy} verify the chain, before anything is cut, as {@code audit verify} would. */
    public AuditPurge(
            Connection connection, String database, String tenantId, AuditTrust trust, AuditVerifier.Policy policy) {
        this.connection = connection;
        this.database = database;
        this.tenantId = tenantId;
        this.trust = trust;
        this.policy = policy;
    }

    /**
     * What a purge did.
     *
     * @param purgedRows rows deleted
     * @param firstRetained the first sequence left in the table
     * @param anchorSigner the job key that signed the day anchor the chain now starts at; empty when nothing was purged
     * @param anchorPrevHash that anchor's link, the hash of the last row purged; empty when nothing was purged
     */
    public record Result(long purgedRows, long firstRetained, String anchorSigner, String anchorPrevHash) {}

    /**
     * The cutoff of a purge that keeps {@code keepDays}, refused when that would cut inside the
     * tenant's {@code retention_days}: retention is a floor, never a suggestion.
     *
     * @throws IllegalArgumentException when {@code keepDays} is less than {@code retentionDays}
     */
    public static Instant cutoff(Instant now, int retentionDays, int keepDays) {
        if (keepDays < retentionDays) {
            throw new IllegalArgumentException("refusing to purge audit records younger than retention_days ("
                    + retentionDays + "): asked to keep only " + keepDays + " days");
        }
        return now.minus(java.time.Duration.ofDays(keepDays));
    }

    /**
     * Deletes the rows before the newest job day anchor whose cut-off rows were all chained
     * before {@code cutoff}; nothing when there is none (no day has passed yet, or every day is
     * still inside the retention).
     *
     * @throws IllegalStateException when the chain does not verify, or that anchor does not link to its row
     */
    public Result purgeBefore(Instant cutoff) throws SQLException {
        AuditVerifier.Verdict verdict = new AuditVerifier(connection, database, tenantId, trust, policy).verify();
        if (!verdict.ok()) {
            throw new IllegalStateException("refusing to purge: the chain of " + tenantId + " is broken at sequence "
                    + verdict.badSequence() + ": " + verdict.problem());
        }
        StoredAnchor cut = null;
        for (StoredAnchor a :
                StoredAnchor.readAll(connection, database, tenantId).values()) {
            // The signed head's row stays, so the tail can still be checked after any purge.
            if (a.firstSequence() > verdict.firstSequence()
                    && a.firstSequence() <= verdict.signedHead()
                    && a.byJob(trust)
                    && a.newestCutRow().isBefore(cutoff)) {
                cut = a;
            }
        }
        if (cut == null) {
            return new Result(0, verdict.firstSequence(), "", "");
        }
        String log = SqlDialect.qualified(database, "audit_log");
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT hash FROM " + log + " WHERE tenant_id = ? AND sequence = ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, cut.firstSequence() - 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !AuditChain.same(cut.prevHash(), rs.getString(1))) {
                    throw new IllegalStateException("refusing to purge: the day anchor at sequence "
                            + cut.firstSequence() + " does not link to the row before it");
                }
            }
        }
        long purgedRows;
        try (PreparedStatement ps =
                connection.prepareStatement("DELETE FROM " + log + " WHERE tenant_id = ? AND sequence < ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, cut.firstSequence());
            purgedRows = ps.executeUpdate();
        }
        return new Result(purgedRows, cut.firstSequence(), cut.signer(), cut.prevHash());
    }
}
