package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.config.ApiEndpoints;
import io.enclave.config.Classification;
import io.enclave.config.DataRestrictions;
import io.enclave.config.DatabaseDialect;
import io.enclave.config.DatabaseSettings;
import io.enclave.config.EncryptedField;
import io.enclave.config.EncryptionMode;
import io.enclave.config.GlobalSettings;
import io.enclave.config.ProcessingSettings;
import io.enclave.config.Secret;
import io.enclave.config.StateScope;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import io.enclave.embedded.events.GeneratedEvent.Expectation;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.record.RawEvent;
import io.enclave.sinks.AuditVerifier;
import io.enclave.sinks.TenantTableCounts;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.TenantColumn;
import io.enclave.testing.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
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
 * No row lost, none duplicated: each drill publishes generated declarations and alerts (a few
 * percent of them bad), holds the job's source while rows it has read are not yet covered by any
 * checkpoint, injects one fault right then, and lets the job recover. Each checks that the fault
 * landed mid-stream (fewer rows visible than published), that the job really failed over and
 * restored from a checkpoint (Flink's exception history, and the chain's JOB_START record), and
 * that each table then holds every accepted event exactly once, counted as a multiset, with each
 * rejection audited once.
 */
class FaultToleranceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    /** Generated events per drill; the source is held halfway through the first half. */
    private static final int EVENTS = 600;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        database = EmbeddedMariaDb.shared();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void anOperatorThatThrowsOnceIsRestartedFromTheLastCheckpoint(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Scenario s = new Scenario("ft_task");
        JobClient job = s.submit(HeldSourceDeserializer.holdAfterThenFailOnce(s.holdAfter()), null);
        s.publishFirstHalfAndAwaitTheHold();
        HeldSourceDeserializer.release(); // the next record throws
        s.publishSecondHalf();
        s.awaitComplete(job);
        assertThat(HeldSourceDeserializer.failed())
                .as("the injected failure happened")
                .isTrue();
        s.assertFailedOverAndRestored(cluster, job, "injected task failure");
        job.cancel().get();
    }

    @Test
    void aTaskManagerTerminatedAndRestarted(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Scenario s = new Scenario("ft_taskmanager");
        JobClient job = s.submit(HeldSourceDeserializer.holdAfter(s.holdAfter()), null);
        s.publishFirstHalfAndAwaitTheHold();
        cluster.terminateTaskManager(0).get();
        HeldSourceDeserializer.release();
        s.publishSecondHalf();
        Thread.sleep(2_000);
        cluster.startTaskManager();
        s.awaitComplete(job);
        s.assertFailedOverAndRestored(cluster, job, "");
        job.cancel().get();
    }

    @Test
    void theDatabaseStoppedForLongerThanABatchInterval(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Scenario s = new Scenario("ft_database");
        JobClient job = s.submit(HeldSourceDeserializer.holdAfter(s.holdAfter()), null);
        s.publishFirstHalfAndAwaitTheHold();
        database.stop();
        try {
            HeldSourceDeserializer.release();
            s.publishSecondHalf();
            // Batch interval and checkpoint interval are 1 s: flushes of the rows read meanwhile must fail.
            awaitLoudly(
                    "a task failure from a sink flush while the database is down",
                    Duration.ofMinutes(1),
                    () -> s.failures(cluster, job).stream()
                            .filter(FaultToleranceITCase::isFailedFlush)
                            .count(),
                    1);
        } finally {
            database.restart();
        }
        s.awaitComplete(job);
        s.assertFailedOverAndRestored(cluster, job, "");
        assertThat(s.failures(cluster, job))
                .as("Flink's exception history names a failed JDBC flush")
                .anyMatch(FaultToleranceITCase::isFailedFlush);
        job.cancel().get();
    }

    @Test
    void theKafkaBrokerRestarted(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Scenario s = new Scenario("ft_broker");
        JobClient job = s.submit(HeldSourceDeserializer.holdAfter(s.holdAfter()), null);
        s.publishFirstHalfAndAwaitTheHold();
        kafka.restartBroker();
        HeldSourceDeserializer.release();
        s.publishSecondHalf();
        s.awaitComplete(job);
        // A broker restart need not fail the job (the source reconnects), so no restart is required
        // here; but whatever happened, the rows held in flight at the restart arrive exactly once.
        job.cancel().get();
    }

    @Test
    void stopWithSavepointThenResumeFromIt(@TempDir Path savepoints) throws Exception {
        Scenario s = new Scenario("ft_savepoint");
        JobClient first = s.submit(null, null);
        s.awaitFirstCheckpoint();
        s.publishFirstHalf();
        s.awaitAccountedFor(s.firstHalf().size());
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();

        // The new build's config has gained an encrypted field: a new operator, restored beside the old ones.
        s.encrypt(new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED));
        JobClient resumed = s.submit(null, savepoint);
        s.publishSecondHalf();
        s.awaitComplete(resumed);
        List<String> areas =
                s.column("SELECT designated_area FROM disaster_declarations WHERE designated_area IS NOT NULL");
        assertThat(areas)
                .as("rows written before the upgrade stay as they were")
                .anyMatch(a -> !a.startsWith("enc:"));
        assertThat(areas).as("rows written after it are encrypted").anyMatch(a -> a.startsWith("enc:v1:k1:"));

        // The guard's dedup state came back through the savepoint: an accepted record sent again is a duplicate.
        long duplicatesBefore = s.counts().rejectedByReason().getOrDefault("duplicate", 0L);
        s.publish(List.of(s.firstAccepted()));
        s.awaitAccountedFor(s.events.size() + 1);
        assertThat(s.counts().rejectedByReason().getOrDefault("duplicate", 0L)).isEqualTo(duplicatesBefore + 1);
        resumed.cancel().get();
    }

    /**
     * Issue 15: savepoint S1, more records, savepoint S2, then resume from S1. The restored chain
     * is behind the table, so it continues after the stored tail: every row written between S1
     * and S2 is still there, unchanged, the restore is chained naming both positions, nothing was
     * refused as a conflict, and the chain verifies.
     */
    @Test
    void resumingFromAnOlderSavepointNeverOverwritesTheRowsWrittenSince(@TempDir Path savepoints) throws Exception {
        Scenario s = new Scenario("ft_older_savepoint");
        JobClient first = s.submit(null, null);
        s.awaitFirstCheckpoint();
        s.publishFirstHalf();
        s.awaitAccountedFor(s.firstHalf().size());
        String s1 = first.triggerSavepoint(savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        long atS1 = s.scalar("SELECT MAX(sequence) FROM audit_log");
        s.publishSecondHalf();
        s.awaitAccountedFor(s.events.size());
        first.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        List<String> stored = s.column("SELECT CONCAT(sequence, ' ', hash, ' ', signature, ' ', detail) FROM audit_log"
                + " ORDER BY sequence");
        long tail = s.scalar("SELECT MAX(sequence) FROM audit_log");
        assertThat(tail).as("rows were chained between S1 and S2").isGreaterThan(atS1);

        JobClient resumed = s.submit(null, s1);
        awaitLoudly(
                "a RESTORED_FROM_OLDER_STATE audit row",
                Duration.ofMinutes(1),
                () -> s.scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'RESTORED_FROM_OLDER_STATE'"),
                1);
        s.awaitAccountedFor(s.events.size());
        s.awaitChainVerifies();
        resumed.cancel().get();

        assertThat(s.column(
                        "SELECT CONCAT(sequence, ' ', hash, ' ', signature, ' ', detail) FROM audit_log WHERE sequence <= "
                                + tail + " ORDER BY sequence"))
                .as("every row up to the tail stored at S2, unchanged")
                .containsExactlyElementsOf(stored);
        assertThat(s.column("SELECT detail FROM audit_log WHERE action = 'RESTORED_FROM_OLDER_STATE'"))
                .singleElement()
                .satisfies(d -> assertThat(d)
                        .contains("but the stored chain at sequence " + tail)
                        .containsPattern("ends at sequence \\d+"));
        assertThat(s.scalar("SELECT MIN(sequence) FROM audit_log WHERE action = 'RESTORED_FROM_OLDER_STATE'"))
                .isGreaterThan(tail);
        assertThat(s.scalar("SELECT COUNT(*) FROM audit_conflict"))
                .as("refused overwrites")
                .isZero();
    }

    /** An entry of Flink's exception history whose failure is a JDBC sink's flush hitting the database. */
    private static boolean isFailedFlush(JsonNode failure) {
        String trace = failure.path("stacktrace").asText();
        // The sink's words for a batch it could not write after its retries (BufferedJdbcWriter), caused by the
        // driver's error.
        return trace.matches("(?s).*Writing \\d+ rows to \\S+ failed after .*")
                && (trace.contains("java.sql.") || trace.contains("com.mysql.cj."));
    }

    /** Polls {@code value} until it reaches {@code atLeast}; fails the test, naming the wait, if it never does. */
    static void awaitLoudly(String what, Duration timeout, ThrowingLongSupplier value, long atLeast) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        Exception lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = value.get();
                if (last >= atLeast) {
                    return;
                }
            } catch (SQLException databaseComingBack) {
                lastError = databaseComingBack; // the outage drill restarts the server; keep waiting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + ": wanted at least " + atLeast
                + ", last saw " + last + (lastError == null ? "" : " (last error: " + lastError + ")"));
    }

    /** A supplier of a number that may need the database. */
    @FunctionalInterface
    interface ThrowingLongSupplier {
        long get() throws Exception;
    }

    /** One tenant, its own topics and database, and the generated stream it is sent. */
    private static final class Scenario {
        private TenantConfig tenant;
        private final GlobalSettings global;
        private final List<GeneratedEvent> events;
        private final Map<StreamKind, List<String>> expectedIds = new EnumMap<>(StreamKind.class);
        private final Map<String, Long> expectedRejections = new TreeMap<>();

        Scenario(String id) throws Exception {
            tenant = TenantConfig.builder(id)
                    .organization("Fault drill " + id)
                    .classificationLevel(Classification.CONFIDENTIAL)
                    .database(new DatabaseSettings(id + "_db", id + "_writer", Secret.of("pw-" + id), id + "_key"))
                    .dataRestrictions(new DataRestrictions(StateScope.all(), EnumSet.allOf(Classification.class)))
                    .processing(ProcessingSettings.builder()
                            .batchSize(200)
                            .batchInterval(Duration.ofSeconds(1))
                            .checkpointInterval(Duration.ofSeconds(1))
                            .topicPartitions(2)
                            .build())
                    .keystore(TestKeys.storeIn(java.nio.file.Files.createTempDirectory("ft-keys"), id))
                    .build();
            TestKeys.initialise(List.of(tenant));
            global = new GlobalSettings(
                    kafka.bootstrapServers(),
                    "PLAINTEXT",
                    "SCRAM-SHA-512",
                    Map.of(),
                    database.rootJdbcUrl(),
                    DatabaseDialect.MYSQL,
                    "enclave_siem_audit",
                    ApiEndpoints.DEFAULT);
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, tenant);
            }
            kafka.createTopics(2, tenant.names().topics().toArray(String[]::new));

            // Seeded, so every run of a drill sends the same stream; 5 % bad records of every kind.
            events = new EventGenerator(tenant, "someone_else", id.hashCode(), 0.05).next(EVENTS);
            for (StreamKind stream : StreamKind.values()) {
                expectedIds.put(stream, new ArrayList<>());
            }
            for (GeneratedEvent e : events) {
                if (e.expectation() == Expectation.ACCEPT) {
                    expectedIds.get(streamOf(e)).add(e.key());
                } else {
                    expectedRejections.merge(reasonFor(e.expectation()), 1L, Long::sum);
                }
            }
        }

        /** The audit reason each kind of bad record gets from a tenant that allows every state and level. */
        private static String reasonFor(Expectation expectation) {
            return switch (expectation) {
                case FOREIGN_TENANT -> "cross_tenant";
                case DISALLOWED_STATE -> "state_not_allowed"; // "ZZ": no state at all
                case OVER_CLASSIFIED -> "unknown_classification"; // every known level is allowed
                case MALFORMED -> "malformed";
                case ACCEPT -> throw new IllegalArgumentException("accepted");
            };
        }

        private StreamKind streamOf(GeneratedEvent e) {
            return e.topic().equals(tenant.names().topic(StreamKind.WEATHER))
                    ? StreamKind.WEATHER
                    : StreamKind.DISASTERS;
        }

        /** The same tenant, upgraded to encrypt one more field. */
        void encrypt(EncryptedField field) {
            tenant = TenantConfig.builder(tenant.id())
                    .organization(tenant.organization())
                    .classificationLevel(tenant.classificationLevel())
                    .database(tenant.database())
                    .dataRestrictions(tenant.dataRestrictions())
                    .processing(ProcessingSettings.builder()
                            .batchSize(tenant.processing().batchSize())
                            .batchInterval(tenant.processing().batchInterval())
                            .checkpointInterval(tenant.processing().checkpointInterval())
                            .topicPartitions(tenant.processing().topicPartitions())
                            .encryptedFields(List.of(field))
                            .build())
                    .keystore(tenant.keystore())
                    .build();
        }

        List<String> column(String sql) throws Exception {
            try (Connection root = database.rootConnection()) {
                return TenantColumn.read(root, tenant, sql);
            }
        }

        long scalar(String sql) throws Exception {
            List<String> values = column(sql);
            return values.isEmpty() || values.get(0) == null ? 0 : Long.parseLong(values.get(0));
        }

        List<GeneratedEvent> firstHalf() {
            return events.subList(0, events.size() / 2);
        }

        /** The source is held after half of the first half: rows in the job, not yet checkpointed. */
        int holdAfter() {
            return firstHalf().size() / 2;
        }

        long acceptedInFirstHalf() {
            return firstHalf().stream()
                    .filter(e -> e.expectation() == Expectation.ACCEPT)
                    .count();
        }

        GeneratedEvent firstAccepted() {
            return events.stream()
                    .filter(e -> e.expectation() == Expectation.ACCEPT)
                    .findFirst()
                    .orElseThrow();
        }

        JobClient submit(KafkaRecordDeserializationSchema<RawEvent> deserializer, String savepoint) throws Exception {
            Configuration conf = TenantJobSettings.forTenant(tenant);
            if (savepoint != null) {
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            TenantJob.addTenantGraph(
                    env,
                    global,
                    tenant,
                    deserializer == null
                            ? TenantKafkaSource.create(global, tenant)
                            : TenantKafkaSource.create(global, tenant, deserializer));
            JobClient job = env.executeAsync(tenant.names().jobName());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (job.getJobStatus().get() != JobStatus.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("job " + tenant.names().jobName() + " not RUNNING after 60 s: "
                            + job.getJobStatus().get());
                }
                Thread.sleep(100);
            }
            return job;
        }

        /** A completed checkpoint is chained as a CHECKPOINT audit row: from now on a failover restores state. */
        void awaitFirstCheckpoint() throws Exception {
            awaitLoudly(
                    "a completed checkpoint of " + tenant.id(),
                    Duration.ofMinutes(1),
                    () -> scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'CHECKPOINT'"),
                    1);
        }

        /**
         * Publishes the first half once the job has a checkpoint to fall back on, and waits until the
         * source is held with rows of it visible: the fault that follows lands in the middle of the
         * stream, on rows read since that checkpoint.
         */
        void publishFirstHalfAndAwaitTheHold() throws Exception {
            awaitFirstCheckpoint();
            publishFirstHalf();
            HeldSourceDeserializer.awaitHeld(Duration.ofMinutes(1));
            awaitRowsAtLeast(1);
            long visible = counts().accepted();
            assertThat(visible)
                    .as(
                            "rows visible when the fault is injected, of %s accepted events published so far",
                            acceptedInFirstHalf())
                    .isLessThan(acceptedInFirstHalf())
                    .isLessThanOrEqualTo(holdAfter());
        }

        void publishFirstHalf() {
            publish(firstHalf());
        }

        void publishSecondHalf() {
            publish(events.subList(events.size() / 2, events.size()));
        }

        void publish(List<GeneratedEvent> batch) {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            // The embedded broker may hand out a producer id again after a restart; the test producer need not be
            // idempotent.
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (GeneratedEvent e : batch) {
                    producer.send(new ProducerRecord<>(e.topic(), e.payload()));
                }
                producer.flush();
            }
        }

        TenantTableCounts counts() throws Exception {
            try (Connection root = database.rootConnection()) {
                return TenantTableCounts.read(root, tenant);
            }
        }

        void awaitRowsAtLeast(long rows) throws Exception {
            awaitLoudly(
                    "at least " + rows + " rows in " + tenant.database().schema(),
                    Duration.ofMinutes(2),
                    () -> counts().accepted(),
                    rows);
        }

        void awaitAccountedFor(long produced) throws Exception {
            awaitLoudly(
                    produced + " events accounted for as rows or audited rejections in "
                            + tenant.database().schema(),
                    Duration.ofMinutes(3),
                    () -> {
                        TenantTableCounts c = counts();
                        return c.accepted() + c.rejected();
                    },
                    produced);
            Thread.sleep(1_500); // a surplus (a duplicate audit row) would show by now
            TenantTableCounts c = counts();
            assertThat(c.accepted() + c.rejected())
                    .as("rows + audited rejections")
                    .isEqualTo(produced);
        }

        /**
         * Everything arrived exactly once: per table, the ids as a multiset, their count and their
         * distinct count equal the accepted events; each rejection is audited once under its
         * reason; the job runs; the audit chain verifies.
         */
        void awaitComplete(JobClient job) throws Exception {
            awaitAccountedFor(events.size());
            for (StreamKind stream : StreamKind.values()) {
                List<String> expected = expectedIds.get(stream);
                String table = stream.table();
                assertThat(column("SELECT id FROM " + table))
                        .as("ids in %s", table)
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(scalar("SELECT COUNT(*) FROM " + table))
                        .as("rows in %s", table)
                        .isEqualTo(expected.size());
                assertThat(scalar("SELECT COUNT(DISTINCT id) FROM " + table))
                        .as("distinct ids in %s", table)
                        .isEqualTo(expected.size());
            }
            assertThat(counts().rejectedByReason())
                    .as("audited rejections by reason")
                    .isEqualTo(expectedRejections);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            awaitChainVerifies();
        }

        /**
         * The job failed over, as Flink's exception history shows (with {@code cause} in one of its
         * entries), and its chain recorded the restart: a JOB_START restored from a checkpoint.
         */
        void assertFailedOverAndRestored(MiniCluster cluster, JobClient job, String cause) throws Exception {
            List<JsonNode> failures = failures(cluster, job);
            assertThat(failures)
                    .as("Flink's exception history of the job")
                    .isNotEmpty()
                    .anyMatch(f -> f.path("stacktrace").asText().contains(cause));
            awaitLoudly(
                    "a JOB_START audit row saying the job restored from a checkpoint",
                    Duration.ofMinutes(1),
                    () -> scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'JOB_START' AND detail LIKE "
                            + "'job restored from checkpoint %'"),
                    1);
        }

        /** The entries of the job's exception history, as the web UI's Exceptions tab shows them. */
        List<JsonNode> failures(MiniCluster cluster, JobClient job) throws Exception {
            URI rest = cluster.getRestAddress().get();
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            rest.resolve("/jobs/" + job.getJobID() + "/exceptions?maxExceptions=100"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<JsonNode> entries = new ArrayList<>();
            JSON.readTree(response.body())
                    .path("exceptionHistory")
                    .path("entries")
                    .forEach(entries::add);
            return entries;
        }

        /** The audit chain survived the fault: no gap, no fork, every signature good, a signed head present. */
        void awaitChainVerifies() throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            AuditVerifier.Verdict verdict;
            do {
                Thread.sleep(500); // the signed head trails the table by a checkpoint
                try (Connection root = database.rootConnection();
                        KeyProvider keys =
                                KeystoreKeyProviderFactory.forTenant(tenant).open()) {
                    verdict = new AuditVerifier(
                                    root,
                                    tenant.database().schema(),
                                    tenant.id(),
                                    io.enclave.operators.audit.AuditTrust.read(
                                            io.enclave.operators.audit.AuditSigning.trustFile(tenant)),
                                    AuditVerifier.Policy.unpinned(
                                            tenant.auditRequirements().retentionDays()))
                            .verify();
                }
            } while (!verdict.ok() && System.nanoTime() < deadline);
            assertThat(verdict.ok())
                    .as("audit chain of %s: %s at %s", tenant.id(), verdict.problem(), verdict.badSequence())
                    .isTrue();
            long rejections = expectedRejections.values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            assertThat(verdict.records()).isGreaterThanOrEqualTo(rejections);
        }
    }
}
