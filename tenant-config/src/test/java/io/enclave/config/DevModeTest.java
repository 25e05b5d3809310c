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
            for (String role : List.of("JOB", "INGEST", "CLI")) {
                env.put(
                        tenant + "_" + role + "_SIGNING_PASSWORD",
                        "Kq7-" + tenant.toLowerCase() + "-" + role + "-signing");
            }
        }
        // fema_region_4's two readers (enclave query).
        env.put("FEMA_REGION_4_ANALYST_DB_PASSWORD", "Kq7-fema_region_4-analyst-password");
        env.put("FEMA_REGION_4_VIEWER_DB_PASSWORD", "Kq7-fema_region_4-viewer-password");
        return env;
    }

    @Test
    void theExampleIsRefusedOutsideDevelopmentModeNamingEachFieldAndLine() {
        ConfigException e = failure(() -> TenantConfigLoader.load(EXAMPLE, Map.of(), DevMode.OFF));

        List<String> problems = lines(e);
        assertThat(problems)
                .startsWith(
                        "global.kafka.security_protocol: 'PLAINTEXT' is refused outside development mode; use SASL_SSL"
                                + " (SASL over TLS), or turn on development mode" + HOW + " (line 9)",
                        "tenants.colorado_state.keystore.password: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 29)",
                        "tenants.colorado_state.keystore.signing_passwords.job: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 34)",
                        "tenants.colorado_state.keystore.signing_passwords.ingest: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 35)",
                        "tenants.colorado_state.keystore.signing_passwords.cli: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 36)",
                        "tenants.colorado_state.database.password: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 40)",
                        "tenants.colorado_state.kafka.password: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 45)",
                        "tenants.colorado_state.kafka.publisher_password: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 47)");
        // 1 protocol + 7 secrets (key store, 3 signing stores, database, job, publisher) for each of 4 tenants,
        // + fema_region_4's two readers.
        assertThat(problems).hasSize(31);
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

        assertThat(lines(e))
                .containsExactly(
                        "tenants.colorado_state.api_access.fema_api_key: is shorter than 16 characters; set a stronger"
                                + " secret, or turn on development mode" + HOW + " (line 50)",
                        "tenants.texas_state.database.password: is shorter than 16 characters; set a stronger secret,"
                                + " or turn on development mode" + HOW + " (line 150)");
        assertThat(e.getMessage()).doesNotContain("Tx-short-pw-15c", "short-key");
        assertThat(TenantConfigLoader.load(EXAMPLE, env, DevMode.ON)
                        .tenant("texas_state")
                        .database()
                        .password()
                        .reveal())
                .isEqualTo("Tx-short-pw-15c");
    }

    @Test
    void kafkaWithoutTlsIsRefusedOutsideDevelopmentMode() {
        Map<String, String> env = productionEnvironment();
        for (String protocol : List.of("SASL_PLAINTEXT", "SSL")) {
            env.put("KAFKA_SECURITY_PROTOCOL", protocol);
            assertThat(lines(failure(() -> TenantConfigLoader.load(EXAMPLE, env, DevMode.OFF))))
                    .containsExactly(
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

        assertThat(lines(failure(
                        () -> TenantConfigLoader.parse(yaml, "t.yaml", productionEnvironment(), DevMode.OFF, BASE))))
                .containsExactly(
                        "tenants.texas_state.database.password: is required outside development mode; set it, for example"
                                + " from ${VAR}, or turn on development mode" + HOW + " (line 147)",
                        "tenants.texas_state.kafka.password: is required outside development mode; set it, for example"
                                + " from ${VAR}, or turn on development mode" + HOW + " (line 154)");
        assertThat(TenantConfigLoader.parse(yaml, "t.yaml", Map.of(), DevMode.ON, BASE)
                        .tenant("texas_state")
                        .database()
                        .password()
                        .isEmpty())
                .isTrue();
    }

    @Test
    void anEmptyKeyStorePasswordIsRefusedEvenInDevelopmentMode() {
        Map<String, String> env = Map.of("TEXAS_KEYSTORE_PASSWORD", "");
        String given = read().replace(
                        "${TEXAS_KEYSTORE_PASSWORD:-dev-only-texas-state-keystore}", "${TEXAS_KEYSTORE_PASSWORD}");
        String missing =
                read().replace("      password: ${TEXAS_KEYSTORE_PASSWORD:-dev-only-texas-state-keystore}\n", "");

        for (String yaml : List.of(given, missing)) {
            assertThat(lines(failure(() -> TenantConfigLoader.parse(yaml, "t.yaml", env, DevMode.ON, BASE))))
                    .containsExactly("tenants.texas_state.keystore.password: must not be empty, not even in"
                            + " development mode: it guards every key in the store ("
                            + (yaml == given ? "line 141" : "line 139") + ")");
        }
    }

    @Test
    void clientPropertiesThatLoadClassesOrWeakenTlsAreRefusedOutsideDevelopmentMode() {
        String yaml = read().replace("    client_properties: {}\n", """
                    client_properties:
                      ssl.endpoint.identification.algorithm: ""
                      ssl.enabled.protocols: TLSv1.3,TLSv1
                      ssl.protocol: TLSv1.1
                      sasl.client.callback.handler.class: org.example.AcceptAnyServer
                      interceptor.classes: org.example.CopyEveryRecord
                      metric.reporters: org.example.Reporter
                      ssl.truststore.type: PEM
                """);
        String prefix = "global.kafka.client_properties";
        String how = "; or turn on development mode" + HOW;

        assertThat(lines(failure(
                        () -> TenantConfigLoader.parse(yaml, "t.yaml", productionEnvironment(), DevMode.OFF, BASE))))
                .containsExactly(
                        prefix + "['ssl.endpoint.identification.algorithm']: '' must be https outside development mode:"
                                + " anything else, an empty value too, lets the client accept a certificate issued to"
                                + " another host" + how + " (line 12)",
                        prefix + "['ssl.enabled.protocols']: 'TLSv1.3,TLSv1' is refused outside development mode: only"
                                + " TLSv1.2 and TLSv1.3 may be named, not TLSv1" + how + " (line 13)",
                        prefix + "['ssl.protocol']: 'TLSv1.1' is refused outside development mode: only TLSv1.2 and"
                                + " TLSv1.3 may be named, not TLSv1.1" + how + " (line 14)",
                        prefix
                                + "['sasl.client.callback.handler.class']: 'sasl.client.callback.handler.class' is refused"
                                + " outside development mode: it loads a class into every tenant's Kafka client, which can"
                                + " replace its login or its TLS checks" + how + " (line 15)",
                        prefix
                                + "['interceptor.classes']: 'interceptor.classes' is refused outside development mode: it"
                                + " loads a class into every tenant's Kafka client, which can replace its login or its TLS"
                                + " checks" + how + " (line 16)",
                        prefix
                                + "['metric.reporters']: 'metric.reporters' is refused outside development mode: it loads a"
                                + " class into every tenant's Kafka client, which can replace its login or its TLS checks"
                                + how + " (line 17)");

        // A developer's machine may still run against a broker with a self-signed, host-less certificate.
        assertThat(TenantConfigLoader.parse(yaml, "t.yaml", Map.of(), DevMode.ON, BASE)
                        .global()
                        .kafkaClientProperties())
                .containsEntry("ssl.endpoint.identification.algorithm", "")
                .containsEntry("sasl.client.callback.handler.class", "org.example.AcceptAnyServer")
                .containsEntry("ssl.protocol", "TLSv1.1");
    }

    @Test
    void strictTlsClientPropertiesLoadOutsideDevelopmentMode() {
        String yaml = read().replace("    client_properties: {}\n", """
                    client_properties:
                      ssl.endpoint.identification.algorithm: https
                      ssl.enabled.protocols: TLSv1.3, TLSv1.2
                      ssl.protocol: TLSv1.3
                """);

        assertThat(TenantConfigLoader.parse(yaml, "t.yaml", productionEnvironment(), DevMode.OFF, BASE)
                        .global()
                        .kafkaClientProperties())
                .containsEntry("ssl.endpoint.identification.algorithm", "https")
                .containsEntry("ssl.enabled.protocols", "TLSv1.3, TLSv1.2");
    }

    @Test
    void aPublisherPasswordWithoutAPublisherUsernameIsAProblemInEveryMode() {
        String yaml = read().replace("      publisher_username: tenant_colorado_state_publisher\n", "");

        for (DevMode mode : List.of(DevMode.ON, DevMode.OFF)) {
            assertThat(lines(failure(
                            () -> TenantConfigLoader.parse(yaml, "t.yaml", productionEnvironment(), mode, BASE))))
                    .as(mode.toString())
                    .containsExactly(
                            "tenants.colorado_state.kafka.publisher_password: is given without kafka.publisher_username,"
                                    + " so nothing would log in with it; set publisher_username or remove"
                                    + " publisher_password (line 46)");
        }
    }

    @Test
    void aPublisherUsernameWithoutAPasswordIsTreatedLikeTheJobPrincipalWithoutOne() {
        String yaml = read().replace(
                        "      publisher_password: ${COLORADO_STATE_PUBLISHER_PASSWORD:-dev-only-colorado-state-publisher}\n",
                        "");

        assertThat(lines(failure(
                        () -> TenantConfigLoader.parse(yaml, "t.yaml", productionEnvironment(), DevMode.OFF, BASE))))
                .containsExactly(
                        "tenants.colorado_state.kafka.publisher_password: is required outside development mode; set it,"
                                + " for example from ${VAR}, or turn on development mode" + HOW + " (line 43)");
        // In development mode a principal may go without a password, the job's as the publisher's.
        TenantConfig colorado = TenantConfigLoader.parse(yaml, "t.yaml", Map.of(), DevMode.ON, BASE)
                .tenant("colorado_state");
        assertThat(colorado.kafkaPublisher().username()).isEqualTo("tenant_colorado_state_publisher");
        assertThat(colorado.kafkaPublisher().password().isEmpty()).isTrue();
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
