package io.enclave.config;

import static io.enclave.config.ConfigFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets arrive through the environment and must never come back out in text. */
class SecretLeakTest {
    private static final String COLORADO_DB = "Sx-colorado-db-7f3a9c";
    private static final String COLORADO_KAFKA = "Sx-colorado-kafka-1b2e44";
    private static final String COLORADO_FEMA = "Sx-colorado-fema-93ad10";
    private static final String DHS_DB = "Sx-dhs-db-aa1157";
    private static final String DHS_KAFKA = "Sx-dhs-kafka-c0ffee";
    private static final String TRUSTSTORE = "Sx-truststore-55e1d2";
    private static final String COLORADO_KEYSTORE = "Sx-colorado-keystore-6c6c";
    private static final String DHS_KEYSTORE = "Sx-dhs-keystore-d00d";
    private static final List<String> SECRETS = List.of(
            COLORADO_DB, COLORADO_KAFKA, COLORADO_FEMA, DHS_DB, DHS_KAFKA, TRUSTSTORE, COLORADO_KEYSTORE, DHS_KEYSTORE);

    private static final String YAML = """
            global:
              kafka:
                bootstrap_servers: "localhost:9092"
                security_protocol: SASL_SSL
                client_properties:
                  ssl.truststore.location: /etc/enclave/truststore.p12
                  ssl.truststore.password: ${TRUSTSTORE_PASSWORD}
              database: {jdbc_url: "jdbc:mysql://localhost:9030"}
            tenants:
              colorado_state:
                organization: Colorado Division of Homeland Security and Emergency Management
                classification_level: RESTRICTED
                database:
                  schema: colorado_emergency
                  user: colorado_writer
                  password: ${COLORADO_DB_PASSWORD}
                  encryption_key: colorado_state_key_v1
                kafka: {username: tenant_colorado_state, password: "${COLORADO_KAFKA_PASSWORD}"}
                api_access: {fema_api_key: "${COLORADO_FEMA_KEY}"}
                data_restrictions:
                  allowed_states: [CO]
                  allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]
                keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: "${COLORADO_KEYSTORE_PASSWORD}"}
              federal_dhs:
                organization: U.S. Department of Homeland Security
                classification_level: CONFIDENTIAL
                database:
                  schema: federal_dhs_emergency
                  user: federal_dhs_writer
                  password: ${DHS_DB_PASSWORD}
                  encryption_key: federal_dhs_key_v1
                kafka: {username: tenant_federal_dhs, password: "${DHS_KAFKA_PASSWORD}"}
                data_restrictions: {allowed_states: ALL, allowed_classifications: [PUBLIC, CONFIDENTIAL]}
                keystore: {path: /var/lib/enclave/keys/federal_dhs.bcfks, password: "${DHS_KEYSTORE_PASSWORD}"}
            """;

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("COLORADO_DB_PASSWORD", COLORADO_DB);
        env.put("COLORADO_KAFKA_PASSWORD", COLORADO_KAFKA);
        env.put("COLORADO_FEMA_KEY", COLORADO_FEMA);
        env.put("DHS_DB_PASSWORD", DHS_DB);
        env.put("DHS_KAFKA_PASSWORD", DHS_KAFKA);
        env.put("TRUSTSTORE_PASSWORD", TRUSTSTORE);
        env.put("COLORADO_KEYSTORE_PASSWORD", COLORADO_KEYSTORE);
        env.put("DHS_KEYSTORE_PASSWORD", DHS_KEYSTORE);
        return env;
    }

    @Test
    void noConfigObjectPrintsASecret() {
        EnclaveConfig config = TenantConfigLoader.parse(YAML, "secrets.yaml", env());

        List<Object> objects = new ArrayList<>(List.of(config, config.global(), config.sliceFor("colorado_state")));
        for (TenantConfig tenant : config.tenants()) {
            objects.addAll(List.of(
                    tenant,
                    tenant.database(),
                    tenant.kafka(),
                    tenant.apiAccess(),
                    tenant.database().password(),
                    tenant.kafka().password(),
                    tenant.apiAccess().femaApiKey(),
                    tenant.keystore(),
                    tenant.keystore().password()));
        }
        for (Object object : objects) {
            assertThat(object.toString()).as(object.getClass().getSimpleName()).doesNotContain(SECRETS);
        }
        assertThat(config.global().toString()).contains("ssl.truststore.password");

        TenantConfig colorado = config.tenant("colorado_state");
        assertThat(colorado.database().password().reveal()).isEqualTo(COLORADO_DB);
        assertThat(colorado.kafka().password().reveal()).isEqualTo(COLORADO_KAFKA);
        assertThat(colorado.apiAccess().femaApiKey().reveal()).isEqualTo(COLORADO_FEMA);
        assertThat(colorado.keystore().password().reveal()).isEqualTo(COLORADO_KEYSTORE);
        assertThat(config.global().kafkaClientProperties()).containsEntry("ssl.truststore.password", TRUSTSTORE);
    }

    @Test
    void failedValidationOfTheTenantHoldingSecretsShowsNone() {
        Map<String, String> env = env();
        env.put("COLORADO_SCHEMA", "Sx-Schema-From-Env");
        env.put("COLORADO_PARALLELISM", "Sx-parallelism-4d4d");
        env.put("STARROCKS_JDBC_URL", "jdbc:mysql://db:9030/?password=Sx-url-password-9e9e");
        String broken = YAML.replace("schema: colorado_emergency", "schema: ${COLORADO_SCHEMA}")
                .replace("jdbc:mysql://localhost:9030", "${STARROCKS_JDBC_URL}")
                .replace("allowed_states: [CO]", "allowed_states: [CO, XX]")
                .replace("[PUBLIC, INTERNAL, RESTRICTED]", "[PUBLIC, CONFIDENTIAL]")
                .replace(
                        "    api_access:",
                        "    processing: {parallelism: \"${COLORADO_PARALLELISM}\"}\n    api_access:");
        List<String> secrets = new ArrayList<>(SECRETS);
        secrets.addAll(List.of("Sx-Schema-From-Env", "Sx-parallelism-4d4d", "Sx-url-password-9e9e"));

        ConfigException e = failure(() -> TenantConfigLoader.parse(broken, "secrets.yaml", env));

        assertThat(e.getMessage()).doesNotContain(secrets);
        assertThat(e.toString()).doesNotContain(secrets);
        assertThat(ConfigFixtures.lines(e))
                .containsExactly(
                        "global.database.jdbc_url: '${STARROCKS_JDBC_URL}' must not carry a user or password:"
                                + " each tenant connects as its own database user (line 8)",
                        "tenants.colorado_state.database.schema: '${COLORADO_SCHEMA}' is not allowed here:"
                                + " ${...} may fill only secrets, endpoints and paths (see tenant-config/README.md) (line 14)",
                        "tenants.colorado_state.processing.parallelism: '${COLORADO_PARALLELISM}' is not allowed here:"
                                + " ${...} may fill only secrets, endpoints and paths (see tenant-config/README.md) (line 19)",
                        "tenants.colorado_state.data_restrictions.allowed_states[1]: 'XX' is not a US state"
                                + " or territory code (line 22)",
                        "tenants.colorado_state.data_restrictions.allowed_classifications[1]: 'CONFIDENTIAL' is above"
                                + " the tenant's classification_level RESTRICTED (line 23)");
    }

    @Test
    void syntaxErrorDoesNotQuoteTheFile() {
        String broken = YAML.replace("password: ${COLORADO_DB_PASSWORD}", "password: \"" + COLORADO_DB);

        ConfigException e = failure(() -> TenantConfigLoader.parse(broken, "secrets.yaml", env()));

        assertThat(e.getMessage()).startsWith("secrets.yaml: 1 problem(s)").doesNotContain(SECRETS);
    }

    @Test
    void aJobsSliceCarriesNoOtherTenantsSecrets() throws IOException {
        EnclaveConfig slice =
                TenantConfigLoader.parse(YAML, "secrets.yaml", env()).sliceFor("colorado_state");

        // Flink ships the slice to task managers by Java serialization, so check the bytes themselves.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(slice);
        }
        String serialized = bytes.toString(StandardCharsets.ISO_8859_1);

        assertThat(serialized)
                .contains(COLORADO_DB, COLORADO_KEYSTORE)
                .doesNotContain(DHS_DB, DHS_KAFKA, "federal_dhs", DHS_KEYSTORE, "federal_dhs.bcfks");
    }
}
