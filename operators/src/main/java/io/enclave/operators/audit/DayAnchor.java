package io.enclave.operators.audit;

/**
 * A signed point the chain can be verified from once every row before it is gone: the chainer
 * cuts one at the first record it chains on each new UTC day, so when retention drops a whole
 * day partition of {@code audit_log} (StarRocks), the next day's first row still links to a
 * hash the tenant job signed. Stored in {@code audit_anchor}, like a purge's anchor, and signed
 * over {@link AuditChain#anchorMessage} with no purged rows.
 */
public class DayAnchor {
    public String tenantId;
    /** The first record chained on the new day. */
    public long firstSequence;
    /** The hash of the record before it, the last of an earlier day. */
    public String prevHash;
    /** That first record's {@link AuditRecord#chainedAt}, epoch milliseconds UTC. */
    public long anchoredAt;
    /** The job key that signed it. */
    public String signer;

    public String signature;

    public DayAnchor() {}

    /** Cuts and signs the anchor before {@code first}, a record just chained. */
    public static DayAnchor before(AuditRecord first, AuditSigner job) {
        DayAnchor a = new DayAnchor();
        a.tenantId = first.tenantId;
        a.firstSequence = first.sequence;
        a.prevHash = first.prevHash;
        a.anchoredAt = first.chainedAt;
        a.signer = job.keyId();
        a.signature =
                job.sign(AuditChain.anchorMessage(a.signer, a.tenantId, a.firstSequence, a.prevHash, 0, a.anchoredAt));
        return a;
    }

    /** The owning tenant, for sinks that re-check it before writing. */
    public static String tenantIdOf(DayAnchor anchor) {
        return anchor.tenantId;
    }

    @Override
    public String toString() {
        return "DayAnchor{" + tenantId + "#" + firstSequence + "}";
    }
}
