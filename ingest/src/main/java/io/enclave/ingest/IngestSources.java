package io.enclave.ingest;

import io.enclave.config.GlobalSettings;
import io.enclave.config.Secret;
import io.enclave.config.StateScope;
import io.enclave.config.TenantConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The polling sources of one tenant, one per API: OpenFEMA with the tenant's FEMA key, and NWS
 * with the User-Agent it requires (NWS takes no key, so the FEMA key is never sent there). An
 * API whose scope is empty (NWS when {@code noaa_scope} and {@code allowed_states} share no
 * state) gets no source, since any request would ask for something outside the scope.
 */
public final class IngestSources {
    private IngestSources() {}

    public static List<ApiPollingSource> forTenant(GlobalSettings global, TenantConfig tenant, IngestOptions options) {
        List<ApiPollingSource> sources = new ArrayList<>();
        for (UpstreamApi api : apis(tenant)) {
            StateScope scope = IngestScope.forApi(tenant, api);
            String baseUrl = api == UpstreamApi.OPENFEMA
                    ? global.apis().openFemaBaseUrl()
                    : global.apis().nwsBaseUrl();
            Secret key = api == UpstreamApi.OPENFEMA ? tenant.apiAccess().femaApiKey() : Secret.of("");
            sources.add(new ApiPollingSource(new ApiSourceConfig(
                    tenant.id(),
                    api,
                    baseUrl,
                    global.apis().nwsUserAgent(),
                    key,
                    scope,
                    tenant.apiAccess().rateLimits().get(api.rateLimitKey()),
                    options)));
        }
        return sources;
    }

    /**
     * The APIs the tenant's ingest job polls: those whose scope holds a state. Empty means the
     * tenant has no ingest job to run, and {@code render k8s} renders none for it.
     */
    public static List<UpstreamApi> apis(TenantConfig tenant) {
        List<UpstreamApi> apis = new ArrayList<>();
        for (UpstreamApi api : UpstreamApi.values()) {
            StateScope scope = IngestScope.forApi(tenant, api);
            if (scope.isAll() || !scope.codes().isEmpty()) {
                apis.add(api);
            }
        }
        return apis;
    }
}
