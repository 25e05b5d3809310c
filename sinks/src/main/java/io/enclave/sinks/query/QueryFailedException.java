package io.enclave.sinks.query;

import io.enclave.operators.audit.AuditOutcome;

/**
 * A query the database did not run: refused by its grants ({@link AuditOutcome#DENIED}) or
 * failed (a syntax error, a second statement, an unknown table, the timeout). It was audited
 * before this was thrown; the message is the database's own.
 */
public final class QueryFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient QueryAudit audit;

    public QueryFailedException(String message, QueryAudit audit, Throwable cause) {
        super(message, cause);
        this.audit = audit;
    }

    public QueryAudit audit() {
        return audit;
    }

    public boolean denied() {
        return audit.outcome() == AuditOutcome.DENIED;
    }
}
