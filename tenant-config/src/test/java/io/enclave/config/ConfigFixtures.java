package io.enclave.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared inputs and helpers for the loader tests. */
final class ConfigFixtures {
    /** A config with one valid tenant and nothing optional; tests append to or edit it. */
    static final String MINIMAL = """
            global:
              kafka: {bootstrap_servers: "localhost:9092"}
              database: {jdbc_url: "jdbc:mysql://localhost:9030"}
            tenants:
              colorado_state:
                organization: Colorado Division of Homeland Security and Emergency Management
                classification_level: RESTRICTED
                database:
                  schema: colorado_emergency
                  user: colorado_writer
                  encryption_key: colorado_state_key_v1
                data_restrictions:
                  allowed_states: [CO]
                  allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]
                keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: colorado-keystore-password}
            """;

    private ConfigFixtures() {}

    static Path examples() {
        // Surefire runs in the module directory.
        return Paths.get("examples");
    }

    static Path invalid(String name) {
        try {
            return Paths.get(
                    ConfigFixtures.class.getResource("/invalid/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static EnclaveConfig parse(String yaml) {
        return TenantConfigLoader.parse(yaml, "test.yaml", Map.of());
    }

    static EnclaveConfig parse(String yaml, Map<String, String> env) {
        return TenantConfigLoader.parse(yaml, "test.yaml", env);
    }

    /** The exception a config that must fail throws. */
    static ConfigException failure(ThrowingCallable load) {
        Throwable thrown = catchThrowable(load);
        assertThat(thrown).isInstanceOf(ConfigException.class);
        return (ConfigException) thrown;
    }

    /** The problems of a config that must fail, each as its user-facing line. */
    static List<String> problems(String yaml, Map<String, String> env) {
        return lines(failure(() -> TenantConfigLoader.parse(yaml, "test.yaml", env)));
    }

    /** The problems of YAML text whose relative paths start at {@code baseDirectory}, as a file's would. */
    static List<String> problems(String yaml, Map<String, String> env, Path baseDirectory) {
        return lines(failure(
                () -> TenantConfigLoader.parse(yaml, "test.yaml", env, DevMode.fromEnvironment(), baseDirectory)));
    }

    static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    static List<String> problems(Path file, Map<String, String> env) {
        return lines(failure(() -> TenantConfigLoader.load(file, env)));
    }

    static List<String> lines(ConfigException e) {
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
