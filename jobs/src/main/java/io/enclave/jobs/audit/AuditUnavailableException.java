package io.enclave.jobs.audit;

/** A record could not be submitted to the tenant's audit chain; the message says why and where. */
public class AuditUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
