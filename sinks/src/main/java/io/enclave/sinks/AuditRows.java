package io.enclave.sinks;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.sinks.schema.AuditAnchor;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.ResultSet;
import java.sql.SQLException;

/** How each append-only audit table's rows are keyed and compared by {@link AppendOnlyAuditSink}. */
public final class AuditRows {
    private AuditRows() {}

    /** {@code audit_log}: a row is its canonical form, hash and signature, so any edited field is a different row. */
    public static final class Log implements AppendOnlyAuditSink.Rows<AuditRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public TableDefinition<AuditRecord> table() {
            return TenantTables.auditLog();
        }

        @Override
        public String keyColumn() {
            return "sequence";
        }

        @Override
        public long keyOf(AuditRecord row) {
            return row.sequence;
        }

        @Override
        public String tenantOf(AuditRecord row) {
            return row.tenantId;
        }

        @Override
        public String identityOf(AuditRecord row) {
            return AuditChain.canonical(row) + "|hash=" + row.hash + "|signer=" + row.signer + "|signature="
                    + row.signature;
        }

        @Override
        public String storedIdentity(ResultSet rs) throws SQLException {
            return identityOf(AuditVerifier.read(rs));
        }
    }

    /**
     * {@code audit_head}: a head is the chain position it signs (sequence and hash); the same
     * position published again after a restore, from another checkpoint, is the same head.
     */
    public static final class Head implements AppendOnlyAuditSink.Rows<AuditHead> {
        private static final long serialVersionUID = 1L;

        @Override
        public TableDefinition<AuditHead> table() {
            return TenantTables.auditHead();
        }

        @Override
        public String keyColumn() {
            return "sequence";
        }

        @Override
        public long keyOf(AuditHead row) {
            return row.sequence;
        }

        @Override
        public String tenantOf(AuditHead row) {
            return row.tenantId;
        }

        @Override
        public String identityOf(AuditHead row) {
            return row.sequence + "|" + row.headHash;
        }

        @Override
        public String storedIdentity(ResultSet rs) throws SQLException {
            return rs.getLong("sequence") + "|" + rs.getString("head_hash");
        }
    }

    /** {@code audit_anchor}: an anchor is the chain point it names (first sequence and the hash before it). */
    public static final class Anchor implements AppendOnlyAuditSink.Rows<AuditAnchor> {
        private static final long serialVersionUID = 1L;

        @Override
        public TableDefinition<AuditAnchor> table() {
            return AuditAnchor.table();
        }

        @Override
        public String keyColumn() {
            return "first_sequence";
        }

        @Override
        public long keyOf(AuditAnchor row) {
            return row.firstSequence();
        }

        @Override
        public String tenantOf(AuditAnchor row) {
            return row.tenantId();
        }

        @Override
        public String identityOf(AuditAnchor row) {
            return row.firstSequence() + "|" + row.prevHash();
        }

        @Override
        public String storedIdentity(ResultSet rs) throws SQLException {
            return rs.getLong("first_sequence") + "|" + rs.getString("prev_hash");
        }
    }
}
