package io.enclave.sinks.schema;

import static io.enclave.sinks.schema.Column.optional;
import static io.enclave.sinks.schema.Column.required;
import static io.enclave.sinks.schema.ColumnType.BIGINT;
import static io.enclave.sinks.schema.ColumnType.SHORT_TEXT;
import static io.enclave.sinks.schema.ColumnType.TIMESTAMP;

import java.util.ArrayList;
import java.util.List;

/**
 * A signed point from which a tenant's chain can be verified when the rows before it are gone:
 * {@code prevHash} is the hash of the row before {@code firstSequence}, and {@code prevChainedAt}
 * when that row was chained. Only the tenant job writes one (a day anchor, signed with the job's
 * Ed25519 key), and a chain may start at it only once the rows before it are older than the
 * tenant's retention; {@code audit purge} cuts at such an anchor and writes none. Rows written by
 * older releases have no {@code prevChainedAt} (0): their purge anchors were signed by the CLI's
 * key and start no chain any more. Append-only, one row per point.
 *
 * @param tenantId the tenant
 * @param firstSequence the first sequence still in the table
 * @param prevHash the hash the row at {@code firstSequence} must link to
 * @param purgedRows how many rows this purge removed; 0 for a day anchor
 * @param purgedBy who ran the purge, or which job wrote the anchor
 * @param purgedAt when, epoch milliseconds UTC
 * @param signer key id that signed the anchor
 * @param signature Ed25519 signature over {@code AuditChain.anchorMessage} (tenant, first sequence, prev hash,
 *     prev chained at, purged at), or for a row of an older release {@code AuditChain.legacyAnchorMessage}
 * @param prevChainedAt when the row before {@code firstSequence} was chained, epoch milliseconds UTC; 0 in rows
 *     written by older releases
 */
public record AuditAnchor(
        String tenantId,
        long firstSequence,
        String prevHash,
        long purgedRows,
        String purgedBy,
        long purgedAt,
        String signer,
        String signature,
        long prevChainedAt) {

    /** The row of a day anchor the tenant job cut, {@code writtenBy} its job name. */
    public static AuditAnchor of(io.enclave.operators.audit.DayAnchor a, String writtenBy) {
        return new AuditAnchor(
                a.tenantId,
                a.firstSequence,
                a.prevHash,
                0,
                writtenBy,
                a.anchoredAt,
                a.signer,
                a.signature,
                a.prevChainedAt);
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
        // Last, where ALTER TABLE ... ADD COLUMN puts it in a table created by an older release; NULL in its old rows.
        c.add(optional(
                "prev_chained_at",
                TIMESTAMP,
                "UTC chaining time of the row before first_sequence",
                a -> a.prevChainedAt()));
        return new TableDefinition<>(
                "audit_anchor",
                "Signed points the tenant's audit chain can be verified from",
                c,
                List.of("tenant_id", "first_sequence"));
    }
}
