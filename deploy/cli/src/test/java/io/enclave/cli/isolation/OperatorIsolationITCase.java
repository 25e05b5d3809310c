package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJob;
import io.enclave.sinks.TenantTableCounts;
import io.enclave.testing.MiniClusters;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "operator", and the hostile-input suite: tenant A's real job (Kafka with its
 * own SCRAM principal, tag, guard, sink guard, JDBC as its own user) on a provisioned SASL
 * broker and MariaDB, fed by A's publisher principal with records that claim tenant B, carry
 * unknown or garbage classifications, wrong or look-alike states, duplicate keys, deep
 * nesting, oversize and 10 MB values, invalid UTF-8, control characters, SQL injection text in
 * every string field, and field names of Enclave's own metadata columns. The job must never
 * restart, every record must be a row or an audited rejection, and nothing may reach B, whose
 * own job runs alongside on the same cluster, so that anything of A's feed that reached B's
 * topics, job or tables would show in B's tables and audit log.
 */
class OperatorIsolationITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Injection attempts for every string column; each must come back byte for byte. */
    private static final List<String> INJECTIONS = List.of(
            "x'); DROP TABLE disaster_declarations; --",
            "' OR '1'='1",
            "\\'; DELETE FROM audit_log; #",
            "\"; UPDATE weather_alerts SET tenant_id='oiso_bravo'; --",
            "1; GRANT ALL ON *.* TO 'oiso_alpha_writer'@'%'; --",
            "Robert'); SELECT SLEEP(10); --");

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb db;
    private static IsolationFixture fixture;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        db = EmbeddedMariaDb.shared();
        fixture = new IsolationFixture("oiso", dir, kafka.bootstrapServers(), db.rootJdbcUrl(), kafka);
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

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theProbeCommandFindsEveryDoorOfTenantAShutToTenantB() {
        IsolationFixture.Run probe = IsolationFixture.cli(
                "probe",
                "-c",
                fixture.configFile.toString(),
                "--as",
                fixture.bravo().id(),
                "--target",
                fixture.alpha().id());

        assertThat(probe.exit()).as(probe.toString()).isZero();
        assertThat(probe.out())
                .contains(
                        "4 of 4 attempts denied",
                        "TopicAuthorizationException",
                        "GroupAuthorizationException",
                        "SELECT command denied");
        assertThat(probe.out()).doesNotContain("NOT DENIED");
    }

    @Test
    void hostileRecordsAreRejectedAndAuditedWithoutARestartAndNothingReachesTenantB(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        Feed feed = hostileFeed(a, b);

        JobClient job = TenantJob.environment(fixture.config.global(), a)
                .executeAsync(a.names().jobName());
        JobClient bravoJob = TenantJob.environment(fixture.config.global(), b)
                .executeAsync(b.names().jobName());
        try {
            // B's job is up and writing its own audit log before A's feed is published.
            awaitAuditAction(b, "JOB_START");
            long produced = feed.publish(a);
            assertThat(produced).isEqualTo(feed.records.size());
            // 10 MB: the topic's max.message.bytes, set by provisioning from max_message_bytes, stops it at the broker.
            assertThatThrownBy(() -> publishOne(a, a.names().topic(StreamKind.DISASTERS), new byte[10 << 20]))
                    .rootCause()
                    .isInstanceOf(RecordTooLargeException.class);

            TenantTableCounts counts = awaitAccountedFor(a, produced);

            assertThat(counts.rejectedByReason()).isEqualTo(feed.expectedRejections());
            assertThat(counts.accepted() + counts.rejected())
                    .as("produced = accepted + rejected")
                    .isEqualTo(produced);
            assertThat(ids(a, StreamKind.DISASTERS))
                    .containsExactlyInAnyOrderElementsOf(feed.accepted(StreamKind.DISASTERS));
            assertThat(ids(a, StreamKind.WEATHER))
                    .containsExactlyInAnyOrderElementsOf(feed.accepted(StreamKind.WEATHER));
            assertSqlInjectionStoredVerbatim(a);
            assertMetadataColumnsAreEnclaves(a);
            assertThat(distinctTenantIds(a)).containsOnly(a.id());

            // Nothing reached B: B's job ran all along, yet its tables hold no row and its audit log only
            // its own job's records, none about a record.
            try (Connection root = db.rootConnection()) {
                TenantTableCounts bravo = TenantTableCounts.read(root, b);
                assertThat(bravo.accepted() + bravo.rejected()).isZero();
                assertThat(count(root, b, "audit_log"))
                        .as("B's job audits its own start")
                        .isPositive();
                assertThat(column(root, b, "SELECT COALESCE(record_key, '') FROM audit_log"))
                        .allSatisfy(key -> assertThat(key).isEmpty());
                assertThat(column(root, b, "SELECT DISTINCT tenant_id FROM audit_log"))
                        .containsExactly(b.id());
            }
            assertThat(bravoJob.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            assertThat(lastRestart(client, bravoJob))
                    .as("B's RESTARTING timestamp")
                    .isZero();

            // The job took all of it in its stride: still running, never restarted.
            assertThat(job.getJobStatus().get(30, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
            assertThat(lastRestart(client, job)).as("RESTARTING timestamp").isZero();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
            bravoJob.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    /** Waits until the tenant's audit log holds a row of {@code action}; fails after 2 minutes. */
    private static void awaitAuditAction(TenantConfig tenant, String action) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try (Connection root = db.rootConnection()) {
                if (!column(root, tenant, "SELECT action FROM audit_log WHERE action = '" + action + "'")
                        .isEmpty()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + action + " in the audit log of " + tenant.id() + " within 2 minutes");
            }
            Thread.sleep(500);
        }
    }

    /** One column of a query on the tenant's schema, as root. */
    private static List<String> column(Connection root, TenantConfig tenant, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = root.createStatement()) {
            st.execute("USE `" + tenant.database().schema() + "`");
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    // ---- the hostile feed ----

    private static Feed hostileFeed(TenantConfig a, TenantConfig b) throws Exception {
        Feed f = new Feed();
        f.accept(StreamKind.DISASTERS, "h-control", declaration("h-control", "CO"));
        f.reject(StreamKind.DISASTERS, "cross_tenant", with(declaration("h-claims-b", "CO"), "tenant_id", b.id()));
        f.reject(
                StreamKind.DISASTERS,
                "malformed",
                utf8("{\"id\":\"h-dupkey\",\"state\":\"CO\",\"tenant_id\":\"" + a.id()
                        + "\",\"data_classification\":\"PUBLIC\",\"tenant_id\":\"" + b.id() + "\"}"));
        f.reject(
                StreamKind.DISASTERS,
                "unknown_classification",
                with(declaration("h-top-secret", "CO"), "data_classification", "TOP_SECRET"));
        f.reject(
                StreamKind.DISASTERS,
                "unknown_classification",
                with(declaration("h-lowercase-level", "CO"), "data_classification", "public"));
        f.reject(
                StreamKind.DISASTERS,
                "unknown_classification",
                with(declaration("h-garbage-level", "CO"), "data_classification", "\u0000\u202e\uFFFD"));
        f.reject(
                StreamKind.DISASTERS,
                "unknown_classification",
                with(declaration("h-sqli-level", "CO"), "data_classification", INJECTIONS.get(1)));
        f.reject(
                StreamKind.DISASTERS,
                "classification_not_allowed",
                with(declaration("h-confidential", "CO"), "data_classification", "CONFIDENTIAL"));
        for (String state : List.of("co", " CO", "CO ", "\u0421O", "C\u041E", "TX", "CO' OR '1'='1")) {
            f.reject(
                    StreamKind.DISASTERS,
                    "state_not_allowed",
                    declaration("h-state-" + Integer.toHexString(state.hashCode()), state));
        }
        f.reject(StreamKind.DISASTERS, "malformed", deeplyNested());
        f.reject(
                StreamKind.DISASTERS,
                "malformed",
                concat(
                        utf8("{\"id\":\"h-bad-utf8\",\"state\":\"CO\"," + "\"incidentType\":\"Fl"),
                        new byte[] {(byte) 0xC3, (byte) 0x28},
                        utf8("od\"}")));
        f.reject(
                StreamKind.DISASTERS,
                "malformed",
                concat(
                        utf8("{\"id\":\"h-raw-control\",\"state\":\"CO\"," + "\"incidentType\":\"Fl"),
                        new byte[] {0x01, 0x1b},
                        utf8("ood\"}")));
        ObjectNode escapedControls = declaration("h-escaped-control", "CO");
        escapedControls.put("declarationTitle", "line one\nline two\u0007\u001b[31m red\u0000");
        f.accept(StreamKind.DISASTERS, "h-escaped-control", escapedControls);
        ObjectNode oversize = declaration("h-oversize", "CO");
        oversize.put("declarationTitle", "x".repeat(a.processing().maxMessageBytes() + 10_000));
        f.reject(StreamKind.DISASTERS, "oversize", oversize);
        f.reject(StreamKind.DISASTERS, "malformed", utf8("{\"id\": \"h-truncated\", \"state\": \"C"));
        for (int i = 0; i < INJECTIONS.size(); i++) {
            String id = INJECTIONS.get(i) + " #" + i;
            f.accept(StreamKind.DISASTERS, id, injected(id, INJECTIONS.get(i)));
        }
        ObjectNode metadata = declaration("h-metadata-names", "CO");
        metadata.put("tenant_id", a.id());
        metadata.put("isolation_boundary", "tenant:" + b.id());
        metadata.put("data_owner", "Bravo State Division of Emergency Management");
        metadata.put("processing_time", 0);
        metadata.put("source_topic", b.names().topic(StreamKind.DISASTERS));
        metadata.put("source_offset", -99);
        metadata.put("content_hash", "0000");
        metadata.put("states", "TX");
        f.accept(StreamKind.DISASTERS, "h-metadata-names", metadata);

        f.accept(StreamKind.WEATHER, "urn:oid:h-alert-co", alert("urn:oid:h-alert-co", "COZ034", "008013"));
        ObjectNode alertClaimsB = alert("urn:oid:h-alert-claims-b", "COZ034", "008013");
        ((ObjectNode) alertClaimsB.get("properties")).put("tenant_id", b.id());
        f.reject(StreamKind.WEATHER, "cross_tenant", alertClaimsB);
        f.reject(StreamKind.WEATHER, "state_not_allowed", alert("urn:oid:h-alert-tx", "TXZ001", "048001"));
        return f;
    }

    private static ObjectNode declaration(String id, String state) {
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.put("femaDeclarationString", "DR-9001-CO");
        d.put("disasterNumber", 9001);
        d.put("state", state);
        d.put("declarationType", "DR");
        d.put("declarationDate", "2026-03-01T00:00:00.000Z");
        d.put("incidentType", "Flood");
        d.put("declarationTitle", "SPRING FLOODING");
        d.put("designatedArea", "Larimer (County)");
        return d;
    }

    /** The injection text in every string field of a declaration, the id included. */
    private static ObjectNode injected(String id, String text) {
        ObjectNode d = declaration(id, "CO");
        for (String field : List.of(
                "femaDeclarationString",
                "declarationType",
                "incidentType",
                "declarationTitle",
                "fipsStateCode",
                "fipsCountyCode",
                "placeCode",
                "designatedArea",
                "declarationRequestNumber",
                "incidentId",
                "designatedIncidentTypes",
                "hash")) {
            d.put(field, text);
        }
        return d;
    }

    private static ObjectNode alert(String id, String ugc, String same) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", id);
        p.put("event", "Winter Storm Warning");
        p.put("status", "Actual");
        p.put("sent", "2026-01-10T05:00:00-07:00");
        p.put("areaDesc", "Larimer");
        p.putObject("geocode").set("UGC", JSON.createArrayNode().add(ugc));
        ((ObjectNode) p.get("geocode")).set("SAME", JSON.createArrayNode().add(same));
        ObjectNode feature = JSON.createObjectNode();
        feature.put("id", "https://api.weather.gov/alerts/" + id);
        feature.put("type", "Feature");
        feature.set("properties", p);
        return feature;
    }

    private static ObjectNode with(ObjectNode node, String field, String value) {
        node.put(field, value);
        return node;
    }

    private static byte[] deeplyNested() {
        String open = "[".repeat(200);
        String close = "]".repeat(200);
        return utf8("{\"id\":\"h-deep\",\"state\":\"CO\",\"extra\":" + open + close + "}");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** What is published, and what the test expects of each record. */
    private static final class Feed {
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final Map<StreamKind, List<String>> acceptedIds = new HashMap<>();
        final Map<String, Long> rejections = new TreeMap<>();

        void accept(StreamKind stream, String id, JsonNode payload) throws Exception {
            acceptedIds.computeIfAbsent(stream, s -> new ArrayList<>()).add(id);
            records.add(record(stream, JSON.writeValueAsBytes(payload)));
        }

        void reject(StreamKind stream, String reason, JsonNode payload) throws Exception {
            reject(stream, reason, JSON.writeValueAsBytes(payload));
        }

        void reject(StreamKind stream, String reason, byte[] payload) {
            rejections.merge(reason, 1L, Long::sum);
            records.add(record(stream, payload));
        }

        private ProducerRecord<byte[], byte[]> record(StreamKind stream, byte[] payload) {
            // The topic is filled in at publish time, when the tenant is known.
            return new ProducerRecord<>(stream.name(), payload);
        }

        List<String> accepted(StreamKind stream) {
            return acceptedIds.getOrDefault(stream, List.of());
        }

        Map<String, Long> expectedRejections() {
            return rejections;
        }

        /** Publishes as the tenant's own publisher principal; returns how many the broker acknowledged. */
        long publish(TenantConfig tenant) throws Exception {
            long acked = 0;
            for (ProducerRecord<byte[], byte[]> r : records) {
                publishOne(tenant, tenant.names().topic(StreamKind.valueOf(r.topic())), r.value());
                acked++;
            }
            return acked;
        }
    }

    private static void publishOne(TenantConfig tenant, String topic, byte[] value) throws Exception {
        Map<String, Object> props = new HashMap<>(IsolationFixture.scram(kafka, tenant.kafkaPublisher()));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Large enough that the broker, not this client, is what refuses a 10 MB value.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                // Just-provisioned ACLs take a moment to reach the broker.
                boolean notYet = e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException;
                if (!notYet || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    // ---- what the user sees ----

    private static TenantTableCounts awaitAccountedFor(TenantConfig tenant, long produced) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        TenantTableCounts c = counts(tenant);
        while (c.accepted() + c.rejected() < produced && System.nanoTime() < deadline) {
            Thread.sleep(500);
            c = counts(tenant);
        }
        // A short grace period, so a surplus row or audit record would show too.
        Thread.sleep(1500);
        return counts(tenant);
    }

    private static TenantTableCounts counts(TenantConfig tenant) throws SQLException {
        try (Connection root = db.rootConnection()) {
            return TenantTableCounts.read(root, tenant);
        }
    }

    /** Reads as the tenant's own user, with bind parameters only. */
    private static Connection asTenant(TenantConfig tenant) throws SQLException {
        return java.sql.DriverManager.getConnection(
                db.jdbcUrl(tenant.database().schema()),
                tenant.database().user(),
                tenant.database().password().reveal());
    }

    private static List<String> ids(TenantConfig tenant, StreamKind stream) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = asTenant(tenant);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM `" + stream.table() + "`")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static void assertSqlInjectionStoredVerbatim(TenantConfig tenant) throws SQLException {
        try (Connection c = asTenant(tenant);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT fema_declaration_string, declaration_type, incident_type, declaration_title, fips_state_code,"
                                + " fips_county_code, place_code, designated_area, declaration_request_number, incident_id,"
                                + " designated_incident_types, fema_hash FROM disaster_declarations WHERE id = ?")) {
            for (int i = 0; i < INJECTIONS.size(); i++) {
                ps.setString(1, INJECTIONS.get(i) + " #" + i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("row of injection %d", i).isTrue();
                    for (int col = 1; col <= 12; col++) {
                        assertThat(rs.getString(col)).isEqualTo(INJECTIONS.get(i));
                    }
                }
            }
            PreparedStatement title =
                    c.prepareStatement("SELECT declaration_title FROM disaster_declarations WHERE id = ?");
            title.setString(1, "h-escaped-control");
            try (ResultSet rs = title.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("line one\nline two\u0007\u001b[31m red\u0000");
            }
        }
        // The statements in the text never ran: every table is still there, and no privilege was granted.
        try (Connection root = db.rootConnection()) {
            for (String table : List.of("disaster_declarations", "weather_alerts", "audit_log")) {
                assertThat(count(root, tenant, table)).isPositive();
            }
            try (Statement st = root.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = \"'"
                                    + tenant.database().user() + "'@'%'\" AND PRIVILEGE_TYPE <> 'USAGE'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    private static void assertMetadataColumnsAreEnclaves(TenantConfig tenant) throws SQLException {
        try (Connection c = asTenant(tenant);
                PreparedStatement ps = c.prepareStatement("SELECT tenant_id,"
                        + " isolation_boundary, data_owner, source_topic, source_offset, content_hash, states,"
                        + " processing_time FROM disaster_declarations WHERE id = ?")) {
            ps.setString(1, "h-metadata-names");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(tenant.id());
                assertThat(rs.getString(2)).isEqualTo("tenant:" + tenant.id());
                assertThat(rs.getString(3)).isEqualTo(tenant.organization());
                assertThat(rs.getString(4)).isEqualTo(tenant.names().topic(StreamKind.DISASTERS));
                assertThat(rs.getLong(5)).isNotNegative();
                assertThat(rs.getString(6)).hasSize(64).isNotEqualTo("0000");
                assertThat(rs.getString(7)).isEqualTo("CO");
                assertThat(rs.getTimestamp(8).getTime()).isGreaterThan(0);
            }
        }
    }

    private static Set<String> distinctTenantIds(TenantConfig tenant) throws SQLException {
        Set<String> owners = new java.util.HashSet<>();
        try (Connection c = asTenant(tenant);
                Statement st = c.createStatement()) {
            for (String table : List.of("disaster_declarations", "weather_alerts", "audit_log")) {
                try (ResultSet rs = st.executeQuery("SELECT DISTINCT tenant_id FROM `" + table + "`")) {
                    while (rs.next()) {
                        owners.add(rs.getString(1));
                    }
                }
            }
        }
        return owners;
    }

    private static long count(Connection c, TenantConfig tenant, String table) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT COUNT(*) FROM `" + tenant.database().schema() + "`.`" + table + "`")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * When the job last entered RESTARTING, from the job details the Flink web UI shows
     * ({@code GET /jobs/<id>}); 0 means it never restarted.
     */
    private static long lastRestart(ClusterClient<?> client, JobClient job) throws Exception {
        URI uri = URI.create(client.getWebInterfaceURL() + "/jobs/" + job.getJobID());
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode details = JSON.readTree(response.body());
        assertThat(details.path("state").asText()).as(response.body()).isEqualTo("RUNNING");
        assertThat(details.path("timestamps").has("RESTARTING"))
                .as(response.body())
                .isTrue();
        return details.path("timestamps").path("RESTARTING").asLong();
    }
}
