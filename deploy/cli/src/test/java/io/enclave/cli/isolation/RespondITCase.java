package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.cli.incident.OpenAlerts;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.audit.SiemTopicReader;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditJson;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.testing.MiniClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's alert lifecycle and automatic response on real parts: a SASL/SCRAM broker with ACLs, MariaDB and a
 * MiniCluster running both tenants' jobs with real-time detection, both with
 * {@code incident_response: {contain: publisher, after: 40s}}. A hostile burst raises an alert for each. Lines
 * forged onto the SIEM topic (an ack and a quarantine naming A's alert, signed by no job key) close nothing and are
 * counted in status's warning; B's alert is acknowledged with {@code enclave ack}, which closes it. {@code respond
 * --once} before the deadline does nothing; after it, it quarantines A (its publisher gets an authorization error,
 * the quarantine's reason names the alert) and leaves B alone; a second pass does nothing.
 */
class RespondITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 4);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int THRESHOLD = 3;

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb db;
    private static IsolationFixture fixture;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        db = EmbeddedMariaDb.shared();
        fixture = new IsolationFixture(
                "resp", dir, kafka.bootstrapServers(), db.rootJdbcUrl(), kafka, RespondITCase::withDetection);
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(fixture.alpha(), fixture.bravo())) {
                st.execute("DROP DATABASE IF EXISTS `" + t.database().schema() + "`");
            }
        }
        IsolationFixture.Run kafkaRun = fixture.provisionKafka();
        assertThat(kafkaRun.exit()).as(kafkaRun.toString()).isZero();
        IsolationFixture.Run dbRun = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(dbRun.exit()).as(dbRun.toString()).isZero();
    }

    /** Both tenants watched in real time and contained automatically: a one-hour window, a 40 s deadline. */
    private static String withDetection(String yaml) {
        String audit = "    audit_requirements:\n"
                + "      siem_integration: true\n"
                + "      realtime_monitoring: true\n"
                + "      incident_response: {contain: publisher, after: 40s}\n"
                + "      detection: {cross_tenant_claims: {count: " + THRESHOLD + ", window: 1h}}\n";
        return yaml.replace("    data_restrictions:\n", audit + "    data_restrictions:\n");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anUnacknowledgedAlertIsContainedAfterItsDeadlineOnceAndAnAcknowledgedOneIsNot() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String config = fixture.configFile.toString();
        String[] admin = {"--kafka-admin-config", fixture.kafkaAdminConfig.toString()};

        JobClient alphaJob = TenantJob.environment(fixture.config.global(), a)
                .executeAsync(a.names().jobName());
        JobClient bravoJob = TenantJob.environment(fixture.config.global(), b)
                .executeAsync(b.names().jobName());
        try {
            publish(a, "CO", "a-claim", THRESHOLD, "another_tenant");
            publish(b, "TX", "b-claim", THRESHOLD, "another_tenant");
            AuditRecord alphaAlert = awaitAlert(a);
            AuditRecord bravoAlert = awaitAlert(b);
            Instant deadline = respondBy(alphaAlert);

            // Before the deadline: nothing.
            assertThat(Instant.now())
                    .as("the first pass runs before A's deadline")
                    .isBefore(deadline);
            IsolationFixture.Run early =
                    IsolationFixture.cli(concat(new String[] {"respond", "--once", "-c", config}, admin));
            assertThat(early.exit()).as(early.toString()).isZero();
            assertThat(early.out())
                    .contains(a.id() + ": 1 open alert(s), none overdue (next: alert #" + alphaAlert.sequence)
                    .contains(b.id() + ": 1 open alert(s), none overdue (next: alert #" + bravoAlert.sequence)
                    .doesNotContain("QUARANTINED");
            assertThat(QuarantineFile.of(a).read()).isEmpty();

            // Forged onto the SIEM topic by someone who may write it but holds no job key: an ack of A's alert and
            // a quarantine naming it. Neither closes it; both are counted.
            forge(alphaAlert, AuditAction.ALERT_ACKNOWLEDGED, OpenAlerts.ackKey(alphaAlert.recordId), "acknowledged");
            forge(alphaAlert, AuditAction.QUARANTINE, "", "quarantine started: alert #" + alphaAlert.sequence);
            IsolationFixture.Run status = IsolationFixture.cli(concat(new String[] {"status", "-c", config}, admin));
            assertThat(status.exit()).as(status.toString()).isEqualTo(1);
            assertThat(status.out())
                    .contains("WARNING: ignored 2 record(s) of tenant " + a.id() + " on the SIEM topic")
                    .contains("    #" + alphaAlert.sequence + " cross_tenant_claims, respond by " + deadline)
                    .contains("    #" + bravoAlert.sequence + " cross_tenant_claims");

            // B's alert is acknowledged, through B's audit topic and B's job.
            IsolationFixture.Run ack = IsolationFixture.cli(concat(
                    new String[] {
                        "ack", "-c", config, "-t", b.id(), "--alert", "#" + bravoAlert.sequence, "--reason", "drill"
                    },
                    admin));
            assertThat(ack.exit()).as(ack.toString()).isZero();
            assertThat(ack.out()).contains("acknowledged alert #" + bravoAlert.sequence + " (cross_tenant_claims");
            awaitNoOpenAlert(b, admin);

            // After it: A is contained, with the alert named; B, whose alert was acknowledged, is not.
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), deadline).toMillis() + 1000));
            IsolationFixture.Run late =
                    IsolationFixture.cli(concat(new String[] {"respond", "--once", "-c", config}, admin));
            assertThat(late.out())
                    .as(late.toString())
                    .contains(a.id() + ": alert #" + alphaAlert.sequence + " (cross_tenant_claims, id "
                            + alphaAlert.recordId
                            + ") not acknowledged by its deadline: quarantining (scope publisher)")
                    // DENY ALL on each data topic, the audit topic and the transactional-id prefix
                    .contains(a.id() + ": QUARANTINED (scope publisher, 4 steps, each audited) for alert #"
                            + alphaAlert.sequence)
                    .contains(b.id() + ": no open alerts; nothing to do");
            QuarantineState state = QuarantineFile.of(a).read().orElseThrow();
            assertThat(state.scope).isEqualTo("publisher");
            assertThat(state.reason).contains("alert #" + alphaAlert.sequence).contains(alphaAlert.recordId);
            assertThat(QuarantineFile.of(b).read()).isEmpty();
            assertThatThrownBy(() -> sendOnce(a, "a-after", "CO", null))
                    .hasRootCauseInstanceOf(TopicAuthorizationException.class);
            publish(b, "TX", "b-after", 1, null);

            // A second pass does nothing: A is quarantined already (or its chained quarantine closed the alert).
            IsolationFixture.Run again =
                    IsolationFixture.cli(concat(new String[] {"respond", "--once", "-c", config}, admin));
            assertThat(again.out())
                    .as(again.toString())
                    .containsAnyOf(a.id() + ": no open alerts; nothing to do", "but the tenant is already quarantined")
                    .doesNotContain("quarantining");
            assertThat(QuarantineFile.of(a).read().orElseThrow().since).isEqualTo(state.since);

            // Its quarantine, chained by A's job, names the alert and so closes it on the SIEM topic: respond, run
            // again on a host without the quarantine record (or after losing it), reads that and does nothing.
            awaitNoOpenAlert(a, admin);
            Path record = QuarantineFile.of(a).path();
            Path aside = Files.move(record, record.resolveSibling("aside.json"));
            IsolationFixture.Run elsewhere =
                    IsolationFixture.cli(concat(new String[] {"respond", "--once", "-c", config}, admin));
            Files.move(aside, record);
            assertThat(elsewhere.out())
                    .as(elsewhere.toString())
                    .contains(a.id() + ": no open alerts; nothing to do")
                    .doesNotContain("quarantining");
            assertThat(alphaJob.getJobStatus().get(30, TimeUnit.SECONDS).isGloballyTerminalState())
                    .isFalse();
        } finally {
            alphaJob.cancel().get(60, TimeUnit.SECONDS);
            bravoJob.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static Instant respondBy(AuditRecord alert) {
        String detail = alert.detail;
        return Instant.parse(detail.substring(detail.lastIndexOf("respond by ") + "respond by ".length()));
    }

    private static Properties adminLogin() {
        Properties p = new Properties();
        kafka.adminClientProperties().forEach((k, v) -> p.put(k, v.toString()));
        return p;
    }

    private static AuditRecord awaitAlert(TenantConfig tenant) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            Optional<AuditRecord> alert = SiemTopicReader.read(
                            fixture.config.global(), adminLogin(), List.of(tenant.id()), Duration.ofSeconds(30))
                    .get(tenant.id())
                    .records()
                    .stream()
                    .filter(r -> r.action == AuditAction.SECURITY_ALERT)
                    .findFirst();
            if (alert.isPresent()) {
                return alert.get();
            }
            assertThat(System.nanoTime())
                    .as("an alert of %s on the SIEM topic", tenant.id())
                    .isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static void awaitNoOpenAlert(TenantConfig tenant, String[] admin) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            IsolationFixture.Run status = IsolationFixture.cli(
                    concat(new String[] {"status", "-c", fixture.configFile.toString(), "-t", tenant.id()}, admin));
            if (status.out().contains("open alerts: 0")) {
                return;
            }
            assertThat(System.nanoTime()).as(status.toString()).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** A record of {@code action} naming {@code alert}, written straight onto the SIEM topic as the admin. */
    private static void forge(AuditRecord alert, AuditAction action, String key, String detail) throws Exception {
        AuditRecord f = AuditJson.readChained(AuditJson.write(JSON, alert, true));
        f.action = action;
        f.recordKey = key;
        f.reason = action == AuditAction.QUARANTINE ? "completed" : "acknowledged";
        f.detail = detail;
        f.sequence = alert.sequence + 1_000;
        f.submitter = alert.tenantId + "/cli/v1";
        f.submitterSignature = "00".repeat(64);
        ObjectNode line = AuditJson.write(JSON, f, true);
        Map<String, Object> props = new HashMap<>(kafka.adminClientProperties());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            fixture.config.global().siemTopic(),
                            alert.tenantId.getBytes(StandardCharsets.UTF_8),
                            (line + "\n").getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** Publishes as the tenant's publisher, retrying while freshly provisioned ACLs reach the broker. */
    private static void publish(TenantConfig tenant, String state, String prefix, int count, String claimed)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 0; i < count; i++) {
            while (true) {
                try {
                    sendOnce(tenant, prefix + "-" + i, state, claimed);
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof AuthorizationException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    private static void sendOnce(TenantConfig tenant, String id, String state, String claimedTenant) throws Exception {
        Map<String, Object> props = new HashMap<>(IsolationFixture.scram(kafka, tenant.kafkaPublisher()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.put("femaDeclarationString", "DR-9999-" + state);
        d.put("state", state);
        d.put("incidentType", "Flood");
        d.put("declarationDate", "2026-11-01T00:00:00.000Z");
        d.put("data_classification", "PUBLIC");
        if (claimedTenant != null) {
            d.put("tenant_id", claimedTenant);
        }
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            tenant.names().topic(StreamKind.DISASTERS),
                            d.toString().getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
