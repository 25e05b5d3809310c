package io.enclave.operators.audit;

/** What was decided or done; one audit record names exactly one action. */
public enum AuditAction {
    /** An input record was refused; the outcome is DENIED and the reason says why. */
    RECORD_REJECTED,
    /** A sink wrote a batch; accepted records are accounted for here, not one by one. */
    SINK_FLUSH,
    /** A checkpoint completed its pre-barrier phase; this record is the chain's signed head at that point. */
    CHECKPOINT,
    /** The job's audit chainer started, fresh or restored from a checkpoint. */
    JOB_START,
    /** The job finished or was stopped with drain. */
    JOB_STOP,
    /** {@code ./enclave audit purge} removed rows past retention, leaving a signed anchor. */
    AUDIT_PURGE,
    /** Per checkpoint: how many values the field encryptor encrypted, per key version and column. */
    KEY_USE,
    /** {@code enclave keys init}: a tenant's first data key (and its audit signing keys) were created. */
    KEYS_INIT,
    /** {@code enclave keys rotate}: a new data key version for new writes. */
    KEYS_ROTATE,
    /** {@code enclave keys destroy}: crypto-shredding of a tenant's data keys. */
    KEYS_DESTROY,
    /** {@code enclave decrypt}: an authorised reader decrypted one value. */
    DECRYPT,
    /** {@code enclave keys split}: the tenant's keys were copied out of a shared store into its own. */
    KEYS_SPLIT,
    /**
     * {@code enclave keys rotate-signing}: a signer role's Ed25519 key was replaced; the record
     * names the old and the new key id and is signed by the old key.
     */
    SIGNING_KEY_ROTATED,
    /**
     * The job was restored from a savepoint or checkpoint older than the stored chain's tail; the
     * chain continued after the tail, keeping every row written since. Names both positions.
     */
    RESTORED_FROM_OLDER_STATE,
    /**
     * A detection rule matched the tenant's own audit stream: so many events of one kind within
     * one event-time window. Names the rule, the count, the window, the first and last input
     * positions and the response deadline; only the tenant job records it.
     */
    SECURITY_ALERT,
    /**
     * {@code enclave ack}: an operator acknowledged one SECURITY_ALERT, which closes it; the record key
     * names the alert ({@code alert/<its record id>}), the detail its sequence and the operator's reason.
     */
    ALERT_ACKNOWLEDGED,
    /** {@code enclave quarantine}: one containment step (Kafka ACL, job stop, account lock, ...) was taken. */
    QUARANTINE,
    /** {@code enclave release}: one step of a recorded quarantine was reversed. */
    RELEASE,
    /**
     * {@code enclave query}: a reader account ran one statement on the tenant's database; the
     * record names the reader, the statement's SHA-256, the rows handed back, the columns
     * decrypted, and the outcome (DENIED when the database refused it).
     */
    QUERY
}
