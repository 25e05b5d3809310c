package io.enclave.operators.audit;

/** What was decided or done; one audit record names exactly one action. */
public enum AuditAction {
    /** An input record was refused; the outcome is DENIED and the reason says why. */
    RECORD_REJECTED,
    /** A sink wrote a batch; accepted records are accounted for here, not one by one. */
    SINK_FLUSH,
    CHECKPOINT,
    JOB_START,
    JOB_STOP
}
