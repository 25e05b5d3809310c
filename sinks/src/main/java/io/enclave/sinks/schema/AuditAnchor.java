package io.enclave.sinks.schema;

import static io.enclave.sinks.schema.Column.required;
import static io.enclave.sinks.schema.ColumnType.BIGINT;
import static io.enclave.sinks.schema.ColumnType.SHORT_TEXT;
import static io.enclave.sinks.schema.ColumnType.TIMESTAMP;

import java.util.ArrayList;
import java.util.List;

/**
 * A signed point from which a tenant's chain can be verified when the rows before it are gone:
 * {@code prevHash} is the hash of the row before {@code firstSequence}. {@code audit purge}
 * writes one where it cuts, signed by the CLI's Ed25519 key; an anchor written by the job is
 * signed by the job's. Append-only, one row per point.
 *
 * @param tenantId the tenant
 * @param firstSequence the first sequence still in the table
 * @param prevHash the hash the row at {@code firstSequence} must link to
 * @param purgedRows how many rows this purge removed; 0 for a day anchor
 * @param purgedBy who ran the purge, or which job wrote the anchor
 * @param purgedAt when, epoch milliseconds UTC
 * @param signer key id that signed the anchor
 * @param signature Ed25519 signature over {@code AuditChain.anchorMessage} of the fields above but purgedBy
 */
public record AuditAnchor(
        String tenantId,
        long firstSequence,
        String prevHash,
        long purgedRows,
        String purgedBy,
        long purgedAt,
        String signer,
        String signature) {

    /** The row of a day anchor the tenant job cut, {@code writtenBy} its job name. */
    public static AuditAnchor of(io.enclave.operators.audit.DayAnchor a, String writtenBy) {
        return new AuditAnchor(
                a.tenantId, a.firstSequence, a.prevHash, 0, writtenBy, a.anchoredAt, a.signer, a.signature);
    }

    /** The owning tenant, for sinks that re-check it before writing. */
    public static String tenantIdOf(AuditAnchor anchor) {
        return anchor.tenantId();
    }

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
        return new TableDefinition<>(
                "audit_anchor",
                "Signed points the tenant's audit chain can be verified from",
                c,
                List.of("tenant_id", "first_sequence"));
    }
}
