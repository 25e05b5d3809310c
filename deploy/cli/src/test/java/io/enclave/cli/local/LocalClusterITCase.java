package io.enclave.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operations walkthrough, run for real with the scripts a user runs: a standalone Flink
 * cluster, a KRaft broker (SASL, ACLs) and MariaDB from deploy/local, two tenants provisioned
 * (principals, ACLs, database) and submitted
 * with the flink wrapper, events published, rows read back as each tenant's own user, tenant
 * metrics read through REST and Prometheus, then cancel and stop. federal_dhs sets
 * {@code dedicated_processing}: its job runs on a JobManager and TaskManager of its own, which the
 * two clusters' REST APIs and {@code enclave status} show. Every port is a free one, and the run dir
 * is this module's target, so a user's cluster on 8081/9092/3306 is never touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterITCase {
    private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
    private static final Path SCRIPTS = ROOT.resolve("deploy").resolve("local");
    private static final Path CONFIG = SCRIPTS.resolve("tenants.yaml");
    /** Events publish.sh sends each tenant. */
    private static final int PUBLISHED = 100;

    private static final Map<String, String> DATABASES =
            Map.of("colorado_state", "colorado_emergency", "federal_dhs", "federal_dhs_emergency");
    private static final Map<String, String> USERS =
            Map.of("colorado_state", "colorado_writer", "federal_dhs", "federal_dhs_writer");
    private static final Map<String, String> PASSWORDS =
            Map.of("colorado_state", "dev-only-colorado-db", "federal_dhs", "dev-only-federal-dhs-db");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path runDir;
    private static final Map<String, String> ENV = new HashMap<>();
    private static int restPort;
    /** REST port of the cluster dedicated to {@value #DEDICATED}. */
    private static int dedicatedPort;

    private static int dedicatedPromPort;
    /** The tenant of tenants.yaml with dedicated_processing, and the one without. */
    private static final String DEDICATED = "federal_dhs";

    private static final String SHARED = "colorado_state";
    private static int dbPort;
    private static int promPort;
    private static final Map<String, String> JOB_IDS = new LinkedHashMap<>();

    @BeforeAll
    static void startClusterBrokerAndDatabase() throws Exception {
        runDir = Path.of("target", "e2e-run").toAbsolutePath();
        deleteRecursively(runDir);
        restPort = freePort();
        dedicatedPort = freePort();
        dedicatedPromPort = freePortPair();
        dbPort = freePort();
        promPort = freePortPair();
        ENV.put("ENCLAVE_RUN_DIR", runDir.toString());
        ENV.put("ENCLAVE_KAFKA_PORT", String.valueOf(freePort()));
        ENV.put("ENCLAVE_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()));
        ENV.put("ENCLAVE_DB_PORT", String.valueOf(dbPort));

        // The three start independently; in parallel they take about as long as the slowest.
        CompletableFuture<Run> flink = CompletableFuture.supplyAsync(() -> startCluster(List.of(), restPort, promPort));
        // The dedicated tenant's cluster after the shared one: four JVMs starting at once on a loaded
        // two-core machine left a JobManager's actor system past its start-up timeout.
        CompletableFuture<Run> dedicated = flink.thenApply(shared -> startCluster(
                List.of("--tenant", DEDICATED, "--config", CONFIG.toString()), dedicatedPort, dedicatedPromPort));
        CompletableFuture<Run> kafka = CompletableFuture.supplyAsync(() -> script("kafka.sh", "start"));
        CompletableFuture<Run> database = CompletableFuture.supplyAsync(() -> script("database.sh", "start"));
        assertThat(flink.get().out).as(flink.get().out).contains("web UI and REST on http://localhost:" + restPort);
        assertThat(dedicated.get().out)
                .as(dedicated.get().out)
                .contains("Flink cluster dedicated to " + DEDICATED + " running: web UI and REST on http://localhost:"
                        + dedicatedPort);
        assertThat(kafka.get().exit).as(kafka.get().out).isZero();
        assertThat(database.get().exit).as(database.get().out).isZero();
    }

    @AfterAll
    static void cancelAndStop() {
        // Always stop, in reverse order, whatever failed above; each script kills only its recorded PIDs.
        Run flink = script("flink-cluster.sh", "stop");
        Run dedicated = script("flink-cluster.sh", "stop", "--tenant", DEDICATED);
        Run kafka = script("kafka.sh", "stop");
        Run database = script("database.sh", "stop");
        assertThat(flink.out).contains("jobmanager: stopped", "taskmanager: stopped");
        assertThat(dedicated.out).contains("jobmanager: stopped", "taskmanager: stopped");
        assertThat(kafka.out).contains("kafka: stopped");
        assertThat(database.out).contains("mariadb: stopped");
        assertThat(script("flink-cluster.sh", "status").exit).isNotZero();
        assertThat(runDir.resolve("flink").resolve("jobmanager.pid")).doesNotExist();
        assertThat(script("flink-cluster.sh", "status", "--tenant", DEDICATED).exit)
                .isNotZero();
        assertThat(runDir.resolve("flink-" + DEDICATED).resolve("taskmanager.pid"))
                .doesNotExist();
    }

    @Test
    @Order(1)
    void clusterServesAReadOnlyWebUi() throws Exception {
        JsonNode config = get("/config");
        assertThat(config.at("/flink-version").asText()).isEqualTo("2.2.1");
        // web.submit.enable / web.cancel.enable: false, from flink-conf/config.yaml.
        assertThat(config.at("/features/web-submit").asBoolean(true)).isFalse();
        assertThat(config.at("/features/web-cancel").asBoolean(true)).isFalse();
        assertThat(get("/overview").at("/taskmanagers").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void provisionedAndSubmittedTenantsRunAsTheirOwnJobs() throws Exception {
        Run provision = script("provision.sh", "--config", CONFIG.toString());
        assertThat(provision.exit).as(provision.out).isZero();
        assertThat(provision.out)
                .containsPattern("colorado_state +kafka +CREATED +topic tenant_colorado_state_disasters")
                .containsPattern("colorado_state +kafka +CREATED +scram-user tenant_colorado_state_publisher")
                .containsPattern("federal_dhs +kafka +CREATED +acl User:tenant_federal_dhs ALLOW READ GROUP"
                        + " tenant_federal_dhs_group")
                .containsPattern("federal_dhs +kafka +CREATED +acl User:tenant_federal_dhs_publisher ALLOW WRITE"
                        + " TRANSACTIONAL_ID tenant_federal_dhs-\\*")
                // The database by the same provisioning as `enclave provision`: database, account and grants.
                .containsPattern("federal_dhs +database +CREATED +database federal_dhs_emergency")
                .containsPattern("federal_dhs +database +CREATED +user 'federal_dhs_writer'@'%'")
                // SELECT, INSERT on the database; UPDATE only on the event tables it upserts, never on audit tables.
                .containsPattern(
                        "federal_dhs +database +CREATED +grant SELECT, INSERT ON .* TO 'federal_dhs_writer'@'%'")
                .containsPattern("federal_dhs +database +CREATED +grant UPDATE ON federal_dhs_emergency.weather_alerts"
                        + " TO 'federal_dhs_writer'@'%'")
                .contains("keys of federal_dhs: created");
        // The walkthrough's broker enforces what provision granted: each tenant's principals reach its own
        // topics only, and a client that does not log in reaches nothing.
        String federalTopic = "tenant_federal_dhs_disasters";
        assertThatThrownBy(() -> partitionsOf(scram("tenant_colorado_state", "dev-only-colorado-kafka"), federalTopic))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThatThrownBy(() -> partitionsOf(
                        scram("tenant_colorado_state_publisher", "dev-only-colorado-state-publisher"), federalTopic))
                .isInstanceOf(TopicAuthorizationException.class);
        assertThat(partitionsOf(scram("tenant_federal_dhs", "dev-only-federal-dhs-kafka"), federalTopic))
                .isEqualTo(2);
        assertThatThrownBy(() -> partitionsOf(Map.of(), federalTopic)).isInstanceOf(AssertionError.class);

        Run submit = script("submit.sh", "--config", CONFIG.toString(), "--all");
        assertThat(submit.exit).as(submit.out).isZero();
        Matcher ids = Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})")
                .matcher(submit.out);
        List<String> submitted = new ArrayList<>();
        while (ids.find()) {
            submitted.add(ids.group(1));
        }
        assertThat(submitted).hasSize(2);

        // Each cluster runs exactly one job: the shared one colorado_state's, the dedicated one federal_dhs's.
        for (int port : List.of(restPort, dedicatedPort)) {
            JsonNode jobs = await("a tenant job RUNNING on :" + port, () -> {
                JsonNode all = get(port, "/jobs/overview").get("jobs");
                return all.size() == 1
                                && "RUNNING".equals(all.get(0).get("state").asText())
                        ? all
                        : null;
            });
            JOB_IDS.put(jobs.get(0).get("name").asText(), jobs.get(0).get("jid").asText());
        }
        assertThat(new ArrayList<>(JOB_IDS.keySet()))
                .containsExactly(
                        "tenant_colorado_state_emergency_processing", "tenant_federal_dhs_emergency_processing");
        assertThat(JOB_IDS.values()).containsExactlyInAnyOrderElementsOf(submitted);
        assertThat(submit.out).contains("submitting tenant_federal_dhs_emergency_processing to its own cluster");
    }

    @Test
    @Order(3)
    void theDedicatedTenantsTasksRunOnATaskManagerOfItsOwn() throws Exception {
        Set<String> sharedTaskManagers = taskManagersOf(restPort, jobId(SHARED));
        Set<String> dedicatedTaskManagers = taskManagersOf(dedicatedPort, jobId(DEDICATED));
        assertThat(dedicatedTaskManagers).hasSize(1).doesNotContainAnyElementsOf(sharedTaskManagers);
        assertThat(sharedTaskManagers).hasSize(1);
        // Not only another id: another process, the one flink-cluster.sh --tenant started and recorded.
        JsonNode dedicatedTm = get(dedicatedPort, "/taskmanagers").get("taskmanagers");
        assertThat(dedicatedTm).hasSize(1);
        String tmId = dedicatedTm.get(0).get("id").asText();
        assertThat(tmId).isEqualTo(dedicatedTaskManagers.iterator().next());
        JsonNode sharedTm = get(restPort, "/taskmanagers").get("taskmanagers");
        assertThat(sharedTm).hasSize(1);
        assertThat(sharedTm.get(0).get("id").asText()).isNotEqualTo(tmId);
        long dedicatedPid = Long.parseLong(
                Files.readString(runDir.resolve("flink-" + DEDICATED).resolve("taskmanager.pid"))
                        .trim());
        long sharedPid = Long.parseLong(Files.readString(runDir.resolve("flink").resolve("taskmanager.pid"))
                .trim());
        assertThat(dedicatedPid).isNotEqualTo(sharedPid);
        assertThat(ProcessHandle.of(dedicatedPid)).isPresent();
        // Sized from the config: one slot for parallelism 1, exactly memory_per_slot's heap and managed memory.
        JsonNode tm = get(dedicatedPort, "/taskmanagers/" + tmId);
        assertThat(tm.get("slotsNumber").asInt()).isEqualTo(1);
        assertThat(tm.at("/totalResource/taskHeapMemory").asLong()).isEqualTo(256);
        assertThat(tm.at("/totalResource/managedMemory").asLong()).isEqualTo(128);

        // enclave status says the same: where each tenant's job runs, with the TaskManager ids REST gives.
        Run status = enclave(
                "status",
                "-c",
                CONFIG.toString(),
                "--timeout",
                "5",
                "--flink",
                "http://localhost:" + restPort,
                "--flink-of",
                DEDICATED + "=http://localhost:" + dedicatedPort);
        assertThat(status.out)
                .contains("  runs on: the shared cluster http://localhost:" + restPort + ", job " + jobId(SHARED)
                        + " RUNNING, TaskManager "
                        + sharedTaskManagers.iterator().next())
                .contains("  runs on: its own cluster (dedicated_processing) http://localhost:" + dedicatedPort
                        + ", job " + jobId(DEDICATED) + " RUNNING, TaskManager " + tmId)
                .doesNotContain("WARNING");
    }

    @Test
    @Order(4)
    void publishedEventsArriveInEachTenantsOwnDatabase() throws Exception {
        Run publish = script("publish.sh", "--config", CONFIG.toString(), "--count", String.valueOf(PUBLISHED));
        assertThat(publish.exit).as(publish.out).isZero();

        for (String tenant : DATABASES.keySet()) {
            Outcome expected = expected(tenant);
            // Every published event is accounted for, each id once: rows plus rejections make what was published.
            assertThat(expected.disasterRows() + expected.alertRows() + expected.rejected())
                    .as("published")
                    .isEqualTo(PUBLISHED);
            await(tenant + "'s rows and rejections, expected " + expected, () -> {
                Outcome seen = seen(tenant);
                return seen.equals(expected) ? seen : null;
            });
            // A moment longer, so that a surplus row or rejection would show too.
            Thread.sleep(3000);
            assertThat(seen(tenant))
                    .as("rows per table and rejections of %s", tenant)
                    .isEqualTo(expected);
            // Every row is the tenant's own: the other tenant's records were rejected, not written.
            assertThat(count(tenant, "SELECT COUNT(*) FROM disaster_declarations WHERE tenant_id <> '" + tenant + "'"))
                    .isZero();
            assertThat(count(tenant, "SELECT COUNT(*) FROM weather_alerts WHERE tenant_id <> '" + tenant + "'"))
                    .isZero();
        }
        // colorado_writer has no grant on federal_dhs_emergency.
        assertThatThrownBy(() -> count("colorado_state", "SELECT COUNT(*) FROM federal_dhs_emergency.weather_alerts"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("denied");
    }

    @Test
    @Order(5)
    void tenantMetricsShowUnderTheTenantsJobInRestAndPrometheus() throws Exception {
        for (String tenant : DATABASES.keySet()) {
            String jid = JOB_IDS.get("tenant_" + tenant + "_emergency_processing");
            int port = portOf(tenant);
            JsonNode vertices = get(port, "/jobs/" + jid).get("vertices");
            List<String> names = new ArrayList<>();
            String guardVertex = null;
            for (JsonNode v : vertices) {
                names.add(v.get("name").asText());
                if (v.get("name").asText().startsWith("guard[" + tenant + "]")) {
                    guardVertex = v.get("id").asText();
                }
            }
            assertThat(String.join(" | ", names))
                    .contains(
                            "tag[" + tenant + "]",
                            "guard[" + tenant + "]",
                            "sink[" + DATABASES.get(tenant) + ".disaster_declarations]",
                            "sink[" + DATABASES.get(tenant) + ".audit_log]");
            String metric = "guard[" + tenant + "].tenant." + tenant + ".accepted";
            String vertex = guardVertex;
            double accepted = await(metric, () -> {
                JsonNode values = get(
                        port,
                        "/jobs/" + jid + "/vertices/" + vertex + "/subtasks/metrics?agg=sum&get="
                                + URLEncoder.encode(metric, StandardCharsets.UTF_8));
                double sum = values.isEmpty() ? 0 : values.get(0).get("sum").asDouble();
                return sum > 0 ? sum : null;
            });
            long acceptedEvents = published(tenant).stream()
                    .filter(e -> e.expectation() == GeneratedEvent.Expectation.ACCEPT)
                    .count();
            assertThat(accepted).as(metric).isEqualTo((double) acceptedEvents);
        }
        // Prometheus: each TaskManager took one port of its cluster's range; tenant metrics carry a tenant label.
        String scraped = scrape(promPort) + scrape(promPort + 1);
        String scrapedDedicated = scrape(dedicatedPromPort) + scrape(dedicatedPromPort + 1);
        assertThat(scraped)
                .containsPattern("flink_taskmanager_job_task_operator_tenant_accepted\\{[^}]*"
                        + "tenant=\"colorado_state\"[^}]*\\} [1-9]")
                .doesNotContain("tenant=\"federal_dhs\"");
        assertThat(scrapedDedicated)
                .containsPattern("flink_taskmanager_job_task_operator_tenant_rejected_cross_tenant\\{[^}]*"
                        + "tenant=\"federal_dhs\"")
                .doesNotContain("tenant=\"colorado_state\"");
    }

    @Test
    @Order(6)
    void flinkWrapperListsAndCancelsTheJobs() throws Exception {
        Run list = script("flink", "list");
        assertThat(list.out)
                .contains("tenant_colorado_state_emergency_processing (RUNNING)")
                .doesNotContain("tenant_federal_dhs_emergency_processing");
        Run listDedicated = script("flink", "--tenant", DEDICATED, "list");
        assertThat(listDedicated.out)
                .contains("tenant_federal_dhs_emergency_processing (RUNNING)")
                .doesNotContain("tenant_colorado_state_emergency_processing");
        for (String tenant : List.of(SHARED, DEDICATED)) {
            String jid = jobId(tenant);
            Run cancel = tenant.equals(DEDICATED)
                    ? script("flink", "--tenant", DEDICATED, "cancel", jid)
                    : script("flink", "cancel", jid);
            assertThat(cancel.out).as(cancel.out).contains("Cancelled job " + jid);
        }
        for (int port : List.of(restPort, dedicatedPort)) {
            await("jobs CANCELED on :" + port, () -> {
                for (JsonNode job : get(port, "/jobs/overview").get("jobs")) {
                    if (!"CANCELED".equals(job.get("state").asText())) {
                        return null;
                    }
                }
                return true;
            });
        }
    }

    // ---------------------------------------------------------------------------------------

    private record Run(int exit, String out) {}

    /** Client settings that log in to the local broker as a tenant's SCRAM user, as tenants.yaml configures them. */
    private static Map<String, Object> scram(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    /**
     * How many partitions the topic has, as the given login sees it; an AssertionError when the
     * client cannot even get through (a PLAINTEXT client on the SASL listener only times out).
     */
    private static int partitionsOf(Map<String, Object> login, String topic) throws Exception {
        Map<String, Object> props = new HashMap<>(login);
        props.put("bootstrap.servers", "localhost:" + ENV.get("ENCLAVE_KAFKA_PORT"));
        props.put("default.api.timeout.ms", 10_000);
        props.put("request.timeout.ms", 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic, Duration.ofSeconds(10)).size();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new AssertionError("no answer from the broker as this client", e);
        }
    }

    private static Run script(String name, String... args) {
        List<String> command =
                new ArrayList<>(List.of("bash", SCRIPTS.resolve(name).toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private static Run run(List<String> command) {
        try {
            Path output = Files.createTempFile("enclave-e2e-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            pb.environment().putAll(ENV);
            Process process = pb.start();
            if (!process.waitFor(6, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish in 6 minutes");
            }
            String out = Files.readString(output);
            Files.deleteIfExists(output);
            return new Run(process.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** flink-cluster.sh start with {@code options}, on free ports and the run dir's state directories. */
    private static Run startCluster(List<String> options, int rest, int prometheus) {
        int jmx = freePortPair();
        List<String> args = new ArrayList<>(List.of("start"));
        args.addAll(options);
        args.addAll(List.of(
                "-D",
                "rest.port=" + rest,
                "-D",
                "jobmanager.rpc.port=" + freePort(),
                "-D",
                "metrics.reporter.prom.port=" + prometheus + "-" + (prometheus + 1),
                "-D",
                "metrics.reporter.jmx.port=" + jmx + "-" + (jmx + 1),
                "-D",
                "execution.checkpointing.dir=file://" + runDir.resolve("checkpoints"),
                "-D",
                "execution.checkpointing.savepoint-dir=file://" + runDir.resolve("savepoints")));
        return script("flink-cluster.sh", args.toArray(String[]::new));
    }

    private static String jobId(String tenant) {
        return JOB_IDS.get("tenant_" + tenant + "_emergency_processing");
    }

    /** REST port of the cluster the tenant's job runs on. */
    private static int portOf(String tenant) {
        return tenant.equals(DEDICATED) ? dedicatedPort : restPort;
    }

    /** The TaskManager ids the REST API gives for the subtasks of every vertex of the job, once all run. */
    private static Set<String> taskManagersOf(int port, String jid) throws Exception {
        return await("every task of " + jid + " RUNNING", () -> {
            Set<String> ids = new TreeSet<>();
            for (JsonNode vertex : get(port, "/jobs/" + jid).get("vertices")) {
                if (!"RUNNING".equals(vertex.get("status").asText())) {
                    return null;
                }
                String path = "/jobs/" + jid + "/vertices/" + vertex.get("id").asText() + "/taskmanagers";
                for (JsonNode tm : get(port, path).get("taskmanagers")) {
                    ids.add(tm.get("taskmanager-id").asText());
                }
            }
            return ids.isEmpty() ? null : ids;
        });
    }

    /** Runs the CLI's distribution, bin/enclave, with the scripts' environment. */
    private static Run enclave(String... args) {
        List<String> command = new ArrayList<>(
                List.of(ROOT.resolve("deploy/cli/target/enclave/bin/enclave").toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private static JsonNode get(String path) {
        return get(restPort, path);
    }

    private static JsonNode get(int port, String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String scrape(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Rows per table (one per id: tables upsert by id) and audited rejections of a tenant. */
    private record Outcome(long disasterRows, long alertRows, long rejected) {}

    /**
     * The same events publish.sh generates for {@code tenant} (same generator, seed and foreign
     * tenant as PublishCommand).
     */
    private static List<GeneratedEvent> published(String tenant) {
        // The scripts run the local config in development mode; reading who gets what needs no secret.
        EnclaveConfig config = TenantConfigLoader.load(CONFIG, DevMode.ON);
        List<TenantConfig> all = List.copyOf(config.tenants());
        TenantConfig t = config.tenant(tenant);
        String foreign = all.get((all.indexOf(t) + 1) % all.size()).id();
        return new EventGenerator(t, foreign, 42 + all.indexOf(t), 0.06).next(PUBLISHED);
    }

    /** What a correct pipeline makes of the published events: each accepted one a row, every other a rejection. */
    private static Outcome expected(String tenant) {
        TenantConfig t = TenantConfigLoader.load(CONFIG, DevMode.ON).tenant(tenant);
        List<GeneratedEvent> events = published(tenant);
        List<GeneratedEvent> accepted = events.stream()
                .filter(e -> e.expectation() == GeneratedEvent.Expectation.ACCEPT)
                .toList();
        long disasters = accepted.stream()
                .filter(e -> e.topic().equals(t.names().topic(StreamKind.DISASTERS)))
                .map(GeneratedEvent::key)
                .distinct()
                .count();
        long alerts = accepted.stream()
                .filter(e -> e.topic().equals(t.names().topic(StreamKind.WEATHER)))
                .map(GeneratedEvent::key)
                .distinct()
                .count();
        return new Outcome(disasters, alerts, events.size() - accepted.size());
    }

    /** What the tenant's own user sees now. */
    private static Outcome seen(String tenant) throws SQLException {
        return new Outcome(
                count(tenant, "SELECT COUNT(*) FROM disaster_declarations"),
                count(tenant, "SELECT COUNT(*) FROM weather_alerts"),
                count(tenant, "SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_REJECTED'"));
    }

    /** Connects as the tenant's own database user, as its job does. */
    private static long count(String tenant, String sql) throws SQLException {
        String url = "jdbc:mysql://localhost:" + dbPort + "/" + DATABASES.get(tenant) + "?sslMode=DISABLED";
        try (Connection c = DriverManager.getConnection(url, USERS.get(tenant), PASSWORDS.get(tenant));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @FunctionalInterface
    private interface Probe<T> {
        T get() throws Exception;
    }

    private static <T> T await(String what, Probe<T> probe) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        Exception last = null;
        while (Instant.now().isBefore(deadline)) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (Exception | AssertionError e) {
                last = e instanceof Exception ex ? ex : new RuntimeException(e);
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("timed out waiting for " + what, last);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two adjacent free ports, for a reporter's port range (JobManager and TaskManager each take one). */
    private static int freePortPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = freePort();
            if (first < 65535) {
                try (ServerSocket next = new ServerSocket(first + 1)) {
                    return first;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no two adjacent free ports");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
