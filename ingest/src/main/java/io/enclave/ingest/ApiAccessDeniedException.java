package io.enclave.ingest;

import org.apache.flink.runtime.throwable.ThrowableAnnotation;
import org.apache.flink.runtime.throwable.ThrowableType;

/**
 * The API refused the tenant's credentials (401 or 403). Retrying cannot help, so the job
 * fails for good instead of restarting into the same refusal; the message names the tenant
 * and the API so operators know whose key to fix, and never the key itself.
 */
@ThrowableAnnotation(ThrowableType.NonRecoverableError)
public final class ApiAccessDeniedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ApiAccessDeniedException(ApiSourceConfig config, int status) {
        super(config.describe() + ": the API answered HTTP " + status
                + (status == 401 ? " Unauthorized" : " Forbidden")
                + "; check the tenant's "
                + (config.api() == UpstreamApi.OPENFEMA
                        ? "api_access.fema_api_key"
                        : "access to this API (nws_user_agent)")
                + ". The job stops instead of retrying.");
    }
}
