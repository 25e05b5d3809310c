package io.enclave.sinks;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.AuditAnchor;
import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TableDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Retention for databases without partition retention (MySQL, MariaDB): deletes a tenant's
 * audit rows older than a cutoff and, in the same transaction, writes a signed
 * {@link AuditAnchor} naming where the retained chain starts and the hash it links to, so the
 * rest still verifies. It refuses to purge a chain that does not verify (that would destroy the
 * evidence) and always keeps the row of the signed head.
 */
public final class AuditPurge {
    private final Connection connection;
    private final SqlDialect dialect;
    private final String database;
    private final String tenantId;
    private final AuditTrust trust;
    private final AuditSigner signer;

    /** {@code trust} verifies the chain before anything is cut; {@code signer} (the CLI's key) signs the anchor. */
    public AuditPurge(
            Connection connection,
            SqlDialect dialect,
            String database,
            String tenantId,
            AuditTrust trust,
            AuditSigner signer) {
        this.connection = connection;
        this.dialect = dialect;
        this.database = database;
        this.tenantId = tenantId;
        this.trust = trust;
        this.signer = signer;
    }

    /**
     * What a purge did.
     *
     * @param purgedRows rows deleted
     * @param firstRetained the first sequence left in the table
     */
    public record Result(long purgedRows, long firstRetained) {}

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

    /** Deletes rows with an event time before {@code cutoff}; {@code purgedBy} is recorded in the anchor. */
    public Result purgeBefore(Instant cutoff, String purgedBy) throws SQLException {
        AuditVerifier.Verdict verdict = new AuditVerifier(connection, database, tenantId, trust).verify();
        if (!verdict.ok()) {
            throw new IllegalStateException("refusing to purge: the chain of " + tenantId + " is broken at sequence "
                    + verdict.badSequence() + ": " + verdict.problem());
        }
        String log = SqlDialect.qualified(database, "audit_log");
        long through;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT MAX(sequence) FROM " + log + " WHERE tenant_id = ? AND event_time < ?")) {
            ps.setString(1, tenantId);
            ps.setObject(2, LocalDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                through = rs.getLong(1);
            }
        }
        // The signed head's row stays, so the tail can still be checked after any purge.
        through = Math.min(through, verdict.signedHead() - 1);
        if (through < verdict.firstSequence()) {
            return new Result(0, verdict.firstSequence());
        }
        String prevHash;
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT hash FROM " + log + " WHERE tenant_id = ? AND sequence = ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, through);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                prevHash = rs.getString(1);
            }
        }
        long purgedRows = through - verdict.firstSequence() + 1;
        long purgedAt = Instant.now().toEpochMilli();
        AuditAnchor anchor = new AuditAnchor(
                tenantId,
                through + 1,
                prevHash,
                purgedRows,
                purgedBy,
                purgedAt,
                signer.keyId(),
                signer.sign(AuditChain.anchorMessage(
                        signer.keyId(), tenantId, through + 1, prevHash, purgedRows, purgedAt)));
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            TableDefinition<AuditAnchor> table = AuditAnchor.table();
            try (PreparedStatement ps = connection.prepareStatement(dialect.insertOnly(database, table))) {
                StatementBinder.bind(ps, table.columns(), anchor);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    connection.prepareStatement("DELETE FROM " + log + " WHERE tenant_id = ? AND sequence <= ?")) {
                ps.setString(1, tenantId);
                ps.setLong(2, through);
                ps.executeUpdate();
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return new Result(purgedRows, through + 1);
    }
}
