package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.EncryptionMode;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.CommittedTopic;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.TenantYaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Field encryption on the real pipeline: two tenants' jobs on an embedded broker, MariaDB and a
 * MiniCluster, keys made and destroyed with the real CLI in a real BCFKS store. What a tenant
 * can see in its own tables is ciphertext only, and the decrypt command gives the values back
 * until the tenant's keys are destroyed.
 */
class FieldEncryptionITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHA = "crypt_alpha";
    private static final String BETA = "crypt_beta";
    private static final int DISASTERS = 12;
    private static final int ALERTS = 6;

    /**
     * The mode of every encrypted column, as each tenant's config asks: alpha names its fields
     * (place codes deterministic), beta sets no encrypt section and gets the RESTRICTED
     * defaults, which leave titles plain and also make place codes deterministic.
     */
    private static Map<String, Map<String, EncryptionMode>> encryptedColumns(String tenant) {
        Map<String, EncryptionMode> disasters = new LinkedHashMap<>();
        disasters.put("designated_area", EncryptionMode.RANDOMIZED);
        if (tenant.equals(ALPHA)) {
            disasters.put("declaration_title", EncryptionMode.RANDOMIZED);
        }
        disasters.put("place_code", EncryptionMode.DETERMINISTIC);
        Map<String, EncryptionMode> alerts = new LinkedHashMap<>();
        alerts.put("area_desc", EncryptionMode.RANDOMIZED);
        alerts.put("description", EncryptionMode.RANDOMIZED);
        alerts.put("instruction", EncryptionMode.RANDOMIZED);
        return Map.of("disaster_declarations", disasters, "weather_alerts", alerts);
    }

    /** The text a value of this mode must start with: the format says which mode wrote it. */
    private static String formatOf(EncryptionMode mode) {
        return mode == EncryptionMode.RANDOMIZED ? "v1" : "s1";
    }

    @TempDir
    static Path dir;

    private static Path configFile;
    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static EnclaveConfig config;

    @BeforeAll
    static void startServersAndCreateKeys() throws Exception {
        kafka = EmbeddedKafka.start();
        database = EmbeddedMariaDb.shared();
        configFile = dir.resolve("tenants.yaml");
        TenantYaml.global(kafka.bootstrapServers(), database.rootJdbcUrl())
                .tenant(
                        ALPHA,
                        t -> t.organization("Alpha Emergency Management")
                                .database("it_crypt_alpha", "it_crypt_alpha", "alpha-db", "alpha_key")
                                // Relative to the config file's directory, wherever the commands below run from.
                                .keystore("keys/alpha.bcfks", "it-crypt-alpha-keystore", "BCFKS")
                                .section(
                                        "processing",
                                        "{batch_size: 200, batch_interval: 1s, checkpoint_interval: 1s, topic_partitions: 1, "
                                                + "encrypt: {disasters: [designatedArea, declarationTitle, {field: placeCode, mode: deterministic}], "
                                                + "weather: [areaDesc, description, instruction]}}"))
                .tenant(
                        BETA,
                        t -> t.organization("Beta Emergency Management")
                                .database("it_crypt_beta", "it_crypt_beta", "beta-db", "beta_key")
                                .keystore("keys/beta.bcfks", "it-crypt-beta-keystore", "BCFKS")
                                .section(
                                        "processing",
                                        "{batch_size: 200, batch_interval: 1s, checkpoint_interval: 1s, topic_partitions: 1}"))
                .write(configFile);
        config = TenantConfigLoader.load(configFile, Map.of());
        try (Connection root = database.rootConnection()) {
            for (TenantConfig tenant : config.tenants()) {
                FreshTenantDatabase.recreate(root, tenant);
                kafka.createTopics(1, tenant.names().topics().toArray(String[]::new));
                kafka.createTopics(1, tenant.names().auditTopic());
                CliRun init = cli("keys", "init", "--config", configFile.toString(), "--tenant", tenant.id());
                assertThat(init.exit()).as(init.err()).isZero();
                assertThat(init.out()).contains("created data key version 1 of").doesNotContain("audit key");
            }
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void sensitiveColumnsHoldOnlyCiphertextThatDecryptsUntilTheKeysAreDestroyed() throws Exception {
        Map<String, Feed> feeds = new LinkedHashMap<>();
        for (TenantConfig tenant : config.tenants()) {
            feeds.put(tenant.id(), new Feed(tenant));
        }
        // The jobs keep running through the commands below: they chain the commands' audit records.
        List<JobClient> jobs = new ArrayList<>();
        try {
            for (TenantConfig tenant : config.tenants()) {
                jobs.add(TenantJob.environment(config.global(), tenant)
                        .executeAsync(tenant.names().jobName()));
            }
            feeds.values().forEach(Feed::publish);
            for (TenantConfig tenant : config.tenants()) {
                awaitRows(tenant);
                awaitKeyUseSummaries(tenant, feeds.get(tenant.id()).encryptedValues());
            }
            encryptedAtRestDecryptableUntilShredded(feeds);
        } finally {
            for (JobClient job : jobs) {
                job.cancel().get();
            }
        }
        for (TenantConfig tenant : config.tenants()) {
            CliRun verify = cli("audit", "verify", "--config", configFile.toString(), "--tenant", tenant.id());
            assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        }

        // The data-key store holds no audit key any more: a destroy shreds data keys only, and its record is
        // signed by the CLI's own signing key, in a store of its own.
        CliRun shredAll = cli("keys", "destroy", "--config", configFile.toString(), "--tenant", ALPHA, "--yes");
        assertThat(shredAll.exit()).as(shredAll.err()).isZero();
        AuditRecord submitted = AuditSubmission.decode(
                CommittedTopic.newestValue(
                        kafka.adminClientProperties(),
                        config.tenant(ALPHA).names().auditTopic()),
                io.enclave.operators.audit.AuditTrust.read(
                        io.enclave.operators.audit.AuditSigning.trustFile(config.tenant(ALPHA))));
        assertThat(submitted.action).isEqualTo(AuditAction.KEYS_DESTROY);
        assertThat(submitted.detail).startsWith("destroyed data key versions").doesNotContain("audit key");
        assertThat(submitted.submitter).isEqualTo(ALPHA + "/cli/v1");
    }

    private void encryptedAtRestDecryptableUntilShredded(Map<String, Feed> feeds) throws Exception {

        for (TenantConfig tenant : config.tenants()) {
            Feed feed = feeds.get(tenant.id());
            for (Map.Entry<String, Map<String, EncryptionMode>> table :
                    encryptedColumns(tenant.id()).entrySet()) {
                List<Map<String, String>> rows = rows(tenant, table.getKey());
                for (Map.Entry<String, EncryptionMode> column : table.getValue().entrySet()) {
                    String format = formatOf(column.getValue());
                    assertThat(rows)
                            .as("%s %s.%s is %s", tenant.id(), table.getKey(), column.getKey(), column.getValue())
                            .allSatisfy(row -> assertThat(row.get(column.getKey()))
                                    .matches("enc:" + format + ":k1:[A-Za-z0-9_-]+"));
                    assertEqualPlaintextsEncryptAsTheModeSays(
                            tenant, feed, table.getKey(), column.getKey(), column.getValue(), rows);
                }
                // No plaintext of an encrypted field appears in any column of any row, nor in the audit log.
                for (String plaintext : feed.plaintexts()) {
                    assertThat(rows)
                            .allSatisfy(row -> assertThat(row.values())
                                    .as("row of %s", table.getKey())
                                    .noneMatch(cell -> cell != null && cell.contains(plaintext)));
                }
            }
            assertThat(rows(tenant, "audit_log"))
                    .allSatisfy(row -> assertThat(row.values())
                            .noneMatch(cell ->
                                    cell != null && feed.plaintexts().stream().anyMatch(cell::contains)));
        }

        // The feed sends equal plaintexts on purpose, so the modes can be told apart in the tables.
        List<Map<String, String>> alphaDisasters = rows(config.tenant(ALPHA), "disaster_declarations");
        assertThat(alphaDisasters.stream().map(r -> r.get("place_code")).distinct())
                .hasSize(3);
        assertThat(alphaDisasters.stream().map(r -> r.get("designated_area")).distinct())
                .hasSize(DISASTERS);

        // The decrypt command gives each original back, and audits the reader.
        for (String tenant : List.of(ALPHA, BETA)) {
            Map<String, String> row =
                    rows(config.tenant(tenant), "disaster_declarations").get(0);
            String id = row.get("id");
            CliRun area = decrypt(tenant, "disaster_declarations", "designated_area", id, row.get("designated_area"));
            assertThat(area.exit()).as(area.err()).isZero();
            assertThat(area.out().strip()).isEqualTo(feeds.get(tenant).original(id, "designated_area"));
            Map<String, String> alert =
                    rows(config.tenant(tenant), "weather_alerts").get(0);
            CliRun description =
                    decrypt(tenant, "weather_alerts", "description", alert.get("id"), alert.get("description"));
            assertThat(description.out().strip()).isEqualTo(feeds.get(tenant).original(alert.get("id"), "description"));
        }
        Map<String, String> alphaRow = alphaDisasters.get(0);
        CliRun placeCode =
                decrypt(ALPHA, "disaster_declarations", "place_code", alphaRow.get("id"), alphaRow.get("place_code"));
        assertThat(placeCode.out().strip()).isEqualTo(feeds.get(ALPHA).original(alphaRow.get("id"), "place_code"));
        assertThat(auditRows(ALPHA, "DECRYPT", 3)).anySatisfy(a -> {
            assertThat(a.get("outcome")).isEqualTo("SUCCESS");
            assertThat(a.get("principal")).isEqualTo(System.getProperty("user.name"));
            assertThat(a.get("source_topic")).isEqualTo("cli");
            assertThat(a.get("record_key")).isEqualTo(alphaRow.get("id"));
        });

        // Alpha's ciphertext moved into beta's row of the same id does not decrypt there. The two tenants hold
        // different keys here; FieldCryptoTest shows the same refusal when both share one key's material.
        CliRun moved = decrypt(
                BETA, "disaster_declarations", "designated_area", alphaRow.get("id"), alphaRow.get("designated_area"));
        assertThat(moved.exit()).isEqualTo(1);
        assertThat(moved.err()).contains("it was altered, or it belongs to another tenant, table, column or row");
        assertThat(moved.out()).isEmpty();
        assertThat(auditRows(BETA, "DECRYPT", 3))
                .anySatisfy(a -> assertThat(a.get("reason")).isEqualTo("authentication_failed"));

        // Crypto-shredding alpha: its values are gone for good; beta's still decrypt.
        CliRun destroy = cli("keys", "destroy", "--config", configFile.toString(), "--tenant", ALPHA, "--yes");
        assertThat(destroy.exit()).as(destroy.err()).isZero();
        assertThat(auditRows(ALPHA, "KEYS_DESTROY", 1))
                .singleElement()
                .satisfies(a -> assertThat(a.get("detail")).contains("destroyed data key versions [1] of alpha_key"));
        CliRun shredded = decrypt(
                ALPHA, "disaster_declarations", "designated_area", alphaRow.get("id"), alphaRow.get("designated_area"));
        assertThat(shredded.exit()).isEqualTo(ExitCode.KEY_MATERIAL);
        assertThat(shredded.err()).contains("key version 1 of tenant crypt_alpha was destroyed");
        Map<String, String> betaRow =
                rows(config.tenant(BETA), "disaster_declarations").get(0);
        CliRun stillThere = decrypt(
                BETA, "disaster_declarations", "designated_area", betaRow.get("id"), betaRow.get("designated_area"));
        assertThat(stillThere.exit()).as(stillThere.err()).isZero();
        assertThat(stillThere.out().strip()).isEqualTo(feeds.get(BETA).original(betaRow.get("id"), "designated_area"));
        assertThat(auditRows(BETA, "KEYS_INIT", 1)).hasSize(1);
        assertThat(chainedRows(BETA, "KEYS_DESTROY")).isEmpty();

        // A publisher may write the audit topic, but without the audit key its record is refused, and that is chained.
        AuditRecord fake = AuditSubmitter.commandRecord(
                config.tenant(BETA),
                AuditAction.KEYS_DESTROY,
                AuditOutcome.SUCCESS,
                "keys destroy",
                "",
                "destroyed data key versions [1] of beta_key");
        byte[] forged = AuditSubmission.encode(
                fake,
                new io.enclave.operators.audit.AuditSigner(
                        BETA + "/cli/v1", io.enclave.operators.audit.SignerRole.CLI, new byte[32]));
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.tenant(BETA).names().auditTopic(), forged))
                    .get();
        }
        assertThat(auditRows(BETA, "RECORD_REJECTED", 1)).singleElement().satisfies(a -> {
            assertThat(a.get("reason")).isEqualTo("forged_audit_submission");
            assertThat(a.get("source_topic")).isEqualTo("tenant_crypt_beta_audit");
        });
        assertThat(chainedRows(BETA, "KEYS_DESTROY"))
                .as("the forged record itself is not in the trail")
                .isEmpty();
    }

    /**
     * Rows whose plaintext is equal in this column: randomized mode must still give each its own
     * ciphertext, deterministic mode must give them one ciphertext, and unequal plaintexts differ.
     */
    private static void assertEqualPlaintextsEncryptAsTheModeSays(
            TenantConfig tenant,
            Feed feed,
            String table,
            String column,
            EncryptionMode mode,
            List<Map<String, String>> rows) {
        Map<String, List<String>> ciphertextsByPlaintext = new HashMap<>();
        for (Map<String, String> row : rows) {
            ciphertextsByPlaintext
                    .computeIfAbsent(feed.original(row.get("id"), column), k -> new ArrayList<>())
                    .add(row.get(column));
        }
        assertThat(ciphertextsByPlaintext.values())
                .as("%s %s.%s: some plaintext is sent twice", tenant.id(), table, column)
                .anySatisfy(same -> assertThat(same).hasSizeGreaterThan(1));
        for (Map.Entry<String, List<String>> same : ciphertextsByPlaintext.entrySet()) {
            if (mode == EncryptionMode.RANDOMIZED) {
                assertThat(same.getValue())
                        .as("%s %s.%s randomized, equal plaintexts", tenant.id(), table, column)
                        .doesNotHaveDuplicates();
            } else {
                assertThat(same.getValue().stream().distinct())
                        .as("%s %s.%s deterministic, equal plaintexts", tenant.id(), table, column)
                        .hasSize(1);
            }
        }
        assertThat(rows.stream().map(r -> r.get(column)).distinct())
                .as("%s %s.%s", tenant.id(), table, column)
                .hasSize(mode == EncryptionMode.RANDOMIZED ? rows.size() : ciphertextsByPlaintext.size());
    }

    // ---- waiting for the jobs ----

    private static void awaitRows(TenantConfig tenant) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline
                && (rows(tenant, "disaster_declarations").size() < DISASTERS
                        || rows(tenant, "weather_alerts").size() < ALERTS)) {
            Thread.sleep(500);
        }
        assertThat(rows(tenant, "disaster_declarations")).hasSize(DISASTERS);
        assertThat(rows(tenant, "weather_alerts")).hasSize(ALERTS);
    }

    /** The KEY_USE summaries, one per checkpoint with work, add up to exactly the values encrypted. */
    private static void awaitKeyUseSummaries(TenantConfig tenant, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        long counted = 0;
        while (System.nanoTime() < deadline && (counted = keyUseCount(tenant)) < expected) {
            Thread.sleep(500);
        }
        assertThat(counted)
                .as("values counted by the KEY_USE records of %s", tenant.id())
                .isEqualTo(expected);
    }

    private static long keyUseCount(TenantConfig tenant) throws SQLException {
        Pattern encrypted = Pattern.compile("encrypted (\\d+) values");
        long total = 0;
        for (Map<String, String> row : chainedRows(tenant.id(), "KEY_USE")) {
            Matcher m = encrypted.matcher(row.get("detail"));
            assertThat(m.find()).as(row.get("detail")).isTrue();
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    // ---- reading what the tenant itself can see ----

    /**
     * Chained audit rows of an action, the job's own and the commands' alike. A command's record
     * reaches audit_log once the job has read and chained it and a checkpoint has completed, so
     * this waits up to 30 s for {@code expected} rows to show up.
     */
    private static List<Map<String, String>> auditRows(String tenant, String action, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Map<String, String>> found;
        do {
            found = chainedRows(tenant, action);
        } while (found.size() < expected && System.nanoTime() < deadline && sleep());
        return found;
    }

    /** Chained audit rows of an action as they are now. */
    private static List<Map<String, String>> chainedRows(String tenant, String action) throws SQLException {
        return rows(config.tenant(tenant), "audit_log").stream()
                .filter(r -> action.equals(r.get("action")))
                .toList();
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(300);
        return true;
    }

    /** Every row of a table, every column as text, read as the tenant's own database user. */
    private static List<Map<String, String>> rows(TenantConfig tenant, String table) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(
                        database.jdbcUrl(tenant.database().schema()),
                        tenant.database().user(),
                        tenant.database().password().reveal());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM "
                        + SqlDialect.qualified(tenant.database().schema(), table) + " ORDER BY 1")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    // ---- the CLI, run in-process as a user would ----

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    private static CliRun decrypt(String tenant, String table, String column, String rowKey, String value) {
        return cli(
                "decrypt",
                "--config",
                configFile.toString(),
                "--tenant",
                tenant,
                "--table",
                table,
                "--column",
                column,
                "--row-key",
                rowKey,
                value);
    }

    // ---- the input: FEMA- and NWS-shaped records whose sensitive values are non-ASCII, two of each alike ----

    /** What one tenant is sent, and the originals of its encrypted values by row and column. */
    private static final class Feed {
        private final TenantConfig tenant;
        private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final Map<String, Map<String, String>> originals = new HashMap<>();

        Feed(TenantConfig tenant) {
            this.tenant = tenant;
            String t = tenant.id();
            for (int i = 0; i < DISASTERS; i++) {
                String id = t + "-fema-" + i;
                ObjectNode d = JSON.createObjectNode();
                d.put("id", id);
                d.put("femaDeclarationString", "DR-4" + i + "-CO");
                d.put("state", "CO");
                d.put("declarationType", "DR");
                d.put("declarationDate", "2026-11-01T00:00:00.000Z");
                d.put("incidentType", "Flood");
                // Rows 0 and 1 share their area and title, so equal plaintexts meet in a randomized column.
                int twin = Math.max(i, 1);
                put(d, id, "designatedArea", "designated_area", "Bezirk Ærø-" + t + "-" + twin + " (Doña Ana) 🌪");
                put(d, id, "declarationTitle", "declaration_title", "Überschwemmung Δ " + t + " title " + twin);
                put(d, id, "placeCode", "place_code", "99" + t.length() + "0" + (i % 3));
                add(StreamKind.DISASTERS, d);
            }
            for (int i = 0; i < ALERTS; i++) {
                String id = "urn:oid:2.49.0.1.840.0." + t + "." + i;
                ObjectNode p = JSON.createObjectNode();
                p.put("id", id);
                // Alerts 0 and 1 share every encrypted text, as an updated alert would.
                int twin = Math.max(i, 1);
                put(p, id, "areaDesc", "area_desc", "Zone Nordwärts " + t + " #" + twin);
                p.putObject("geocode")
                        .<com.fasterxml.jackson.databind.node.ArrayNode>putArray("UGC")
                        .add("COZ039");
                p.put("sent", "2026-02-10T03:12:00-07:00");
                p.put("status", "Actual");
                p.put("event", "Winter Storm Warning");
                p.put("severity", "Severe");
                put(p, id, "description", "description", "Schneesturm – secret description " + t + " #" + twin);
                put(p, id, "instruction", "instruction", "Bleiben Sie zu Hause, " + t + " #" + twin);
                ObjectNode feature = JSON.createObjectNode();
                feature.put("id", "https://api.weather.gov/alerts/" + id);
                feature.put("type", "Feature");
                feature.set("properties", p);
                add(StreamKind.WEATHER, feature);
            }
        }

        private void put(ObjectNode node, String rowId, String field, String column, String value) {
            node.put(field, value);
            originals.computeIfAbsent(rowId, k -> new HashMap<>()).put(column, value);
        }

        private void add(StreamKind stream, ObjectNode node) {
            records.add(new ProducerRecord<>(
                    tenant.names().topic(stream), node.toString().getBytes(StandardCharsets.UTF_8)));
        }

        String original(String rowId, String column) {
            return originals.get(rowId).get(column);
        }

        /** The distinctive plaintexts; place codes are short numbers that may occur by chance, so they are left out. */
        List<String> plaintexts() {
            return originals.values().stream()
                    .flatMap(m -> m.entrySet().stream())
                    .filter(e -> !e.getKey().equals("place_code")
                            && !(tenant.id().equals(BETA) && e.getKey().equals("declaration_title")))
                    .map(Map.Entry::getValue)
                    .toList();
        }

        /** Values the job encrypts: alpha all configured; beta's RESTRICTED defaults leave titles plain. */
        long encryptedValues() {
            long perDisaster = tenant.id().equals(ALPHA) ? 3 : 2;
            return perDisaster * DISASTERS + 3L * ALERTS;
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
}
