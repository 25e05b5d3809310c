package io.enclave.config;

import java.nio.file.Path;

/**
 * The directory an Enclave installation keeps its local files under, defined once: the
 * {@code enclave.home} system property ({@code ./enclave} passes its own checkout), else the
 * {@code ENCLAVE_HOME} environment variable (deploy/local exports it), else the working directory,
 * where the relative defaults such as {@code .enclave/keystore.bcfks} also resolve. Tenants'
 * default checkpoint and savepoint directories are {@code <home>/.enclave/state/<tenant>/...},
 * beside the key store and the local run directory, never under a world-writable {@code /tmp}.
 */
public final class EnclaveHome {
    public static final String PROPERTY = "enclave.home";
    public static final String ENVIRONMENT_VARIABLE = "ENCLAVE_HOME";

    private EnclaveHome() {}

    /** The home of this process, absolute. */
    public static Path resolve() {
        return resolve(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT_VARIABLE));
    }

    /** The home from the property's and the variable's values, either of which may be null or blank. */
    static Path resolve(String property, String environment) {
        String chosen = property != null && !property.isBlank()
                ? property
                : environment != null && !environment.isBlank() ? environment : "";
        return Path.of(chosen).toAbsolutePath().normalize();
    }

    /** Where one tenant's Flink state lives by default: its checkpoints and savepoints, apart from other tenants'. */
    public static Path stateDirectory(Path home, String tenantId) {
        return home.resolve(".enclave").resolve("state").resolve(tenantId);
    }
}
