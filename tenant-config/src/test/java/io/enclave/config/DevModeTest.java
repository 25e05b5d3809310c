package io.enclave.config;

import static io.enclave.config.ConfigFixtures.examples;
import static io.enclave.config.ConfigFixtures.failure;
import static io.enclave.config.ConfigFixtures.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Outside development mode the loader refuses what only a developer's machine may run with:
 * the examples' dev-only secrets, short passwords, Kafka without TLS, and, in every mode, an
 * empty key store password. Each test states the mode itself instead of inheriting the build's
 * {@code ENCLAVE_DEV=1}.
 */
class DevModeTest {
    private static final Path EXAMPLE = examples().resolve("tenants.yaml");
    /** The example's relative key store paths start here, as they do when the file itself is loaded. */
    private static final Path BASE = EXAMPLE.toAbsolutePath().getParent();
    private static final String HOW = " (ENCLAVE_DEV=1 or --dev)";

    /** Every secret of the example from the environment, each long enough, and Kafka over SASL_SSL. */
    private static Map<String, String> productionEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        for (String tenant : List.of("COLORADO", "FEDERAL_DHS", "TEXAS", "FEMA_REGION_4")) {
            env.put(tenant + "_KEYSTORE_PASSWORD", "Kq7-" + tenant.toLowerCase() + "-keystore-passphrase");
            env.put(tenant + "_DB_PASSWORD", "Kq7-" + tenant.toLowerCase() + "-database-password");
            env.put(tenant + "_KAFKA_PASSWORD", "Kq7-" + tenant.toLowerCase() + "-kafka-password");
        }
        for (String tenant : List.of("COLORADO_STATE", "FEDERAL_DHS", "TEXAS_STATE", "FEMA_REGION_4")) {
            env.put(tenant + "_PUBLISHER_PASSWORD", "Kq7-" + tenant.toLowerCase() + "-publisher-password");
        }
        return env;
    }

    @Test
    void theExampleIsRefusedOutsideDevelopmentModeNamingEachFieldAndLine() {
        ConfigException e = failure(() -> TenantConfigLoader.load(EXAMPLE, Map.of(), DevMode.OFF));

        List<String> problems = lines(e);
        assertThat(problems).startsWith(
                "global.kafka.security_protocol: 'PLAINTEXT' is refused outside development mode; use SASL_SSL"
                        + " (SASL over TLS), or turn on development mode" + HOW + " (line 9)",
                "tenants.colorado_state.keystore.password: is a development default (dev-only-...);"
                        + " set a real secret, or turn on development mode" + HOW + " (line 29)",
                "tenants.colorado_state.database.password: is a development default (dev-only-...);"
                        + " set a real secret, or turn on development mode" + HOW + " (line 34)",
                "tenants.colorado_state.kafka.password: is a development default (dev-only-...);"
                        + " set a real secret, or turn on development mode" + HOW + " (line 39)",
                "tenants.colorado_state.kafka.publisher_password: is a development default (dev-only-...);"
                        + " set a real secret, or turn on development mode" + HOW + " (line 41)");
        // 1 protocol + 4 secrets (key store, database, job and publisher) for each of the 4 tenants.
        assertThat(problems).hasSize(17);
        assertThat(e.getMessage()).doesNotContain("dev-only-colorado", "dev-only-texas-state-keystore");
    }

    @Test
    void theExampleLoadsInDevelopmentMode() {
        EnclaveConfig config = TenantConfigLoader.load(EXAMPLE, Map.of(), DevMode.ON);

        assertThat(config.tenants()).hasSize(4);
        assertThat(config.global().kafkaSecurityProtocol()).isEqualTo("PLAINTEXT");
    }

    @Test
    void theExampleWithStrongSecretsFromTheEnvironmentAndSaslSslLoads() {
        EnclaveConfig config = TenantConfigLoader.load(EXAMPLE, productionEnvironment(), DevMode.OFF);

        assertThat(config.global().kafkaSecurityProtocol()).isEqualTo("SASL_SSL");
        assertThat(config.tenant("texas_state").database().password().reveal())
                .isEqualTo("Kq7-texas-database-password");
    }

    @Test
    void shortSecretsAreRefusedOutsideDevelopmentModeWithoutShowingThem() {
        Map<String, String> env = productionEnvironment();
        env.put("TEXAS_DB_PASSWORD", "Tx-short-pw-15c");
        env.put("COLORADO_FEMA_KEY", "short-key");

        ConfigException e = failure(() -> TenantConfigLoader.load(EXAMPLE, env, DevMode.OFF));

        assertThat(lines(e)).containsExactly(
                "tenants.colorado_state.api_access.fema_api_key: is shorter than 16 characters; set a stronger"
                        + " secret, or turn on development mode" + HOW + " (line 44)",
                "tenants.texas_state.database.password: is shorter than 16 characters; set a stronger secret,"
                        + " or turn on development mode" + HOW + " (line 136)");
        assertThat(e.getMessage()).doesNotContain("Tx-short-pw-15c", "short-key");
        assertThat(TenantConfigLoader.load(EXAMPLE, env, DevMode.ON).tenant("texas_state").database().password()
                .reveal()).isEqualTo("Tx-short-pw-15c");
    }

    @Test
    void kafkaWithoutTlsIsRefusedOutsideDevelopmentMode() {
        Map<String, String> env = productionEnvironment();
        for (String protocol : List.of("SASL_PLAINTEXT", "SSL")) {
            env.put("KAFKA_SECURITY_PROTOCOL", protocol);
            assertThat(lines(failure(() -> TenantConfigLoader.load(EXAMPLE, env, DevMode.OFF)))).containsExactly(
                    "global.kafka.security_protocol: '" + protocol + "' is refused outside development mode;"
                            + " use SASL_SSL (SASL over TLS), or turn on development mode" + HOW + " (line 9)");
        }
        String noProtocol = read().replace("    security_protocol: ${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}\n", "");
        assertThat(lines(failure(() -> TenantConfigLoader.parse(noProtocol, "t.yaml", env, DevMode.OFF, BASE))))
                .containsExactly("global.kafka.security_protocol: is required outside development mode and must be"
                        + " SASL_SSL; without it Kafka runs PLAINTEXT (line 7)");
    }

    @Test
    void missingPasswordsAreRequiredOutsideDevelopmentMode() {
        String yaml = read().replace("      password: ${TEXAS_DB_PASSWORD:-dev-only-texas-db}\n", "")
                .replace("${TEXAS_KAFKA_PASSWORD:-dev-only-texas-kafka}", "\"\"");

        assertThat(lines(failure(() -> TenantConfigLoader.parse(yaml, "t.yaml", productionEnvironment(),
                DevMode.OFF, BASE)))).containsExactly(
                "tenants.texas_state.database.password: is required outside development mode; set it, for example"
                        + " from ${VAR}, or turn on development mode" + HOW + " (line 133)",
                "tenants.texas_state.kafka.password: is required outside development mode; set it, for example"
                        + " from ${VAR}, or turn on development mode" + HOW + " (line 140)");
        assertThat(TenantConfigLoader.parse(yaml, "t.yaml", Map.of(), DevMode.ON, BASE).tenant("texas_state")
                .database().password().isEmpty()).isTrue();
    }

    @Test
    void anEmptyKeyStorePasswordIsRefusedEvenInDevelopmentMode() {
        Map<String, String> env = Map.of("TEXAS_KEYSTORE_PASSWORD", "");
        String given = read().replace("${TEXAS_KEYSTORE_PASSWORD:-dev-only-texas-state-keystore}",
                "${TEXAS_KEYSTORE_PASSWORD}");
        String missing = read().replace("      password: ${TEXAS_KEYSTORE_PASSWORD:-dev-only-texas-state-keystore}\n", "");

        for (String yaml : List.of(given, missing)) {
            assertThat(lines(failure(() -> TenantConfigLoader.parse(yaml, "t.yaml", env, DevMode.ON, BASE))))
                    .containsExactly("tenants.texas_state.keystore.password: must not be empty, not even in"
                            + " development mode: it guards every key in the store ("
                            + (yaml == given ? "line 131" : "line 129") + ")");
        }
    }

    @Test
    void developmentModeIsOnOnlyForEnclaveDevOne() {
        assertThat(DevMode.fromEnvironment(Map.of("ENCLAVE_DEV", "1"))).isEqualTo(DevMode.ON);
        for (String other : List.of("0", "true", "yes", "")) {
            assertThat(DevMode.fromEnvironment(Map.of("ENCLAVE_DEV", other))).isEqualTo(DevMode.OFF);
        }
        assertThat(DevMode.fromEnvironment(Map.of())).isEqualTo(DevMode.OFF);
    }

    private static String read() {
        try {
            return java.nio.file.Files.readString(EXAMPLE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
