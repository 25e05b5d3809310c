package io.enclave.sinks.schema;

import static io.enclave.sinks.schema.Column.required;
import static io.enclave.sinks.schema.ColumnType.BIGINT;
import static io.enclave.sinks.schema.ColumnType.SHORT_TEXT;
import static io.enclave.sinks.schema.ColumnType.TIMESTAMP;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a tenant's retained audit chain starts after {@code audit purge}: rows before
 * {@code firstSequence} were purged, {@code prevHash} is the hash of the last purged row, and
 * the Ed25519 signature by a trusted key (the CLI's, which runs the purge) proves who wrote it.
 * One row per tenant.
 *
 * @param tenantId the tenant
 * @param firstSequence the first sequence still in the table
 * @param prevHash the hash the row at {@code firstSequence} must link to
 * @param purgedRows how many rows this purge removed
 * @param purgedBy who ran the purge
 * @param purgedAt when, epoch milliseconds UTC
 * @param signer key id that signed the anchor
 * @param signature Ed25519 signature over {@code AuditChain.anchorMessage} of the fields above but purgedBy
 */
public record AuditAnchor(String tenantId, long firstSequence, String prevHash, long purgedRows, String purgedBy,
        long purgedAt, String signer, String signature) {

    /** The {@code audit_anchor} table. */
    public static TableDefinition<AuditAnchor> table() {
        List<Column<AuditAnchor>> c = new ArrayList<>();
        c.add(required("tenant_id", SHORT_TEXT, "tenant", AuditAnchor::tenantId));
        c.add(required("first_sequence", BIGINT, "first sequence still retained", AuditAnchor::firstSequence));
        c.add(required("prev_hash", SHORT_TEXT, "hash of the last purged row", AuditAnchor::prevHash));
        c.add(required("purged_rows", BIGINT, "rows removed by this purge", AuditAnchor::purgedRows));
        c.add(required("purged_by", SHORT_TEXT, "who ran the purge", AuditAnchor::purgedBy));
        c.add(required("purged_at", TIMESTAMP, "UTC", AuditAnchor::purgedAt));
        c.add(required("signer", SHORT_TEXT, "key id that signed the anchor", AuditAnchor::signer));
        c.add(required("signature", SHORT_TEXT, "Ed25519 signature of the anchor", AuditAnchor::signature));
        return new TableDefinition<>("audit_anchor", "Signed start of the tenant's audit chain after a purge", c,
                List.of("tenant_id"));
    }
}
