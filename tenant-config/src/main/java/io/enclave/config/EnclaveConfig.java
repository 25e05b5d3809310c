package io.enclave.config;

import java.io.Serializable;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/** The whole validated config file: global settings and every tenant, in file order. */
public final class EnclaveConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final GlobalSettings global;
    private final Map<String, TenantConfig> tenants;

    public EnclaveConfig(GlobalSettings global, Collection<TenantConfig> tenants) {
        this.global = global;
        Map<String, TenantConfig> byId = new LinkedHashMap<>();
        tenants.forEach(t -> byId.put(t.id(), t));
        this.tenants = Collections.unmodifiableMap(byId);
    }

    public GlobalSettings global() {
        return global;
    }

    public Collection<TenantConfig> tenants() {
        return tenants.values();
    }

    public TenantConfig tenant(String id) {
        TenantConfig tenant = tenants.get(id);
        if (tenant == null) {
            throw new NoSuchElementException(
                    "no tenant '" + id + "' in the config; known tenants: " + String.join(", ", tenants.keySet()));
        }
        return tenant;
    }

    /**
     * The config a single tenant's job is given: the global settings and that tenant alone,
     * so the job never holds another tenant's secrets.
     */
    public EnclaveConfig sliceFor(String id) {
        return new EnclaveConfig(global, java.util.List.of(tenant(id)));
    }

    @Override
    public String toString() {
        return "EnclaveConfig{tenants=" + tenants.keySet() + "}";
    }
}
