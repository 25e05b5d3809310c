package io.enclave.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.cli.CliRun;
import io.enclave.cli.ExitCode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantJob;
import io.enclave.sinks.query.TenantQueries;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.TenantYaml;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code enclave query} on the real pipeline: two tenants' jobs on an embedded broker, MariaDB
 * and a MiniCluster write encrypted rows; each tenant's readers read them back with the CLI. A
 * reader sees plaintext exactly in the columns it may decrypt, another tenant's table is denied
 * by the database and audited, a second statement is refused, every query lands in the audit
 * chain (which verifies), and with the audit topic unreachable no row is shown.
 */
class TenantQueryITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHA = "query_alpha";
    private static final String BETA = "query_beta";
    private static final String ANALYST = "qa_analyst";
    private static final String VIEWER = "qa_viewer";
    private static final String BETA_READER = "qb_reader";
    private static final int DISASTERS = 5;

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
        String processing = "{batch_size: 200, batch_interval: 1s, checkpoint_interval: 1s, topic_partitions: 1,"
                + " encrypt: {disasters: [designatedArea, declarationTitle]}}";
        TenantYaml.global(kafka.bootstrapServers(), database.rootJdbcUrl())
                .tenant(
                        ALPHA,
                        t -> t.database("it_query_alpha", "it_query_alpha", "alpha-writer-db", "qalpha_key")
                                .keystore("keys/alpha.bcfks", "it-query-alpha-keystore", "BCFKS")
                                .section("processing", processing)
                                .section(
                                        "readers",
                                        "[{name: " + ANALYST + ", password: alpha-analyst-db,"
                                                + " decrypt: [disaster_declarations.designated_area], max_rows: 3},"
                                                + " {name: " + VIEWER + ", password: alpha-viewer-db}]"))
                .tenant(
                        BETA,
                        t -> t.database("it_query_beta", "it_query_beta", "beta-writer-db", "qbeta_key")
                                .keystore("keys/beta.bcfks", "it-query-beta-keystore", "BCFKS")
                                .section("processing", processing)
                                .section(
                                        "readers",
                                        "[{name: " + BETA_READER + ", password: beta-reader-db, decrypt: all}]"))
                .write(configFile);
        config = TenantConfigLoader.load(configFile, Map.of());
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig tenant : config.tenants()) {
                for (var reader : tenant.readers()) {
                    st.execute("DROP USER IF EXISTS '" + reader.name() + "'@'%'");
                }
                FreshTenantDatabase.recreate(root, tenant);
                kafka.createTopics(1, tenant.names().topics().toArray(String[]::new));
                kafka.createTopics(1, tenant.names().auditTopic());
                CliRun init = CliRun.of("keys", "init", "-c", configFile.toString(), "-t", tenant.id());
                assertThat(init.exit()).as(init.toString()).isZero();
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
    void readersReadTheirOwnRowsDecryptedWhereEntitledAndEveryQueryIsAudited() throws Exception {
        List<JobClient> jobs = new ArrayList<>();
        try {
            for (TenantConfig tenant : config.tenants()) {
                jobs.add(TenantJob.environment(config.global(), tenant)
                        .executeAsync(tenant.names().jobName()));
            }
            for (TenantConfig tenant : config.tenants()) {
                publish(tenant);
            }
            for (TenantConfig tenant : config.tenants()) {
                awaitRows(tenant);
            }
            queries();
            // Every query above has a chained QUERY row once the job has read it from the audit topic.
            awaitAuditRows(ALPHA, 8);
        } finally {
            for (JobClient job : jobs) {
                job.cancel().get();
            }
        }
        CliRun verify = CliRun.of("audit", "verify", "-c", configFile.toString(), "-t", ALPHA);
        assertThat(verify.exit()).as(verify.toString()).isZero();
    }

    private void queries() throws Exception {
        String byId = "SELECT id, designated_area, declaration_title FROM disaster_declarations ORDER BY id";

        // The analyst may decrypt designated_area only: that column is plain text, the title stays enc:.
        CliRun analyst = query(ALPHA, ANALYST, "--format", "json", byId);
        assertThat(analyst.exit()).as(analyst.toString()).isEqualTo(ExitCode.OK);
        JsonNode rows = JSON.readTree(analyst.out());
        // max_rows 3: the server stops there, and the reader is told.
        assertThat(rows).hasSize(3);
        assertThat(analyst.err()).contains("stopped at reader qa_analyst's max_rows of 3");
        for (JsonNode row : rows) {
            String id = row.get("id").asText();
            assertThat(row.get("designated_area").asText()).isEqualTo(area(ALPHA, id));
            assertThat(row.get("declaration_title").asText()).startsWith("enc:v1:k1:");
        }

        // A reader without decrypt rights sees ciphertext only.
        CliRun viewer = query(ALPHA, VIEWER, byId);
        assertThat(viewer.exit()).as(viewer.toString()).isEqualTo(ExitCode.OK);
        assertThat(viewer.out()).contains("enc:v1:k1:").doesNotContain(area(ALPHA, ALPHA + "-fema-0"));
        assertThat(viewer.out()).containsPattern("(?m)^id\\s+designated_area\\s+declaration_title$");
        assertThat(viewer.out()).contains("(" + DISASTERS + " rows)");

        // Without the row key the value cannot be decrypted: said on stderr, the ciphertext left.
        CliRun noKey = query(ALPHA, ANALYST, "--format", "csv", "SELECT designated_area FROM disaster_declarations");
        assertThat(noKey.exit()).as(noKey.toString()).isEqualTo(ExitCode.OK);
        assertThat(noKey.err()).contains("select disaster_declarations.id too");
        assertThat(noKey.out().lines().skip(1))
                .allSatisfy(line -> assertThat(line).startsWith("enc:v1:k1:"));

        // Another tenant's table: the database's own denial, exit 1, and no row.
        CliRun foreign = query(ALPHA, ANALYST, "SELECT id FROM it_query_beta.disaster_declarations");
        assertThat(foreign.exit()).as(foreign.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(foreign.err()).contains("denied by the database").contains("it_query_beta");
        assertThat(foreign.out()).isEmpty();

        // A second statement is refused, and the table is still there.
        CliRun drop = query(ALPHA, ANALYST, "SELECT id FROM disaster_declarations; DROP TABLE disaster_declarations");
        assertThat(drop.exit()).as(drop.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(drop.err()).contains("one statement only");
        assertThat(drop.out()).isEmpty();
        assertThat(countAsRoot("it_query_alpha")).isEqualTo(DISASTERS);

        // Beta's ciphertext moved into alpha's row does not decrypt there: a marker, exit 1, audited.
        String moved = firstArea("it_query_beta");
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement()) {
            st.executeUpdate("UPDATE it_query_alpha.disaster_declarations SET designated_area = '" + moved
                    + "' WHERE id = '" + ALPHA + "-fema-0'");
        }
        CliRun failed = query(ALPHA, ANALYST, "--format", "csv", byId);
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(ExitCode.CHECK_FAILED);
        assertThat(failed.out())
                .contains(ALPHA + "-fema-0,<decrypt-failed:authentication_failed>,enc:")
                .contains(area(ALPHA, ALPHA + "-fema-1"));

        // --out writes a new file, readable by its owner only.
        Path out = dir.resolve("rows.csv");
        CliRun toFile = query(ALPHA, VIEWER, "--format", "csv", "--out", out.toString(), byId);
        assertThat(toFile.exit()).as(toFile.toString()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(Files.readAllLines(out))
                .hasSize(DISASTERS + 1)
                .first()
                .isEqualTo("id,designated_area,declaration_title");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)))
                .isEqualTo("rw-------");

        // A value smuggled out in an error message (MariaDB's XPATH error quotes its argument) reaches neither the
        // reader's screen nor the audit trail.
        CliRun smuggled = query(
                ALPHA, VIEWER, "SELECT EXTRACTVALUE(1, CONCAT(0x7e, (SELECT MAX(id) FROM disaster_declarations)))");
        assertThat(smuggled.exit()).as(smuggled.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(smuggled.err()).contains("error 1105").doesNotContain(ALPHA + "-fema-");
        assertThat(smuggled.out()).isEmpty();

        // Beta's reader, entitled to all, reads beta's own plaintext.
        CliRun beta = query(BETA, BETA_READER, "--format", "csv", byId);
        assertThat(beta.exit()).as(beta.toString()).isZero();
        assertThat(beta.out()).contains(area(BETA, BETA + "-fema-2")).contains(title(BETA, BETA + "-fema-2"));

        List<Map<String, String>> audit = awaitAuditRows(ALPHA, 8);
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.get("outcome")).isEqualTo("SUCCESS");
            assertThat(a.get("record_key")).isEqualTo(TenantQueries.sha256(byId));
            assertThat(a.get("detail"))
                    .isEqualTo("reader qa_analyst; statement sha256 " + TenantQueries.sha256(byId)
                            + "; 3 rows (stopped at max_rows); decrypted disaster_declarations.designated_area");
            assertThat(a.get("source_topic")).isEqualTo("cli");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.get("outcome")).isEqualTo("DENIED");
            assertThat(a.get("reason")).isEqualTo("denied_by_database");
            assertThat(a.get("detail"))
                    .startsWith("reader qa_analyst; statement sha256 ")
                    .contains("error 1142");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.get("outcome")).isEqualTo("FAILED");
            assertThat(a.get("reason")).isEqualTo("sql_error_1064");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.get("outcome")).isEqualTo("SUCCESS");
            assertThat(a.get("reason")).isEqualTo("decrypt_failed");
            assertThat(a.get("detail")).contains("1 value(s) failed to decrypt");
        });
        assertThat(audit).anySatisfy(a -> {
            assertThat(a.get("reason")).isEqualTo("sql_error_1105");
            assertThat(a.get("detail")).endsWith("SQLState HY000, error 1105");
        });
        // No plaintext reaches the audit trail, nor a value carried by an error message.
        assertThat(audit).allSatisfy(a -> assertThat(a.get("detail")).doesNotContain("Bezirk", "XPATH"));
    }

    @Test
    void withTheAuditTopicUnreachableTheQueryDoesNotRunAndNoRowIsShown() throws Exception {
        Path unreachable = dir.resolve("unreachable.yaml");
        Files.writeString(unreachable, Files.readString(configFile).replace(kafka.bootstrapServers(), "localhost:1"));
        CliRun run = CliRun.of(
                "query",
                "-c",
                unreachable.toString(),
                "-t",
                ALPHA,
                "--reader",
                VIEWER,
                "--timeout",
                "2",
                "SELECT id FROM disaster_declarations");
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .contains("cannot submit the audit record of the query")
                .contains("so it was not run");
    }

    @Test
    void validateRefusesAReaderWhosePasswordIsTheWritersOrTheAdmins() throws Exception {
        Path writers = dir.resolve("writers-password.yaml");
        Files.writeString(
                writers,
                Files.readString(configFile).replace("password: alpha-viewer-db", "password: alpha-writer-db"));
        CliRun sameAsWriter = CliRun.of("validate", "-c", writers.toString());
        assertThat(sameAsWriter.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(sameAsWriter.err())
                .contains("tenants.query_alpha.readers[1].password: is the same as the writer's password of tenant"
                        + " query_alpha");

        Path adminPassword = Files.writeString(dir.resolve("admin.password"), "alpha-analyst-db\n");
        CliRun sameAsAdmin = CliRun.of(
                "validate", "-c", configFile.toString(), "--db-admin-password-file", adminPassword.toString());
        assertThat(sameAsAdmin.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(sameAsAdmin.err())
                .contains("tenants.query_alpha.readers[qa_analyst].password: is the same as the database admin's"
                        + " password");
        assertThat(sameAsAdmin.toString()).doesNotContain("alpha-analyst-db");
        assertThat(CliRun.of("validate", "-c", configFile.toString()).exit()).isZero();
    }

    // ---- helpers ----

    private static CliRun query(String tenant, String reader, String... rest) {
        List<String> args =
                new ArrayList<>(List.of("query", "-c", configFile.toString(), "-t", tenant, "--reader", reader));
        args.addAll(List.of(rest));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static String area(String tenant, String id) {
        return "Bezirk Ærø " + id + " 🌪";
    }

    private static String title(String tenant, String id) {
        return "Überschwemmung " + id;
    }

    private static void publish(TenantConfig tenant) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < DISASTERS; i++) {
                String id = tenant.id() + "-fema-" + i;
                ObjectNode d = JSON.createObjectNode();
                d.put("id", id);
                d.put("femaDeclarationString", "DR-4" + i + "-CO");
                d.put("state", "CO");
                d.put("declarationType", "DR");
                d.put("declarationDate", "2026-11-01T00:00:00.000Z");
                d.put("incidentType", "Flood");
                d.put("designatedArea", area(tenant.id(), id));
                d.put("declarationTitle", title(tenant.id(), id));
                producer.send(new ProducerRecord<>(
                        tenant.names().topic(StreamKind.DISASTERS), d.toString().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static void awaitRows(TenantConfig tenant) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline && countAsRoot(tenant.database().schema()) < DISASTERS) {
            Thread.sleep(500);
        }
        assertThat(countAsRoot(tenant.database().schema())).isEqualTo(DISASTERS);
    }

    private static int countAsRoot(String schema) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM `" + schema + "`.disaster_declarations")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String firstArea(String schema) throws SQLException {
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT designated_area FROM `" + schema + "`.disaster_declarations ORDER BY id LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The chained QUERY rows of a tenant, waiting up to 60 s for {@code expected} of them. */
    private static List<Map<String, String>> awaitAuditRows(String tenant, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Map<String, String>> found;
        do {
            found = auditRows(config.tenant(tenant).database().schema());
        } while (found.size() < expected && System.nanoTime() < deadline && sleep());
        assertThat(found).as("QUERY audit rows of %s", tenant).hasSizeGreaterThanOrEqualTo(expected);
        return found;
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(300);
        return true;
    }

    private static List<Map<String, String>> auditRows(String schema) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT outcome, reason, detail, record_key, source_topic FROM `"
                        + schema + "`.audit_log WHERE action = 'QUERY' ORDER BY sequence")) {
            while (rs.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (String c : List.of("outcome", "reason", "detail", "record_key", "source_topic")) {
                    row.put(c, rs.getString(c));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
