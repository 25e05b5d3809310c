package io.enclave.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** The tenant's upstream API credentials, geographic scope and call rate limits. */
public record ApiAccess(
        Secret femaApiKey, StateScope noaaScope, Map<String, RateLimit> rateLimits, List<String> additionalApis)
        implements Serializable {
    public ApiAccess {
        rateLimits = Map.copyOf(rateLimits);
        additionalApis = List.copyOf(additionalApis);
    }
}
