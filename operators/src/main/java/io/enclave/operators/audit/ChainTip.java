package io.enclave.operators.audit;

/** A position in a tenant's chain: a sequence number and the hash of the record there. Kept in keyed state. */
public class ChainTip {
    public long sequence;
    public String hash;

    public ChainTip() {}

    public ChainTip(long sequence, String hash) {
        this.sequence = sequence;
        this.hash = hash;
    }

    /** The empty chain: nothing yet, so the next record is sequence 1 after the genesis hash. */
    public static ChainTip genesis() {
        return new ChainTip(0, AuditChain.GENESIS);
    }

    @Override
    public String toString() {
        return "#" + sequence;
    }
}
