package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.audit.SiemTopicReader;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.sinks.AuditVerifier;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.TenantYaml;
import io.enclave.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-time detection in the tenant's real job (its whole graph, on an embedded broker, MariaDB
 * and a MiniCluster): a hostile burst of records claiming another tenant raises exactly one
 * SECURITY_ALERT, in the tenant's chain and on the SIEM topic, naming the rule, count, window,
 * offsets and response deadline; the chain with the alert verifies.
 */
class SecurityDetectionITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "detect_alpha";
    private static final int THRESHOLD = 4;

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static EnclaveConfig config;
    private static TenantConfig tenant;

    @BeforeAll
    static void startServers() throws Exception {
        kafka = EmbeddedKafka.start();
        database = EmbeddedMariaDb.shared();
        Path file = TenantYaml.global(kafka.bootstrapServers(), database.rootJdbcUrl())
                .tenant(
                        TENANT,
                        t -> t.database("it_detect_alpha", "it_detect_alpha", "detect-alpha-db", "alpha_key")
                                .keystore("keys/alpha.p12", "it-detect-alpha-keystore", "PKCS12")
                                // A one-hour window, so the few seconds of the burst never straddle two windows.
                                .section(
                                        "audit_requirements",
                                        "{siem_integration: true, realtime_monitoring: true, incident_response: 15m,"
                                                + " detection: {cross_tenant_claims: {count: " + THRESHOLD
                                                + ", window: 1h}}}")
                                .section(
                                        "processing",
                                        "{batch_size: 200, batch_interval: 1s, checkpoint_interval: 1s, topic_partitions: 1}"))
                .write(dir.resolve("tenants.yaml"));
        config = TenantConfigLoader.load(file, Map.of());
        tenant = config.tenant(TENANT);
        TestKeys.initialise(config.tenants());
        try (Connection root = database.rootConnection()) {
            FreshTenantDatabase.recreate(root, tenant);
        }
        kafka.createTopics(1, tenant.names().topics().toArray(String[]::new));
        kafka.createTopics(1, config.global().siemTopic(), tenant.names().auditTopic());
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aHostileBurstRaisesExactlyOneAlertInTheChainAndOnTheSiemTopic(@TempDir Path savepoints) throws Exception {
        int burst = 3 * THRESHOLD;
        JobClient job = TenantJob.environment(config.global(), tenant)
                .executeAsync(tenant.names().jobName());
        try {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                records.add(disaster("it-claim-" + i, "other_tenant"));
            }
            records.add(disaster("it-own-1", null));
            publish(records);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (scalar("SELECT COUNT(*) FROM audit_log WHERE reason = 'cross_tenant'") < burst
                    || scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'SECURITY_ALERT'") < 1) {
                assertThat(System.nanoTime()).as("the job audited the burst").isLessThan(deadline);
                Thread.sleep(300);
            }
            // A few more checkpoints, so a second alert, were there one, would have landed too.
            Thread.sleep(3_000);
        } finally {
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        }

        assertThat(scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'SECURITY_ALERT'"))
                .isEqualTo(1);
        List<AuditRecord> siemAlerts =
                SiemTopicReader.read(config.global(), tenant, Duration.ofSeconds(30)).records().stream()
                        .filter(r -> r.action == AuditAction.SECURITY_ALERT)
                        .toList();
        assertThat(siemAlerts).singleElement().satisfies(a -> {
            assertThat(a.reason).isEqualTo("cross_tenant_claims");
            assertThat(a.rowCount).isEqualTo(THRESHOLD);
            assertThat(a.firstOffset).isZero();
            assertThat(a.lastOffset).isEqualTo(THRESHOLD - 1);
            assertThat(a.detail)
                    .startsWith("rule cross_tenant_claims: " + THRESHOLD + " events (threshold " + THRESHOLD
                            + ") in window ")
                    .contains(", first " + tenant.names().topic(StreamKind.DISASTERS) + "-0@0, last ")
                    .containsPattern("; respond by \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z$");
            assertThat(a.sequence).isPositive();
        });

        try (Connection root = database.rootConnection()) {
            AuditVerifier.Verdict verdict = new AuditVerifier(
                            root,
                            tenant.database().schema(),
                            tenant.id(),
                            AuditTrust.read(AuditSigning.trustFile(tenant)),
                            AuditVerifier.Policy.unpinned(
                                    tenant.auditRequirements().retentionDays()))
                    .verify();
            assertThat(verdict.ok())
                    .as("%s at %s", verdict.problem(), verdict.badSequence())
                    .isTrue();
        }
    }

    private static ProducerRecord<byte[], byte[]> disaster(String id, String claimedTenant) {
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.put("femaDeclarationString", "DR-9999-CO");
        d.put("state", "CO");
        d.put("incidentType", "Flood");
        d.put("declarationDate", "2026-11-01T00:00:00.000Z");
        d.put("data_classification", "PUBLIC");
        if (claimedTenant != null) {
            d.put("tenant_id", claimedTenant);
        }
        return new ProducerRecord<>(
                tenant.names().topic(StreamKind.DISASTERS), d.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void publish(List<ProducerRecord<byte[], byte[]>> records) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private static long scalar(String sql) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(sql.replace(
                        "audit_log", SqlDialect.qualified(tenant.database().schema(), "audit_log")))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
