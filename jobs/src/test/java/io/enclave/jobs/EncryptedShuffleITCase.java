package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.ChainOrigin;
import io.enclave.operators.crypto.Ciphertext;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.TenantYaml;
import io.enclave.testing.TestKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What crosses the keyBy between TaskManagers holds no plaintext of a configured sensitive
 * field. The tenant's real pipeline runs on a MiniCluster with two TaskManagers; the keyed
 * guard's network input deserializer is wrapped to keep a copy of every record as it arrives off
 * the wire, and those copies are then searched for the plaintexts that were sent.
 */
class EncryptedShuffleITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(2, 1);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "shuffle_alpha";
    private static final int DISASTERS = 20;
    private static final int ALERTS = 10;

    /** Records as the guard received them; static because the MiniCluster runs in this JVM. */
    private static final Queue<TenantEvent> ARRIVED_AT_GUARD = new ConcurrentLinkedQueue<>();

    @TempDir
    Path dir;

    @Test
    void recordsArrivingAtTheKeyedGuardCarryOnlyCiphertextOfConfiguredFields() throws Exception {
        Path configFile = dir.resolve("tenants.yaml");
        TenantYaml.global("localhost:9092", "jdbc:mysql://localhost:3306/")
                .tenant(
                        TENANT,
                        t -> t.organization("Alpha Emergency Management")
                                .keystore("shuffle-alpha-keys.p12", "it-shuffle-keystore", "PKCS12")
                                .database("it_shuffle_alpha", "it_shuffle_alpha", "alpha-db", "alpha_key")
                                .section(
                                        "processing",
                                        "{parallelism: 2, topic_partitions: 2, "
                                                + "encrypt: {disasters: [designatedArea, declarationTitle, {field: placeCode, mode: deterministic}], "
                                                + "weather: [areaDesc, description, instruction]}}"))
                .write(configFile);
        EnclaveConfig config = TenantConfigLoader.load(configFile, Map.of());
        TenantConfig tenant = config.tenant(TENANT);
        TestKeys.initialise(List.of(tenant));
        List<String> plaintexts = new ArrayList<>();
        List<RawEvent> input = input(tenant, plaintexts);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TenantPipeline.builder()
                .tenant(tenant)
                .source(new DataGeneratorSource<>(
                        new FromList(input), input.size(), TypeInformation.of(RawEvent.class)))
                .disasterSink(new DiscardingSink<TenantEvent>())
                .weatherSink(new DiscardingSink<TenantEvent>())
                .auditSink(new DiscardingSink<AuditRecord>())
                .auditHeadSink(new DiscardingSink<AuditHead>())
                .chainOrigin(ChainOrigin.none())
                .keys(KeystoreKeyProviderFactory.forTenant(tenant))
                .signer(io.enclave.operators.audit.AuditSigning.factory(
                        tenant, io.enclave.operators.audit.SignerRole.JOB))
                .trust(io.enclave.operators.audit.AuditSigning.trustSource(tenant))
                .build()
                .addTo(env);
        StreamGraph graph = env.getStreamGraph();
        StreamNode guard = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals("guard[" + TENANT + "]"))
                .findFirst()
                .orElseThrow();
        // The guard's only input is the keyBy: a hash partition, so every record crosses the network.
        assertThat(guard.getInEdges())
                .singleElement()
                .satisfies(edge -> assertThat(edge.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class));
        guard.setSerializersIn(new RecordingSerializer(guard.getTypeSerializersIn()[0]));

        ARRIVED_AT_GUARD.clear();
        env.execute(graph);

        assertThat(ARRIVED_AT_GUARD).as("records that crossed the keyBy").hasSize(DISASTERS + ALERTS);
        for (TenantEvent event : ARRIVED_AT_GUARD) {
            if (event.stream == StreamKind.DISASTERS) {
                assertThat(List.of(
                                event.disaster.designatedArea,
                                event.disaster.declarationTitle,
                                event.disaster.placeCode))
                        .as(event.toString())
                        .allSatisfy(v -> assertThat(v).matches("enc:(v1|s1):k1:[A-Za-z0-9_-]+"));
            } else {
                assertThat(List.of(event.alert.areaDesc, event.alert.description, event.alert.instruction))
                        .as(event.toString())
                        .allSatisfy(
                                v -> assertThat(Ciphertext.looksEncrypted(v)).isTrue());
            }
            // Nothing else in the record (its other fields, tags, hashes) carries a plaintext either.
            String wholeRecord = JSON.writeValueAsString(event);
            assertThat(plaintexts).as(event.toString()).noneMatch(wholeRecord::contains);
            // The guard still sees what it judges in clear: tenant, states, classification, key and content hash.
            assertThat(event.states).containsExactly("CO");
            assertThat(event.classification).isEqualTo("PUBLIC");
            assertThat(event.contentHash).matches("[0-9a-f]{64}");
        }
    }

    /** FEMA- and NWS-shaped messages of the tenant's topics whose sensitive values are unique. */
    private static List<RawEvent> input(TenantConfig tenant, List<String> plaintexts) {
        List<RawEvent> events = new ArrayList<>();
        for (int i = 0; i < DISASTERS; i++) {
            ObjectNode d = JSON.createObjectNode();
            d.put("id", "fema-" + i);
            d.put("femaDeclarationString", "DR-4" + i + "-CO");
            d.put("state", "CO");
            d.put("declarationType", "DR");
            d.put("declarationDate", "2026-11-01T00:00:00.000Z");
            d.put("incidentType", "Flood");
            d.put("designatedArea", secret(plaintexts, "Secret County " + i));
            d.put("declarationTitle", secret(plaintexts, "Hidden Flood Title " + i));
            d.put("placeCode", secret(plaintexts, "PLACE-" + (7000 + i)));
            events.add(raw(tenant.names().topic(StreamKind.DISASTERS), i, d));
        }
        for (int i = 0; i < ALERTS; i++) {
            ObjectNode p = JSON.createObjectNode();
            String id = "urn:oid:2.49.0.1.840.0.shuffle." + i;
            p.put("id", id);
            p.put("areaDesc", secret(plaintexts, "Private Zone " + i));
            p.putObject("geocode").putArray("UGC").add("COZ039");
            p.put("sent", "2026-02-10T03:12:00-07:00");
            p.put("status", "Actual");
            p.put("event", "Winter Storm Warning");
            p.put("severity", "Severe");
            p.put("description", secret(plaintexts, "Confidential description " + i));
            p.put("instruction", secret(plaintexts, "Sensitive instruction " + i));
            ObjectNode feature = JSON.createObjectNode();
            feature.put("id", "https://api.weather.gov/alerts/" + id);
            feature.put("type", "Feature");
            feature.set("properties", p);
            events.add(raw(tenant.names().topic(StreamKind.WEATHER), DISASTERS + i, feature));
        }
        return events;
    }

    private static String secret(List<String> plaintexts, String value) {
        plaintexts.add(value);
        return value;
    }

    private static RawEvent raw(String topic, long offset, ObjectNode payload) {
        return new RawEvent(topic, 0, offset, 0L, payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Emits the prepared messages in order, as a topic would hand them out. RawEvent is not Serializable. */
    private static final class FromList implements GeneratorFunction<Long, RawEvent> {
        private static final long serialVersionUID = 1L;
        private final ArrayList<String> topics = new ArrayList<>();
        private final ArrayList<byte[]> payloads = new ArrayList<>();

        FromList(List<RawEvent> events) {
            for (RawEvent e : events) {
                topics.add(e.topic);
                payloads.add(e.payload);
            }
        }

        @Override
        public RawEvent map(Long index) {
            int i = index.intValue();
            return new RawEvent(topics.get(i), 0, i, 0L, payloads.get(i));
        }
    }

    /**
     * The guard's input serializer, unchanged, except that every record it reads off the network
     * is also copied into {@link #ARRIVED_AT_GUARD}.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final class RecordingSerializer extends TypeSerializer<TenantEvent> {
        private static final long serialVersionUID = 1L;
        private final TypeSerializer<TenantEvent> delegate;

        RecordingSerializer(TypeSerializer<?> delegate) {
            this.delegate = (TypeSerializer<TenantEvent>) delegate;
        }

        private TenantEvent arrived(TenantEvent event) {
            ARRIVED_AT_GUARD.add(delegate.copy(event));
            return event;
        }

        @Override
        public TenantEvent deserialize(DataInputView source) throws IOException {
            return arrived(delegate.deserialize(source));
        }

        @Override
        public TenantEvent deserialize(TenantEvent reuse, DataInputView source) throws IOException {
            return arrived(delegate.deserialize(reuse, source));
        }

        @Override
        public boolean isImmutableType() {
            return delegate.isImmutableType();
        }

        @Override
        public TypeSerializer<TenantEvent> duplicate() {
            return new RecordingSerializer(delegate.duplicate());
        }

        @Override
        public TenantEvent createInstance() {
            return delegate.createInstance();
        }

        @Override
        public TenantEvent copy(TenantEvent from) {
            return delegate.copy(from);
        }

        @Override
        public TenantEvent copy(TenantEvent from, TenantEvent reuse) {
            return delegate.copy(from, reuse);
        }

        @Override
        public int getLength() {
            return delegate.getLength();
        }

        @Override
        public void serialize(TenantEvent record, DataOutputView target) throws IOException {
            delegate.serialize(record, target);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            delegate.copy(source, target);
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof RecordingSerializer other && delegate.equals(other.delegate);
        }

        @Override
        public int hashCode() {
            return delegate.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<TenantEvent> snapshotConfiguration() {
            return delegate.snapshotConfiguration();
        }
    }
}
