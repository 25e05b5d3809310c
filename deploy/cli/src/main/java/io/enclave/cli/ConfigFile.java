package io.enclave.cli;

import io.enclave.config.ConfigException;
import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfigLoader;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Loads a config for a command, in the command's development mode, printing every problem
 * instead of a stack trace.
 */
final class ConfigFile {
    private ConfigFile() {}

    static Optional<EnclaveConfig> load(Path file, CommandSpec command) {
        return load(file, command, EnclaveCli.devMode(command));
    }

    static Optional<EnclaveConfig> load(Path file, CommandSpec command, DevMode devMode) {
        try {
            return Optional.of(TenantConfigLoader.load(file, devMode));
        } catch (ConfigException e) {
            command.commandLine().getErr().println(e.getMessage());
            return Optional.empty();
        }
    }
}
