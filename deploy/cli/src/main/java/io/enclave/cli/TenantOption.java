package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code -t/--tenant ID}, under the same name on every command that acts for one tenant. Commands
 * that act on all tenants by default take it as a filter ({@link #selected}); the others require it
 * ({@link #of}). An id the config does not hold is a usage error naming the config file.
 */
public final class TenantOption {
    @Option(
            names = {"-t", "--tenant"},
            paramLabel = "ID",
            description = "Tenant id.")
    String id;

    /** The id given, or empty when the option was left out. */
    public Optional<String> id() {
        return Optional.ofNullable(id);
    }

    /** The tenant given, which the command needs: a usage error when it is missing or not in the config. */
    public TenantConfig of(EnclaveConfig config, ConfigOption file) {
        if (id == null) {
            throw new UsageException("Missing required option: '--tenant=ID'");
        }
        return find(config, id, file.file());
    }

    /** The tenant given, or every tenant of the config when none is. */
    public List<TenantConfig> selected(EnclaveConfig config, ConfigOption file) {
        return id == null ? List.copyOf(config.tenants()) : List.of(find(config, id, file.file()));
    }

    /** The tenant {@code id} of the config, or a usage error that names the config file and its tenants. */
    static TenantConfig find(EnclaveConfig config, String tenantId, Path file) {
        if (config.tenants().stream().noneMatch(t -> t.id().equals(tenantId))) {
            throw new UsageException("no tenant '" + tenantId + "' in " + file + "; its tenants are "
                    + String.join(
                            ", ",
                            config.tenants().stream().map(TenantConfig::id).toList()));
        }
        return config.tenant(tenantId);
    }
}
