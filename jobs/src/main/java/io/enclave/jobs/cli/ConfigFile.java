package io.enclave.jobs.cli;

import io.enclave.config.ConfigException;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Loads a config for a command, printing every problem instead of a stack trace. */
final class ConfigFile {
    private ConfigFile() {}

    static Optional<EnclaveConfig> load(Path file, PrintWriter err) {
        try {
            return Optional.of(TenantConfigLoader.load(file));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return Optional.empty();
        }
    }
}
