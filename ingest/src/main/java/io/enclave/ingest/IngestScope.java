package io.enclave.ingest;

import io.enclave.config.StateScope;
import io.enclave.config.TenantConfig;
import java.util.Set;
import java.util.TreeSet;

/**
 * The states a tenant's ingest job may ask each API for, and the test every returned record
 * must pass. Least privilege: OpenFEMA is asked for {@code allowed_states} only; NWS for
 * {@code noaa_scope} narrowed to {@code allowed_states}, because pulling alerts the tenant may
 * not receive would only have them rejected downstream.
 */
public final class IngestScope {
    private IngestScope() {}

    public static StateScope forApi(TenantConfig tenant, UpstreamApi api) {
        StateScope allowed = tenant.dataRestrictions().allowedStates();
        return api == UpstreamApi.OPENFEMA
                ? allowed
                : intersect(tenant.apiAccess().noaaScope(), allowed);
    }

    static StateScope intersect(StateScope a, StateScope b) {
        if (a.isAll()) {
            return b;
        }
        if (b.isAll()) {
            return a;
        }
        Set<String> both = new TreeSet<>(a.codes());
        both.retainAll(b.codes());
        return StateScope.of(both);
    }

    /**
     * Whether a record about {@code states} is in scope: one of them must be allowed, and a
     * record naming no state at all (marine zones) is in scope only of an {@code ALL} scope,
     * the same rule the processing job's guard applies.
     */
    public static boolean allows(StateScope scope, String[] states) {
        if (states == null || states.length == 0) {
            return scope.isAll();
        }
        for (String state : states) {
            if (scope.allows(state)) {
                return true;
            }
        }
        return false;
    }
}
