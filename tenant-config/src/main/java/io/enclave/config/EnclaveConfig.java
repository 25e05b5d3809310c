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
    /** {@code global.audit.auditor}: never in a tenant's slice, so no job holds its password. */
    private final KafkaCredentials auditor;

    public EnclaveConfig(GlobalSettings global, Collection<TenantConfig> tenants) {
        this(global, tenants, KafkaCredentials.NONE);
    }

    /** With the read-only Kafka principal of {@code audit verify --siem} ({@link KafkaCredentials#NONE}: none). */
    public EnclaveConfig(GlobalSettings global, Collection<TenantConfig> tenants, KafkaCredentials auditor) {
        this.auditor = java.util.Objects.requireNonNull(auditor, "auditor");
        this.global = global;
        Map<String, TenantConfig> byId = new LinkedHashMap<>();
        tenants.forEach(t -> byId.put(t.id(), t));
        this.tenants = Collections.unmodifiableMap(byId);
    }

    public GlobalSettings global() {
        return global;
    }

    /** The auditor's Kafka principal, which reads the SIEM topic only; {@link KafkaCredentials#NONE} when not set. */
    public KafkaCredentials auditor() {
        return auditor;
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
