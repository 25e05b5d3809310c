package io.enclave.operators.audit;

/** The result of an audited action. */
public enum AuditOutcome {
    SUCCESS,
    DENIED,
    FAILED
}
