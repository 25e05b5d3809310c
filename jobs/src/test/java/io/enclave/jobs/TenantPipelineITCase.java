package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.config.UsStates;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.crypto.TenantKeyStore;
import io.enclave.sinks.TenantTableCounts;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.RealSamples;
import io.enclave.testing.RealSamples.Message;
import io.enclave.testing.SharedSamples;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two tenants' jobs end to end on real parts: an embedded KRaft broker, MariaDB, and a Flink
 * MiniCluster, fed the real OpenFEMA and NWS samples plus a few hostile records. colorado_state
 * may see Colorado only; federal_dhs may see every state.
 */
class TenantPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 4);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLORADO = "colorado_state";
    private static final String FEDERAL = "federal_dhs";

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static EnclaveConfig config;

    @BeforeAll
    static void startServers() throws Exception {
        kafka = EmbeddedKafka.start();
        database = EmbeddedMariaDb.shared();
        Path keystores = Files.createTempDirectory("it-keys");
        config = TenantConfigLoader.load(
                resource("it-tenants.yaml"),
                Map.of(
                        "KAFKA_BOOTSTRAP",
                        kafka.bootstrapServers(),
                        "JDBC_URL",
                        database.rootJdbcUrl(),
                        "KEYSTORE_DIR",
                        keystores.toString()));
        try (Connection root = database.rootConnection()) {
            for (TenantConfig tenant : config.tenants()) {
                FreshTenantDatabase.recreate(root, tenant);
                KeystoreSettings keys = tenant.keystore();
                new TenantKeyStore(
                                Path.of(keys.path()),
                                keys.password(),
                                keys.type(),
                                tenant.id(),
                                tenant.database().encryptionKeyRef())
                        .init();
                // The job signs its audit chain with its own key and reads the public trust file.
                AuditSigning.ensure(tenant);
                kafka.createTopics(
                        tenant.processing().topicPartitions(),
                        tenant.names().topics().toArray(String[]::new));
            }
        }
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void realSamplesLandOnlyInTheirOwnTenantsTablesAndEveryRejectionIsAudited() throws Exception {
        List<Message> fema = RealSamples.femaMessages();
        List<Message> coloradoAlerts =
                RealSamples.alertMessages(SharedSamples.nws("dpc5_nws_alerts_active_2024-12-08.json"));
        List<Message> federalAlerts =
                RealSamples.alertMessages(SharedSamples.nws("albintouma_alerts_reduced_2025-10-15_to_21.json"));

        TenantConfig colorado = config.tenant(COLORADO);
        TenantConfig federal = config.tenant(FEDERAL);
        Feed coloradoFeed = new Feed(colorado);
        coloradoFeed.addAll(StreamKind.DISASTERS, fema);
        coloradoFeed.addAll(StreamKind.WEATHER, coloradoAlerts);
        coloradoFeed.add(StreamKind.DISASTERS, hostile("it-claims-federal", "CO", FEDERAL, "PUBLIC"));
        coloradoFeed.add(StreamKind.DISASTERS, hostile("it-confidential-co", "CO", null, "CONFIDENTIAL"));
        coloradoFeed.add(StreamKind.DISASTERS, hostile("it-lowercase-co", "co", null, "PUBLIC"));
        coloradoFeed.add(StreamKind.DISASTERS, hostile("it-cyrillic-co", "\u0421O", null, "PUBLIC"));
        coloradoFeed.add(StreamKind.DISASTERS, hostile("it-garbage-level", "CO", null, "restricted"));
        coloradoFeed.addRaw(
                StreamKind.WEATHER, "{\"id\": \"it-truncated\", \"areaDesc\": \"Den".getBytes(StandardCharsets.UTF_8));

        Feed federalFeed = new Feed(federal);
        federalFeed.addAll(StreamKind.DISASTERS, fema);
        federalFeed.addAll(StreamKind.WEATHER, federalAlerts);
        federalFeed.add(StreamKind.DISASTERS, hostile("it-claims-colorado", "CO", COLORADO, "PUBLIC"));
        // Fits VARCHAR(255) but not StarRocks' 128-byte primary key: refused before the sink.
        String oversizeKey = "it-oversize-key-" + "k".repeat(120);
        federalFeed.add(StreamKind.DISASTERS, hostile(oversizeKey, "CO", null, "PUBLIC"));
        federalFeed.addRaw(
                StreamKind.DISASTERS,
                new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});

        JobClient coloradoJob = TenantJob.environment(config.global(), colorado)
                .executeAsync(colorado.names().jobName());
        JobClient federalJob = TenantJob.environment(config.global(), federal)
                .executeAsync(federal.names().jobName());
        try {
            coloradoFeed.publish();
            federalFeed.publish();
            awaitAccountedFor(colorado, coloradoFeed.size());
            awaitAccountedFor(federal, federalFeed.size());

            // colorado_state: exactly the Colorado declarations and alerts, nothing else.
            Set<String> coIds = RealSamples.idsWhere(fema, m -> "CO".equals(m.state()));
            assertThat(coIds)
                    .as("SOURCES.md: the samples hold exactly 4 CO declarations")
                    .hasSize(4);
            assertThat(ids(colorado, StreamKind.DISASTERS)).isEqualTo(coIds);
            Set<String> coAlertIds =
                    RealSamples.idsWhere(coloradoAlerts, m -> m.states().contains("CO"));
            assertThat(coAlertIds).isNotEmpty();
            assertThat(ids(colorado, StreamKind.WEATHER)).isEqualTo(coAlertIds);

            // federal_dhs: every record of a real state, and alerts of every area, marine ones included.
            assertThat(ids(federal, StreamKind.DISASTERS))
                    .isEqualTo(RealSamples.idsWhere(fema, m -> UsStates.isCode(m.state())));
            assertThat(ids(federal, StreamKind.WEATHER)).isEqualTo(RealSamples.idsWhere(federalAlerts, m -> true));

            // No row names another tenant, and nothing published to one tenant surfaces in the other.
            assertThat(tenantIdsIn(colorado)).containsOnly(COLORADO);
            assertThat(tenantIdsIn(federal)).containsOnly(FEDERAL);
            assertThat(ids(federal, StreamKind.WEATHER)).doesNotContainAnyElementsOf(ids(colorado, StreamKind.WEATHER));
            assertThat(ids(federal, StreamKind.DISASTERS)).doesNotContain("it-claims-federal");
            assertThat(ids(colorado, StreamKind.DISASTERS)).doesNotContain("it-claims-federal", "it-claims-colorado");

            // Every rejection is in the tenant's own audit table with its reason.
            int femaOutsideCo = fema.size() - coIds.size();
            int alertsOutsideCo = coloradoAlerts.size() - coAlertIds.size();
            TenantTableCounts co = counts(colorado);
            assertThat(co.rejectedByReason())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "state_not_allowed", (long) femaOutsideCo + alertsOutsideCo + 2,
                            "cross_tenant", 1L,
                            "classification_not_allowed", 1L,
                            "unknown_classification", 1L,
                            "malformed", 1L));
            TenantTableCounts fed = counts(federal);
            assertThat(fed.rejectedByReason())
                    .containsEntry("cross_tenant", 1L)
                    .containsEntry("malformed", 1L)
                    .containsEntry("key_too_long", 1L);
            assertThat(ids(federal, StreamKind.DISASTERS)).doesNotContain(oversizeKey);

            // produced = accepted + rejected, for both tenants.
            assertThat(co.accepted() + co.rejected()).isEqualTo(coloradoFeed.size());
            assertThat(fed.accepted() + fed.rejected()).isEqualTo(federalFeed.size());
            assertThat(auditedKeys(colorado, "cross_tenant")).containsExactly("it-claims-federal");

            // Replaying the same input adds no rows: each repeat is refused as a duplicate or for its old reason.
            coloradoFeed.publish();
            awaitAccountedFor(colorado, 2L * coloradoFeed.size());
            TenantTableCounts replayed = counts(colorado);
            assertThat(replayed.accepted()).isEqualTo(co.accepted());
            assertThat(replayed.rejectedByReason()).containsEntry("duplicate", co.accepted());
            assertThat(ids(colorado, StreamKind.DISASTERS)).isEqualTo(coIds);
        } finally {
            coloradoJob.cancel().get();
            federalJob.cancel().get();
        }
    }

    /** Waits until every published record is either a row or an audited rejection. */
    private static void awaitAccountedFor(TenantConfig tenant, long produced) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        TenantTableCounts c = counts(tenant);
        while (c.accepted() + c.rejected() < produced && System.nanoTime() < deadline) {
            Thread.sleep(500);
            c = counts(tenant);
        }
        // A short grace period, so a surplus (a duplicate row or audit record) would show too.
        Thread.sleep(1500);
        c = counts(tenant);
        assertThat(c.accepted() + c.rejected())
                .as("rows + audited rejections of %s", tenant.id())
                .isEqualTo(produced);
    }

    private static TenantTableCounts counts(TenantConfig tenant) throws SQLException {
        try (Connection root = database.rootConnection()) {
            return TenantTableCounts.read(root, tenant);
        }
    }

    private static Set<String> ids(TenantConfig tenant, StreamKind stream) throws SQLException {
        return column(
                tenant,
                "SELECT id FROM " + SqlDialect.qualified(tenant.database().schema(), stream.table()));
    }

    private static Set<String> tenantIdsIn(TenantConfig tenant) throws SQLException {
        Set<String> owners = new HashSet<>();
        for (StreamKind stream : StreamKind.values()) {
            owners.addAll(column(
                    tenant,
                    "SELECT DISTINCT tenant_id FROM "
                            + SqlDialect.qualified(tenant.database().schema(), stream.table())));
        }
        owners.addAll(column(
                tenant,
                "SELECT DISTINCT tenant_id FROM "
                        + SqlDialect.qualified(tenant.database().schema(), "audit_log")));
        return owners;
    }

    private static Set<String> auditedKeys(TenantConfig tenant, String reason) throws SQLException {
        return column(
                tenant,
                "SELECT record_key FROM "
                        + SqlDialect.qualified(tenant.database().schema(), "audit_log") + " WHERE reason = '" + reason
                        + "'");
    }

    /** Reads as the tenant's own database user: what the tenant itself can see. */
    private static Set<String> column(TenantConfig tenant, String sql) throws SQLException {
        Set<String> values = new HashSet<>();
        try (Connection c = java.sql.DriverManager.getConnection(
                        database.jdbcUrl(tenant.database().schema()),
                        tenant.database().user(),
                        tenant.database().password().reveal());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static Message hostile(String id, String state, String claimedTenant, String classification) {
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.put("femaDeclarationString", "DR-9999-CO");
        d.put("state", state);
        d.put("incidentType", "Flood");
        d.put("declarationDate", "2026-11-01T00:00:00.000Z");
        if (claimedTenant != null) {
            d.put("tenant_id", claimedTenant);
        }
        d.put("data_classification", classification);
        return new Message(id, state, Set.of(state), d.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Everything one tenant is sent, in order, so it can be sent again unchanged. */
    private static final class Feed {
        private final TenantConfig tenant;
        private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

        Feed(TenantConfig tenant) {
            this.tenant = tenant;
        }

        void addAll(StreamKind stream, List<Message> messages) {
            messages.forEach(m -> add(stream, m));
        }

        void add(StreamKind stream, Message m) {
            addRaw(stream, m.payload());
        }

        void addRaw(StreamKind stream, byte[] payload) {
            records.add(new ProducerRecord<>(tenant.names().topic(stream), payload));
        }

        long size() {
            return records.size();
        }

        void publish() {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                records.forEach(producer::send);
                producer.flush();
            }
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(
                TenantPipelineITCase.class.getClassLoader().getResource(name).toURI());
    }
}
