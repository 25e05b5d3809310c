package io.enclave.cli.provision;

import java.util.Objects;

/**
 * One resource of one tenant as provisioning sees it: where it lives (layer), what it is,
 * how it differs from the config, and the change that brings it in line. Details name
 * resources and settings only, never a password.
 *
 * @param tenant the tenant id, or {@code *} for cluster-wide findings
 * @param layer {@code kafka} or {@code database}
 * @param resource what it is, e.g. {@code topic tenant_a_disasters} or {@code acl User:x READ TOPIC tenant_a_*}
 * @param drift how it compares with the config
 * @param detail what differs, in words
 * @param fix the change that reconciles it; {@code null} exactly when nothing is to be done automatically
 */
public record Finding(String tenant, String layer, String resource, Drift drift, String detail, Fix fix) {

    /** The change that makes one resource match the config. */
    @FunctionalInterface
    public interface Fix {
        void apply() throws Exception;
    }

    public Finding {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(drift, "drift");
        detail = detail == null ? "" : detail;
        boolean fixable = drift == Drift.MISSING || drift == Drift.DIFFERS || drift == Drift.EXTRA;
        if (fixable != (fix != null)) {
            throw new IllegalArgumentException(
                    drift + " findings " + (fixable ? "need" : "take no") + " fix: " + resource);
        }
    }

    public static Finding inSync(String tenant, String layer, String resource, String detail) {
        return new Finding(tenant, layer, resource, Drift.IN_SYNC, detail, null);
    }

    public static Finding unexpected(String tenant, String layer, String resource, String detail) {
        return new Finding(tenant, layer, resource, Drift.UNEXPECTED, detail, null);
    }
}
