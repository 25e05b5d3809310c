package io.enclave.operators.audit;

/**
 * A signed point the chain can be verified from once every row before it is gone: the chainer
 * cuts one at the first record it chains on each new UTC day, so when retention drops a whole
 * day partition of {@code audit_log} (StarRocks), the next day's first row still links to a
 * hash the tenant job signed. Stored in {@code audit_anchor} and signed over
 * {@link AuditChain#anchorMessage}, which includes when the last row before it was chained: a
 * verifier starts a chain at the anchor only once those rows are older than the tenant's
 * retention, so the anchor never excuses rows deleted inside it. Only the job's key signs one.
 */
public class DayAnchor {
    public String tenantId;
    /** The first record chained on the new day. */
    public long firstSequence;
    /** The hash of the record before it, the last of an earlier day. */
    public String prevHash;
    /** That first record's {@link AuditRecord#chainedAt}, epoch milliseconds UTC. */
    public long anchoredAt;
    /** The {@link AuditRecord#chainedAt} of the record before it: every row the anchor lets go is this old or older. */
    public long prevChainedAt;
    /** The job key that signed it. */
    public String signer;

    public String signature;

    public DayAnchor() {}

    /** Cuts and signs the anchor before {@code first}, a record just chained after one chained at {@code prevChainedAt}. */
    public static DayAnchor before(AuditRecord first, long prevChainedAt, AuditSigner job) {
        DayAnchor a = new DayAnchor();
        a.tenantId = first.tenantId;
        a.firstSequence = first.sequence;
        a.prevHash = first.prevHash;
        a.anchoredAt = first.chainedAt;
        a.prevChainedAt = prevChainedAt;
        a.signer = job.keyId();
        a.signature = job.sign(AuditChain.anchorMessage(
                a.signer, a.tenantId, a.firstSequence, a.prevHash, a.prevChainedAt, a.anchoredAt));
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
