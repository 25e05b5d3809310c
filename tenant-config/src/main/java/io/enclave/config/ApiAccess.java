package io.enclave.config;

import java.io.Serializable;
import java.util.Map;

/**
 * The tenant's upstream API credentials, geographic scope and call rate limits, for the two APIs
 * its ingest job polls: OpenFEMA (rate limit {@code fema}) and NWS ({@code noaa}).
 */
public record ApiAccess(Secret femaApiKey, StateScope noaaScope, Map<String, RateLimit> rateLimits)
        implements Serializable {
    /** The rate-limit keys of the APIs the ingest job polls; a limit for any other name would do nothing. */
    public static final java.util.List<String> POLLED_APIS = java.util.List.of("fema", "noaa");

    public ApiAccess {
        rateLimits = Map.copyOf(rateLimits);
    }
}
