package io.enclave.cli.local;

import io.enclave.cli.EnclaveCli;
import io.enclave.config.ConfigException;
import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/** Loads the config for a local command and picks the tenants it names, printing problems instead of traces. */
final class LocalConfig {
    private LocalConfig() {}

    /**
     * Loads in the command's development mode, which deploy/local's scripts turn on
     * (ENCLAVE_DEV=1) and {@code --dev} turns on too, and says so on stderr, whose stdout other
     * scripts read.
     */
    static Optional<EnclaveConfig> load(Path file, CommandSpec command) {
        PrintWriter err = command.commandLine().getErr();
        DevMode devMode = EnclaveCli.devMode(command);
        if (devMode.on()) {
            err.println("enclave local: " + DevMode.NOTICE + " (ENCLAVE_DEV=1 or --dev)");
            err.flush();
        }
        try {
            return Optional.of(TenantConfigLoader.load(file, devMode));
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
