package io.enclave.jobs;

import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.ApiEndpoints;
import io.enclave.config.Classification;
import io.enclave.config.DataRestrictions;
import io.enclave.config.DatabaseDialect;
import io.enclave.config.DatabaseSettings;
import io.enclave.config.EncryptedField;
import io.enclave.config.EncryptionMode;
import io.enclave.config.GlobalSettings;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.ProcessingSettings;
import io.enclave.config.Secret;
import io.enclave.config.StateScope;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.UsStates;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.RealSamples.Message;
import io.enclave.jobs.demo.TenantTableCounts;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.sinks.AuditVerifier;
import io.enclave.sinks.dialect.SqlDialect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
 * No row lost, none duplicated: each test publishes the real FEMA and NWS samples plus two
 * poison records, injects one fault in the middle of the stream, lets the job recover, and
 * checks that the tenant's tables hold exactly the distinct accepted events and that each
 * poison record is audited exactly once.
 */
class FaultToleranceITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static List<Message> fema;
    private static List<Message> alerts;

    @BeforeAll
    static void start() throws Exception {
        fema = RealSamples.femaMessages();
        alerts = RealSamples.alertMessages(SharedSamples.nws("dpc5_nws_alerts_active_2024-12-08.json"));
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
    void anOperatorThatThrowsOnceIsRestartedFromTheLastCheckpoint() throws Exception {
        Scenario s = new Scenario("ft_task");
        JobClient job = s.submit(new FailOnceDeserializer(s.firstHalf() / 2), null);
        s.publishFirstHalf();
        s.awaitRowsAtLeast(1);
        s.publishSecondHalf();
        s.awaitComplete(job);
        assertThat(FailOnceDeserializer.FAILED).as("the injected failure happened").isTrue();
        job.cancel().get();
    }

    @Test
    void aTaskManagerTerminatedAndRestarted(@InjectMiniCluster MiniCluster cluster) throws Exception {
        Scenario s = new Scenario("ft_taskmanager");
        JobClient job = s.submit(null, null);
        s.publishFirstHalf();
        s.awaitRowsAtLeast(s.firstHalf() / 4);
        cluster.terminateTaskManager(0).get();
        s.publishSecondHalf();
        Thread.sleep(2_000);
        cluster.startTaskManager();
        s.awaitComplete(job);
        job.cancel().get();
    }

    @Test
    void theDatabaseStoppedForLongerThanABatchInterval() throws Exception {
        Scenario s = new Scenario("ft_database");
        JobClient job = s.submit(null, null);
        s.publishFirstHalf();
        s.awaitRowsAtLeast(s.firstHalf() / 4);
        database.stop();
        try {
            s.publishSecondHalf();
            Thread.sleep(6_000); // batch interval is 1 s: several flushes and a checkpoint fail meanwhile
        } finally {
            database.restart();
        }
        s.awaitComplete(job);
        job.cancel().get();
    }

    @Test
    void theKafkaBrokerRestarted() throws Exception {
        Scenario s = new Scenario("ft_broker");
        JobClient job = s.submit(null, null);
        s.publishFirstHalf();
        s.awaitRowsAtLeast(s.firstHalf() / 4);
        kafka.restartBroker();
        s.publishSecondHalf();
        s.awaitComplete(job);
        job.cancel().get();
    }

    @Test
    void stopWithSavepointThenResumeFromIt(@TempDir Path savepoints) throws Exception {
        Scenario s = new Scenario("ft_savepoint");
        JobClient first = s.submit(null, null);
        s.publishFirstHalf();
        s.awaitAccountedFor(s.firstHalf());
        String savepoint = first.stopWithSavepoint(false, savepoints.toUri().toString(),
                SavepointFormatType.CANONICAL).get();

        // The new build's config has gained an encrypted field: a new operator, restored beside the old ones.
        s.encrypt(new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED));
        JobClient resumed = s.submit(null, savepoint);
        s.publishSecondHalf();
        s.awaitComplete(resumed);
        List<String> areas = s.column("SELECT designated_area FROM disaster_declarations WHERE designated_area IS NOT NULL");
        assertThat(areas).as("rows written before the upgrade stay as they were").anyMatch(a -> !a.startsWith("enc:"));
        assertThat(areas).as("rows written after it are encrypted").anyMatch(a -> a.startsWith("enc:v1:k1:"));

        // The guard's dedup state came back through the savepoint: an accepted record sent again is a duplicate.
        long duplicatesBefore = s.counts().rejectedByReason().getOrDefault("duplicate", 0L);
        s.publish(List.of(s.messages.get(0)));
        s.awaitAccountedFor(s.messages.size() + 1);
        assertThat(s.counts().rejectedByReason().getOrDefault("duplicate", 0L)).isEqualTo(duplicatesBefore + 1);
        resumed.cancel().get();
    }

    /** One tenant, its own topics and database, and the stream it is sent. */
    private static final class Scenario {
        private TenantConfig tenant;
        private final GlobalSettings global;
        private final List<byte[]> messages = new ArrayList<>();
        private final Set<String> expectedDisasters = new HashSet<>();
        private final Set<String> expectedAlerts = new HashSet<>();
        private final long expectedRejected;

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
            global = new GlobalSettings(kafka.bootstrapServers(), "PLAINTEXT", "SCRAM-SHA-512", Map.of(),
                    database.rootJdbcUrl(), DatabaseDialect.MYSQL, "enclave_siem_audit", ApiEndpoints.DEFAULT);
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, tenant);
            }
            kafka.createTopics(2, tenant.names().topics().toArray(String[]::new));

            long rejected = 0;
            for (Message m : fema) {
                messages.add(m.payload());
                if (UsStates.isCode(m.state())) {
                    expectedDisasters.add(m.id());
                } else {
                    rejected++;
                }
            }
            for (Message m : alerts) {
                messages.add(m.payload());
                expectedAlerts.add(m.id());
            }
            // Poison pills in the middle of the stream: rejected and audited once, never a restart loop.
            int middle = messages.size() / 2;
            messages.add(middle, "{\"id\": \"poison-truncated\", \"state\": \"C".getBytes(StandardCharsets.UTF_8));
            messages.add(middle + 1, ("{\"id\":\"poison-foreign\",\"state\":\"CO\",\"tenant_id\":\"someone_else\"}")
                    .getBytes(StandardCharsets.UTF_8));
            expectedRejected = rejected + 2;
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

        int firstHalf() {
            return messages.size() / 2 + 2;
        }

        JobClient submit(KafkaRecordDeserializationSchema<RawEvent> deserializer, String savepoint) throws Exception {
            Configuration conf = TenantJobSettings.forTenant(tenant);
            if (savepoint != null) {
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            TenantJob.addTenantGraph(env, global, tenant, deserializer == null
                    ? TenantKafkaSource.create(global, tenant)
                    : TenantKafkaSource.create(global, tenant, deserializer));
            JobClient job = env.executeAsync(tenant.names().jobName());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (job.getJobStatus().get() != JobStatus.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            return job;
        }

        void publishFirstHalf() {
            publish(messages.subList(0, firstHalf()));
        }

        void publishSecondHalf() {
            publish(messages.subList(firstHalf(), messages.size()));
        }

        /** Publishes to the topic each message belongs to; FEMA rows carry a "femaDeclarationString". */
        void publish(List<byte[]> payloads) {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            // The embedded broker may hand out a producer id again after a restart; the test producer need not be idempotent.
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (byte[] payload : payloads) {
                    boolean weather = new String(payload, StandardCharsets.UTF_8).contains("\"areaDesc\"");
                    producer.send(new ProducerRecord<>(
                            tenant.names().topic(weather ? StreamKind.WEATHER : StreamKind.DISASTERS), payload));
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
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (counts().accepted() < rows && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }

        void awaitAccountedFor(long produced) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    TenantTableCounts c = counts();
                    if (c.accepted() + c.rejected() >= produced) {
                        break;
                    }
                } catch (java.sql.SQLException databaseStillComingBack) {
                    // the outage test restarts the server; keep waiting
                }
                Thread.sleep(500);
            }
            Thread.sleep(1_500); // a surplus (a duplicate audit row) would show by now
            TenantTableCounts c = counts();
            assertThat(c.accepted() + c.rejected()).as("rows + audited rejections").isEqualTo(produced);
        }

        /** Everything arrived exactly once, the poison pills are audited once each, and the job is running. */
        void awaitComplete(JobClient job) throws Exception {
            awaitAccountedFor(messages.size());
            assertThat(ids(StreamKind.DISASTERS)).isEqualTo(expectedDisasters);
            assertThat(ids(StreamKind.WEATHER)).isEqualTo(expectedAlerts);
            TenantTableCounts c = counts();
            assertThat(c.rejected()).isEqualTo(expectedRejected);
            assertThat(c.rejectedByReason()).containsEntry("malformed", 1L).containsEntry("cross_tenant", 1L);
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            awaitChainVerifies();
        }

        /** The audit chain survived the fault: no gap, no fork, every HMAC good, a signed head present. */
        void awaitChainVerifies() throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            AuditVerifier.Verdict verdict;
            do {
                Thread.sleep(500); // the signed head trails the table by a checkpoint
                try (Connection root = database.rootConnection();
                        KeyProvider keys = KeystoreKeyProviderFactory.forTenant(tenant).open()) {
                    verdict = new AuditVerifier(root, tenant.database().schema(), tenant.id(),
                            new AuditChain(keys.auditKey())).verify();
                }
            } while (!verdict.ok() && System.nanoTime() < deadline);
            assertThat(verdict.ok()).as("audit chain of %s: %s at %s", tenant.id(), verdict.problem(),
                    verdict.badSequence()).isTrue();
            assertThat(verdict.records()).isGreaterThanOrEqualTo(expectedRejected);
        }

        private Set<String> ids(StreamKind stream) throws Exception {
            Set<String> ids = new HashSet<>();
            try (Connection root = database.rootConnection(); Statement st = root.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM "
                            + SqlDialect.qualified(tenant.database().schema(), stream.table()))) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }
}
