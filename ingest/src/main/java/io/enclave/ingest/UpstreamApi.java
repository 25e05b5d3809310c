package io.enclave.ingest;

import io.enclave.config.StreamKind;

/**
 * The upstream APIs a tenant's ingest job polls: the name operators and auditors see, the key
 * its limit has under {@code api_access.rate_limits}, and the tenant stream its records feed.
 */
public enum UpstreamApi {
    OPENFEMA("openfema", "OpenFEMA", "fema", StreamKind.DISASTERS),
    NWS("nws", "NWS", "noaa", StreamKind.WEATHER);

    private final String id;
    private final String displayName;
    private final String rateLimitKey;
    private final StreamKind stream;

    UpstreamApi(String id, String displayName, String rateLimitKey, StreamKind stream) {
        this.id = id;
        this.displayName = displayName;
        this.rateLimitKey = rateLimitKey;
        this.stream = stream;
    }

    /** Lower-case id used in operator names, uids and audit records, e.g. {@code openfema}. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    /** The key of this API's limit in {@code api_access.rate_limits} ({@code fema: 1000/hour}). */
    public String rateLimitKey() {
        return rateLimitKey;
    }

    public StreamKind stream() {
        return stream;
    }

    /** What audit records name as the source of a record pulled from this API. */
    public String auditSource() {
        return "api:" + id;
    }
}
