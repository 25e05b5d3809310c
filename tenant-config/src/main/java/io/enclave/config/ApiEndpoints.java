package io.enclave.config;

import java.io.Serializable;

/** Base URLs of the upstream APIs the ingestion jobs poll, and the User-Agent NWS requires. */
public record ApiEndpoints(String openFemaBaseUrl, String nwsBaseUrl, String nwsUserAgent) implements Serializable {
    public static final ApiEndpoints DEFAULT =
            new ApiEndpoints("https://www.fema.gov/api/open", "https://api.weather.gov", "(enclave, ops@example.gov)");
}
