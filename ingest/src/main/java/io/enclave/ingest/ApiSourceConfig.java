package io.enclave.ingest;

import io.enclave.config.RateLimit;
import io.enclave.config.Secret;
import io.enclave.config.StateScope;
import java.io.Serializable;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one polling source needs about its tenant and API: where the API is, the key and
 * User-Agent it is called with, the states it may ask for, and the tenant's limit. The key stays
 * a {@link Secret}, so this object prints without it.
 */
public final class ApiSourceConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final UpstreamApi api;
    private final String baseUrl;
    private final String userAgent;
    private final Secret apiKey;
    private final StateScope scope;
    private final RateLimit rateLimit;
    private final IngestOptions options;

    public ApiSourceConfig(
            String tenantId,
            UpstreamApi api,
            String baseUrl,
            String userAgent,
            Secret apiKey,
            StateScope scope,
            RateLimit rateLimit,
            IngestOptions options) {
        this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
        this.api = Objects.requireNonNull(api, "api");
        // One trailing slash or none: paths are appended to it.
        String base = Objects.requireNonNull(baseUrl, "baseUrl");
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.rateLimit = rateLimit;
        this.options = Objects.requireNonNull(options, "options");
    }

    public String tenantId() {
        return tenantId;
    }

    public UpstreamApi api() {
        return api;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String userAgent() {
        return userAgent;
    }

    Secret apiKey() {
        return apiKey;
    }

    /** The states this source may ask for and deliver. */
    public StateScope scope() {
        return scope;
    }

    /** The tenant's limit for this API; empty when the config sets none. */
    public Optional<RateLimit> rateLimit() {
        return Optional.ofNullable(rateLimit);
    }

    public IngestOptions options() {
        return options;
    }

    /** How messages name this source: tenant and API, never the key. */
    public String describe() {
        return "tenant " + tenantId + ", API " + api.displayName();
    }

    @Override
    public String toString() {
        return "ApiSourceConfig{" + describe() + " " + baseUrl + " scope=" + scope + " limit="
                + (rateLimit == null ? "none" : rateLimit) + " key=" + apiKey + "}";
    }
}
