package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.api.ApiStandIn;
import io.enclave.embedded.api.ApiStandIn.Api;
import io.enclave.ingest.IngestOptions;
import io.enclave.jobs.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job's refusals end in the tenant's chain: the OpenFEMA stand-in serves the real
 * samples plus a Texas declaration Colorado never asked for; the ingest job drops it and
 * submits the refusal, signed, to tenant_colorado_state_audit; the processing job chains it
 * into audit_log, where {@code audit verify} covers it.
 */
class IngestAuditITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @TempDir
    Path tmp;

    @Test
    void aRecordTheApiReturnedOutOfScopeIsRefusedAndChainedInTheTenantsAuditLog() throws Exception {
        Path samples = SharedSamples.dir();
        try (ApiStandIn server = ApiStandIn.fromSamples(samples, 0); EmbeddedKafka kafka = EmbeddedKafka.start()) {
            EmbeddedMariaDb database = EmbeddedMariaDb.shared();
            ObjectNode texas = server.declarations().stream().filter(r -> "TX".equals(r.path("state").asText()))
                    .findFirst().orElseThrow().deepCopy();
            server.leak(Api.OPENFEMA, texas);
            Path configFile = tmp.resolve("tenants.yaml");
            Files.writeString(configFile, yaml(kafka.bootstrapServers(), database.rootJdbcUrl(), server,
                    tmp.resolve("keys.p12")));
            EnclaveConfig config = TenantConfigLoader.load(configFile);
            TenantConfig tenant = config.tenant("colorado_state");
            kafka.createTopics(1, tenant.names().topics().toArray(String[]::new));
            kafka.createTopics(1, tenant.names().auditTopic());
            TestKeys.initialise(List.of(tenant));
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, tenant);
            }

            TenantIngestJob.environment(config.global(), tenant, IngestOptions.defaults().withOnce(true),
                    new Configuration()).execute(tenant.names().ingestJobName());

            JobClient job = TenantJob.environment(config.global(), tenant).executeAsync(tenant.names().jobName());
            List<String> refusals;
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                do {
                    Thread.sleep(500);
                    refusals = rows(database, tenant, "SELECT CONCAT(reason, ' ', record_key, ' ', source_topic, ' ', "
                            + "job_name) FROM audit_log WHERE action = 'RECORD_REJECTED' AND source_topic LIKE 'api:%'");
                } while (refusals.isEmpty() && System.nanoTime() < deadline);
                // Wait for the head to cover the refusal, so verify sees a sealed chain.
                while (System.nanoTime() < deadline && verify(configFile, database).exit() != 0) {
                    Thread.sleep(500);
                }
            } finally {
                job.cancel().get();
            }

            assertThat(refusals).containsExactly("state_not_allowed " + texas.path("id").asText()
                    + " api:openfema tenant_colorado_state_ingest");
            assertThat(rows(database, tenant, "SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_REJECTED' "
                    + "AND reason LIKE '%audit_submission'")).containsExactly("0");
            CliRun verified = verify(configFile, database);
            assertThat(verified.exit()).as(verified.err()).isZero();
            assertThat(verified.out()).contains("audit chain of colorado_state verified");
        }
    }

    private static CliRun verify(Path configFile, EmbeddedMariaDb database) {
        return CliRun.of("audit", "verify", "--config", configFile.toString(), "--tenant", "colorado_state",
                "--jdbc-url", database.rootJdbcUrl());
    }

    private static List<String> rows(EmbeddedMariaDb database, TenantConfig tenant, String sql) throws Exception {
        try (Connection root = database.rootConnection()) {
            return TenantColumn.read(root, tenant, sql);
        }
    }

    private static String yaml(String bootstrap, String jdbcUrl, ApiStandIn server, Path keystore) {
        return """
                global:
                  kafka: {bootstrap_servers: "%s"}
                  database: {jdbc_url: "%s", dialect: mysql}
                  apis:
                    openfema_base_url: %s
                    nws_base_url: %s
                    nws_user_agent: "(enclave-it, ops@example.gov)"
                tenants:
                  colorado_state:
                    organization: "Colorado Division of Homeland Security and Emergency Management"
                    classification_level: RESTRICTED
                    keystore: {path: "%s", password: it-ingest-audit-keys, type: PKCS12}
                    database:
                      schema: it_ingest_audit_colorado
                      user: it_ingest_audit_writer
                      password: it-ingest-audit-db
                      encryption_key: colorado_state_key_v1
                    api_access:
                      noaa_scope: [CO]
                      rate_limits: {fema: 600/minute, noaa: 600/minute}
                    data_restrictions:
                      allowed_states: [CO]
                      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]
                    processing:
                      checkpoint_interval: 1s
                      batch_interval: 1s
                      topic_partitions: 1
                """.formatted(bootstrap, jdbcUrl, server.openFemaBaseUrl(), server.nwsBaseUrl(), keystore);
    }
}
