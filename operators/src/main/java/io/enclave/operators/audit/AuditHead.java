package io.enclave.operators.audit;

/**
 * The signed head of a tenant's chain: every row up to {@link #sequence} is in the audit table,
 * and the last one hashes to {@link #headHash}. The chainer upserts it (one row per tenant)
 * only once the rows it covers are durably written, so {@code audit verify} can tell a
 * truncated tail from a chain that simply ends.
 */
public class AuditHead {
    public String tenantId;
    public long sequence;
    public String headHash;
    /** The checkpoint whose completion made the covered rows durable. */
    public long checkpointId;
    /** When the head was published, epoch milliseconds UTC. */
    public long writtenAt;
    /** Key id of the job's key that signed the head. */
    public String signer;
    /** Ed25519 signature over {@link AuditChain#headMessage}. */
    public String signature;

    public AuditHead() {}

    /** The owning tenant, for sinks that re-check it before writing. */
    public static String tenantIdOf(AuditHead head) {
        return head.tenantId;
    }

    @Override
    public String toString() {
        return "AuditHead{" + tenantId + "#" + sequence + " @checkpoint " + checkpointId + "}";
    }
}
