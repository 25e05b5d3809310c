package io.enclave.deploy;

import io.enclave.config.ConfigException;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Loads the config for a local command and picks the tenants it names, printing problems instead of traces. */
final class LocalConfig {
    private LocalConfig() {}

    static Optional<EnclaveConfig> load(Path file, PrintWriter err) {
        try {
            return Optional.of(TenantConfigLoader.load(file));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Optional.empty();
        }
    }

    /** The tenant named by {@code --tenant}, or every tenant when none is named. */
    static Optional<List<TenantConfig>> select(EnclaveConfig config, String tenantId, PrintWriter err) {
        if (tenantId == null) {
            return Optional.of(List.copyOf(config.tenants()));
        }
        try {
            return Optional.of(List.of(config.tenant(tenantId)));
        } catch (NoSuchElementException e) {
            err.println(e.getMessage());
            return Optional.empty();
        }
    }
}
