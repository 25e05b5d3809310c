package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Each job's Kafka clients log in as its own tenant's job principal, and as nobody else. */
class TenantIdentityTest {
    private static final Path EXAMPLES = Path.of("..", "tenant-config", "examples", "tenants.yaml");

    private static EnclaveConfig sasl(String clientProperties) throws IOException {
        String yaml =
                Files.readString(EXAMPLES).replace("client_properties: {}", "client_properties: " + clientProperties);
        return TenantConfigLoader.parse(
                yaml,
                "tenants.yaml",
                Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                io.enclave.config.DevMode.fromEnvironment(),
                EXAMPLES.getParent());
    }

    @Test
    void everyJobLogsInAsItsOwnJobPrincipalOnlyAndTlsSettingsPassThrough() throws IOException {
        EnclaveConfig config = sasl("{ssl.truststore.location: /etc/enclave/truststore.p12,"
                + " ssl.truststore.password: trust-secret, ssl.endpoint.identification.algorithm: https}");
        for (TenantConfig tenant : config.tenants()) {
            Properties props = TenantKafkaSource.clientProperties(config.global(), tenant);

            assertThat(props.getProperty("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(props.getProperty("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(props.getProperty("ssl.truststore.location")).isEqualTo("/etc/enclave/truststore.p12");
            assertThat(props.getProperty("sasl.jaas.config"))
                    .contains("username=\"" + tenant.kafka().username() + "\"")
                    .doesNotContain(tenant.kafkaPublisher().username());
            for (TenantConfig other : config.tenants()) {
                if (other != tenant) {
                    assertThat(props.toString())
                            .doesNotContain(other.kafka().password().reveal())
                            .doesNotContain("username=\"" + other.kafka().username() + "\"");
                }
            }
        }
    }

    @Test
    void aPassThroughPropertyThatChangesTheLoginStopsTheJobBeforeItStarts() throws IOException {
        EnclaveConfig config = sasl("{sasl.login.callback.handler.class: com.example.AdminLogin}");
        TenantConfig colorado = config.tenant("colorado_state");

        assertThatThrownBy(() -> TenantKafkaSource.clientProperties(config.global(), colorado))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("colorado_state")
                .hasMessageContaining("sasl.login.callback.handler.class")
                .hasMessageNotContaining("com.example.AdminLogin");
    }

    @Test
    void aLoginAsAnyoneElseIsRefused() throws IOException {
        EnclaveConfig config = sasl("{}");
        TenantConfig colorado = config.tenant("colorado_state");
        Properties props = TenantKafkaSource.clientProperties(config.global(), colorado);
        props.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"enclave-admin\" password=\"admin-secret\";");

        assertThatThrownBy(() -> TenantIdentity.requireKafkaPrincipal(props, config.global(), colorado))
                .hasMessageContaining("not the tenant's job principal tenant_colorado_state")
                .hasMessageNotContaining("admin-secret");
    }

    @Test
    void theSinksWriteAsTheTenantsOwnDatabaseUser() throws IOException {
        EnclaveConfig config = sasl("{}");
        TenantConfig texas = config.tenant("texas_state");
        var options = io.enclave.sinks.JdbcSinkOptions.forTenant(config.global(), texas);

        assertThat(options.user()).isEqualTo("texas_writer");
        TenantIdentity.requireDatabaseUser(options, texas);
        assertThatThrownBy(() -> TenantIdentity.requireDatabaseUser(options, config.tenant("colorado_state")))
                .hasMessageContaining("refuses to start");
    }
}
