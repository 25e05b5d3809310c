package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code -c/--config FILE}, the tenant config every command that reads one takes under the same
 * name, defaulting to {@code $ENCLAVE_CONFIG}. Paths in the file resolve against its directory.
 */
public final class ConfigOption {
    /** The environment variable a config file defaults from. */
    public static final String ENVIRONMENT = "ENCLAVE_CONFIG";

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "${env:" + ENVIRONMENT + "}",
            description = "Tenant config YAML (default: $" + ENVIRONMENT + "); relative paths in it, such as a"
                    + " tenant's key store, are relative to this file.")
    Path file;

    /** The file given, or a usage error (exit 2) when neither the option nor the environment names one. */
    public Path file() {
        if (file == null) {
            throw new UsageException("no tenant config given: pass -c/--config FILE or set " + ENVIRONMENT);
        }
        return file;
    }

    /** The file given, else {@code fallback} (the demo's bundled example). */
    public Path fileOr(Path fallback) {
        return file != null ? file : fallback;
    }

    /** The config, in the command's development mode; every problem printed and empty when it is invalid. */
    Optional<EnclaveConfig> load(CommandSpec command) {
        return ConfigFile.load(file(), command);
    }
}
