package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.api.ApiStandIn;
import io.enclave.testing.CommittedTopic;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.TenantYaml;
import io.enclave.testing.TestKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Done means: {@code ./enclave ingest FILE --tenant colorado_state --once}, against a server
 * answering like OpenFEMA and NWS with the real samples, fills colorado_state's topics with
 * exactly the Colorado records and exits 0.
 */
class IngestCommandITCase {

    @TempDir
    Path tmp;

    @Test
    void ingestOnceFillsColoradosTopicsWithExactlyTheColoradoRecords() throws Exception {
        Path samples = samples();
        try (ApiStandIn server = ApiStandIn.fromSamples(samples, 0);
                EmbeddedKafka kafka = EmbeddedKafka.start()) {
            EmbeddedMariaDb database = EmbeddedMariaDb.shared();
            Path config = tmp.resolve("tenants.yaml");
            TenantYaml.global(kafka.bootstrapServers(), database.rootJdbcUrl())
                    .apis(server.openFemaBaseUrl(), server.nwsBaseUrl())
                    .tenant(
                            "colorado_state",
                            t -> t.organization("Colorado Division of Homeland Security and Emergency Management")
                                    .keystore(tmp.resolve("keys.p12").toString(), "it-cli-ingest-keys", "PKCS12")
                                    .database(
                                            "it_cli_ingest_colorado",
                                            "it_cli_ingest_writer",
                                            "it-cli-ingest-db",
                                            "colorado_state_key_v1")
                                    .section(
                                            "api_access",
                                            "{fema_api_key: it-cli-fema-key, noaa_scope: [CO],"
                                                    + " rate_limits: {fema: 600/minute, noaa: 600/minute}}")
                                    .restrictions(List.of("CO"), List.of("PUBLIC", "INTERNAL", "RESTRICTED"))
                                    .section("processing", "{checkpoint_interval: 1s, topic_partitions: 2}"))
                    .write(config);
            EnclaveConfig loaded = TenantConfigLoader.load(config);
            TenantConfig tenant = loaded.tenant("colorado_state");
            kafka.createTopics(2, tenant.names().topics().toArray(String[]::new));
            kafka.createTopics(1, tenant.names().auditTopic());
            // The ingest job signs what it refuses with the tenant's audit key.
            TestKeys.initialise(List.of(tenant));
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, tenant);
            }

            CliRun ingest = CliRun.of(
                    "ingest", "-c", config.toString(), "--tenant", "colorado_state", "--once", "--page-size", "200");

            assertThat(ingest.exit()).as("stderr: %s", ingest.err()).isZero();
            assertThat(ingest.out()).contains("tenant_colorado_state_ingest: caught up");
            Set<String> coDeclarations = server.declarations().stream()
                    .filter(r -> "CO".equals(r.path("state").asText()))
                    .map(r -> r.path("id").asText())
                    .collect(Collectors.toSet());
            assertThat(coDeclarations).as("SOURCES.md: exactly 4 CO rows").hasSize(4);
            assertThat(CommittedTopic.keys(
                            kafka.adminClientProperties(), tenant.names().topic(StreamKind.DISASTERS)))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(coDeclarations);
            Set<String> coAlerts = server.alerts().stream()
                    .filter(IngestCommandITCase::inColorado)
                    .map(f -> f.path("properties").path("id").asText())
                    .collect(Collectors.toSet());
            assertThat(coAlerts).isNotEmpty();
            assertThat(CommittedTopic.keys(
                            kafka.adminClientProperties(), tenant.names().topic(StreamKind.WEATHER)))
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(coAlerts);
        }
    }

    private static boolean inColorado(ObjectNode feature) {
        var properties = feature.path("properties");
        var geocode = properties.has("geocode") ? properties.path("geocode") : properties.path("geoCode");
        for (var ugc : geocode.path("UGC")) {
            if (ugc.asText().startsWith("CO")) {
                return true;
            }
        }
        return false;
    }

    private static Path samples() {
        return io.enclave.testing.SharedSamples.dir();
    }
}
