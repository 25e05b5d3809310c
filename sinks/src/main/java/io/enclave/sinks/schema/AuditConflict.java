package io.enclave.sinks.schema;

import static io.enclave.sinks.schema.Column.required;
import static io.enclave.sinks.schema.ColumnType.BIGINT;
import static io.enclave.sinks.schema.ColumnType.LONG_TEXT;
import static io.enclave.sinks.schema.ColumnType.SHORT_TEXT;
import static io.enclave.sinks.schema.ColumnType.TIMESTAMP;

import java.util.ArrayList;
import java.util.List;

/**
 * A write the audit writer refused: a row offered for an append-only audit table at a key that
 * already holds a different row. The stored row stays; this record of the attempt is what
 * {@code audit verify} reports. Append-only like the tables it guards.
 *
 * @param tenantId the tenant
 * @param tableName the audit table written to
 * @param sequence the key (chain sequence) both rows claim
 * @param storedDigest SHA-256 of the stored row's identity
 * @param offeredDigest SHA-256 of the refused row's identity
 * @param detectedAt when the writer refused it, epoch milliseconds UTC
 * @param detail what differed, in words, without any payload value
 */
public record AuditConflict(
        String tenantId,
        String tableName,
        long sequence,
        String storedDigest,
        String offeredDigest,
        long detectedAt,
        String detail) {

    /** The owning tenant, for sinks that re-check it before writing. */
    public static String tenantIdOf(AuditConflict conflict) {
        return conflict.tenantId();
    }

    /** The {@code audit_conflict} table. */
    public static TableDefinition<AuditConflict> table() {
        List<Column<AuditConflict>> c = new ArrayList<>();
        c.add(required("tenant_id", SHORT_TEXT, "tenant", AuditConflict::tenantId));
        c.add(required("table_name", SHORT_TEXT, "audit table the refused row was for", AuditConflict::tableName));
        c.add(required("sequence", BIGINT, "chain sequence both rows claim", AuditConflict::sequence));
        c.add(required("offered_digest", SHORT_TEXT, "SHA-256 of the refused row", AuditConflict::offeredDigest));
        c.add(required("stored_digest", SHORT_TEXT, "SHA-256 of the stored row, kept", AuditConflict::storedDigest));
        c.add(required("detected_at", TIMESTAMP, "UTC", AuditConflict::detectedAt));
        c.add(required("detail", LONG_TEXT, "what differed", AuditConflict::detail));
        return new TableDefinition<>(
                "audit_conflict",
                "Writes refused because they would have overwritten an audit row",
                c,
                List.of("tenant_id", "table_name", "sequence", "offered_digest"));
    }
}
