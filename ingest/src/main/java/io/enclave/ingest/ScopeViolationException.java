package io.enclave.ingest;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * Following the upstream would mean asking for data outside the tenant's scope (a next-page
 * link to another host or area). The job stops rather than widen the scope or skip the rest.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class ScopeViolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScopeViolationException(String message) {
        super(message);
    }
}
