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
    /** Attacked with a burst split across the boundary of an epoch-aligned window. */
    private static final String STRADDLED = "detect_beta";
    /** Attacked with a record stamped in the future ahead of its burst. */
    private static final String FUTURE = "detect_gamma";

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
                // A one-hour window, so the few seconds of the burst never straddle two windows.
                .tenant(TENANT, t -> detecting(t, "alpha", "1h"))
                // One minute, the window the straddling burst is split across.
                .tenant(STRADDLED, t -> detecting(t, "beta", "1m"))
                .tenant(FUTURE, t -> detecting(t, "gamma", "1h"))
                .write(dir.resolve("tenants.yaml"));
        config = TenantConfigLoader.load(file, Map.of());
        tenant = config.tenant(TENANT);
        TestKeys.initialise(config.tenants());
        // Topics as a broker creates them by default (CreateTime), not as provisioning does (LogAppendTime):
        // the job must not trust the publisher's clock either way.
        for (TenantConfig t : config.tenants()) {
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, t);
            }
            kafka.createTopics(1, t.names().topics().toArray(String[]::new));
            kafka.createTopics(1, t.names().auditTopic());
        }
        kafka.createTopics(1, config.global().siemTopic());
    }

    private static TenantYaml.Tenant detecting(TenantYaml.Tenant t, String name, String window) {
        return t.database("it_detect_" + name, "it_detect_" + name, "detect-" + name + "-db", name + "_key")
                .keystore("keys/" + name + ".p12", "it-detect-" + name + "-keystore", "PKCS12")
                .section(
                        "audit_requirements",
                        "{siem_integration: true, realtime_monitoring: true, incident_response: 15m,"
                                + " detection: {cross_tenant_claims: {count: " + THRESHOLD
                                + ", window: " + window + "}}}")
                .section(
                        "processing",
                        "{batch_size: 200, batch_interval: 1s, checkpoint_interval: 1s, topic_partitions: 1}");
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

    /**
     * Red team: {@code THRESHOLD - 1} claims at the end of one minute and as many at the start of the
     * next are one burst, all within one window length, though no epoch-aligned one-minute window
     * holds {@code THRESHOLD} of them. It raises exactly one alert, of the first {@code THRESHOLD}.
     */
    @Test
    void aBurstStraddlingAWindowBoundaryRaisesExactlyOneAlert(@TempDir Path savepoints) throws Exception {
        TenantConfig t = config.tenant(STRADDLED);
        // The minute boundary passed a few seconds ago, so both halves are stamped within the last minute.
        long now = awaitSecondOfMinute(5, 40);
        long boundary = now - Math.floorMod(now, 60_000L);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < THRESHOLD - 1; i++) {
            records.add(disaster(t, "it-before-" + i, "other_tenant", boundary - 900 + i));
        }
        for (int i = 0; i < THRESHOLD - 1; i++) {
            records.add(disaster(t, "it-after-" + i, "other_tenant", boundary + 100 + i));
        }

        List<AuditRecord> alerts = attack(t, savepoints, 2 * (THRESHOLD - 1), () -> publish(records));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.reason).isEqualTo("cross_tenant_claims");
            assertThat(a.rowCount).isEqualTo(THRESHOLD);
            assertThat(a.firstOffset).isZero();
            assertThat(a.lastOffset).isEqualTo(THRESHOLD - 1);
            assertThat(a.eventTime).isEqualTo(boundary + 100);
        });
    }

    /**
     * Red team: the publisher stamps one record (CreateTime, which the broker lets run up to an hour
     * ahead) 50 minutes in the future, then sends a burst with honest stamps. Trusted, the stamp would
     * carry the watermark past the burst, which would then be late and never counted.
     */
    @Test
    void aRecordStampedInTheFutureDoesNotBlindDetectionToTheNextBurst(@TempDir Path savepoints) throws Exception {
        TenantConfig t = config.tenant(FUTURE);
        String topic = t.names().topic(StreamKind.DISASTERS);
        long future = System.currentTimeMillis() + Duration.ofMinutes(50).toMillis();

        List<AuditRecord> alerts = attack(t, savepoints, THRESHOLD, () -> {
            publish(List.of(
                    new ProducerRecord<>(topic, null, future, null, "{not json".getBytes(StandardCharsets.UTF_8))));
            awaitRows(t, "SELECT COUNT(*) FROM audit_log WHERE reason = 'malformed'", 1);
            // Past a few periodic watermarks, so the stamp has moved the watermark before the burst arrives.
            Thread.sleep(1_000);
            List<ProducerRecord<byte[], byte[]>> burst = new ArrayList<>();
            for (int i = 0; i < THRESHOLD; i++) {
                burst.add(disaster(t, "it-claim-" + i, "other_tenant", null));
            }
            publish(burst);
        });

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.reason).isEqualTo("cross_tenant_claims");
            assertThat(a.rowCount).isEqualTo(THRESHOLD);
            assertThat(a.firstOffset).isEqualTo(1);
            assertThat(a.lastOffset).isEqualTo(THRESHOLD);
            // Its time, and so its deadline, come from the burst, not from the forged stamp.
            assertThat(a.eventTime).isLessThan(future - Duration.ofMinutes(45).toMillis());
        });
    }

    /** What an attack test does around its attack: publish with the tenant's job running, then its alerts. */
    private interface Attack {
        void run() throws Exception;
    }

    /**
     * Runs {@code t}'s job while {@code attack} publishes, until its {@code claims} cross-tenant
     * rejections are chained and a few checkpoints more have passed (so an alert, and a second one,
     * would have landed), stops it with a savepoint, and returns the tenant's alerts on the SIEM
     * topic after checking the database holds as many.
     */
    private static List<AuditRecord> attack(TenantConfig t, Path savepoints, int claims, Attack attack)
            throws Exception {
        JobClient job =
                TenantJob.environment(config.global(), t).executeAsync(t.names().jobName());
        try {
            attack.run();
            awaitRows(t, "SELECT COUNT(*) FROM audit_log WHERE reason = 'cross_tenant'", claims);
            Thread.sleep(4_000);
        } finally {
            job.stopWithSavepoint(true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        }
        List<AuditRecord> alerts = SiemTopicReader.read(config.global(), t, Duration.ofSeconds(30)).records().stream()
                .filter(r -> r.action == AuditAction.SECURITY_ALERT)
                .toList();
        assertThat(scalar(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'SECURITY_ALERT'"))
                .isEqualTo(alerts.size());
        return alerts;
    }

    private static void awaitRows(TenantConfig t, String countSql, long rows) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (scalar(t, countSql) < rows) {
            assertThat(System.nanoTime()).as("the job audited: %s", countSql).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    /** Waits until the wall clock's second of the minute is in [from, to), and returns the time. */
    private static long awaitSecondOfMinute(int from, int to) throws InterruptedException {
        while (true) {
            long now = System.currentTimeMillis();
            long second = Math.floorMod(now, 60_000L) / 1000;
            if (second >= from && second < to) {
                return now;
            }
            Thread.sleep(200);
        }
    }

    private static ProducerRecord<byte[], byte[]> disaster(String id, String claimedTenant) {
        return disaster(tenant, id, claimedTenant, null);
    }

    /** A disaster for {@code t}'s topic, stamped {@code timestamp} (CreateTime) or by the producer if null. */
    private static ProducerRecord<byte[], byte[]> disaster(
            TenantConfig t, String id, String claimedTenant, Long timestamp) {
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
                t.names().topic(StreamKind.DISASTERS),
                null,
                timestamp,
                null,
                d.toString().getBytes(StandardCharsets.UTF_8));
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
        return scalar(tenant, sql);
    }

    private static long scalar(TenantConfig t, String sql) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(sql.replace(
                        "audit_log", SqlDialect.qualified(t.database().schema(), "audit_log")))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
