package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.ingest.IngestOptions;
import io.enclave.operators.audit.ChainOrigin;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.TenantJdbcSinks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/** The tenant graph as Flink builds it: every operator named for its tenant, with a stable uid. */
class TenantPipelineTest {

    private static final EnclaveConfig CONFIG =
            TenantConfigLoader.load(Path.of("..", "tenant-config", "examples", "tenants.yaml"), Map.of());

    @Test
    void everyOperatorHasAStableUidAndANameShowingItsTenant() {
        TenantConfig tenant = CONFIG.tenant("colorado_state");
        StreamGraph graph = TenantJob.environment(CONFIG.global(), tenant).getStreamGraph();

        List<String> names =
                graph.getStreamNodes().stream().map(StreamNode::getOperatorName).toList();
        assertThat(names)
                .contains(
                        "Source: source[colorado_state]",
                        "tag[colorado_state]",
                        "guard[colorado_state]",
                        "encrypt[colorado_state]",
                        "sink_guard[colorado_state]",
                        "route[colorado_state]",
                        "sink[colorado_emergency.disaster_declarations]: Writer",
                        "sink[colorado_emergency.weather_alerts]: Writer",
                        "sink[colorado_emergency.audit_log]: Writer");
        assertThat(graph.getStreamNodes())
                .allSatisfy(node -> assertThat(node.getTransformationUID())
                        .as("uid of %s", node.getOperatorName())
                        .isNotBlank()
                        .contains("tenant_colorado_state_"));
        assertThat(graph.getJobName()).isEqualTo("tenant_colorado_state_emergency_processing");
    }

    @Test
    void everyRecordIsEncryptedRightAfterTaggingSoOnlyCiphertextCrossesTheKeyBy() {
        StreamGraph graph = TenantJob.environment(CONFIG.global(), CONFIG.tenant("colorado_state"))
                .getStreamGraph();
        StreamNode encrypt = node(graph, "encrypt[colorado_state]");
        StreamNode guard = node(graph, "guard[colorado_state]");

        // Same uid as when it ran after the guard: the operator is stateless, savepoints still map.
        assertThat(encrypt.getTransformationUID()).isEqualTo("tenant_colorado_state_encrypt");
        assertThat(encrypt.getInEdges())
                .extracting(e -> graph.getStreamNode(e.getSourceId()).getOperatorName())
                .containsExactly("tag[colorado_state]");
        // The only edge into the keyed guard is the keyBy from the encryptor: the network shuffle.
        assertThat(guard.getInEdges()).singleElement().satisfies(edge -> {
            assertThat(graph.getStreamNode(edge.getSourceId()).getOperatorName())
                    .isEqualTo("encrypt[colorado_state]");
            assertThat(edge.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class);
        });
        // The sink layer's own tenant check sees the guarded (encrypted) row, right before it is routed to a sink.
        assertThat(node(graph, "sink_guard[colorado_state]").getInEdges())
                .extracting(e -> graph.getStreamNode(e.getSourceId()).getOperatorName())
                .containsExactly("guard[colorado_state]");
        assertThat(node(graph, "route[colorado_state]").getInEdges())
                .extracting(e -> graph.getStreamNode(e.getSourceId()).getOperatorName())
                .containsExactly("sink_guard[colorado_state]");
    }

    private static StreamNode node(StreamGraph graph, String name) {
        return graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aTenantPipelineCannotBeBuiltWithoutItsKeys() {
        assertThatThrownBy(() -> withSourceAndSinks("colorado_state")
                        .chainOrigin(ChainOrigin.none())
                        .build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("keys");
    }

    @Test
    void aTenantPipelineCannotBeBuiltWithoutWhereItsChainContinues() {
        assertThatThrownBy(() -> withSourceAndSinks("colorado_state").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessage("chainOrigin");
    }

    /** A builder with the tenant's real source and sinks, and nothing else. */
    private static TenantPipeline.Builder withSourceAndSinks(String tenantId) {
        TenantConfig tenant = CONFIG.tenant(tenantId);
        TenantJdbcSinks sinks = new TenantJdbcSinks(JdbcSinkOptions.forTenant(CONFIG.global(), tenant));
        return TenantPipeline.builder()
                .tenant(tenant)
                .source(TenantKafkaSource.create(CONFIG.global(), tenant))
                .disasterSink(sinks.events(StreamKind.DISASTERS))
                .weatherSink(sinks.events(StreamKind.WEATHER))
                .auditSink(sinks.audit())
                .auditHeadSink(sinks.auditHead());
    }

    @Test
    void submissionsFromTheTenantsAuditTopicAreCheckedThenChainedWithTheJobsOwnRecords() {
        StreamGraph graph = TenantJob.environment(CONFIG.global(), CONFIG.tenant("colorado_state"))
                .getStreamGraph();
        StreamNode chain = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals("chain[colorado_state]"))
                .findFirst()
                .orElseThrow();
        StreamNode intake = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals("audit_intake[colorado_state]"))
                .findFirst()
                .orElseThrow();

        assertThat(chain.getInEdges())
                .extracting(e -> graph.getStreamNode(e.getSourceId()).getOperatorName())
                .contains("audit_intake[colorado_state]", "guard[colorado_state]", "tag[colorado_state]");
        assertThat(intake.getInEdges())
                .extracting(e -> graph.getStreamNode(e.getSourceId()).getOperatorName())
                .containsExactly("Source: audit_source[colorado_state]");
        assertThat(intake.getParallelism()).isEqualTo(1);
    }

    @Test
    void theConfiguredParallelismAndMemoryPerSlotAreWhatTheGraphAsksTheClusterFor() throws Exception {
        Path examples = Path.of("..", "tenant-config", "examples");
        String yaml = Files.readString(examples.resolve("tenants.yaml"))
                .replaceFirst(
                        "(?m)^      parallelism: 1\n",
                        "      parallelism: 3\n      memory_per_slot: {task_heap: 512mb, managed: 192mb}\n");
        EnclaveConfig config =
                TenantConfigLoader.parse(yaml, "tenants.yaml", Map.of(), DevMode.fromEnvironment(), examples);
        TenantConfig tenant = config.tenant("colorado_state");
        StreamGraph graph = TenantJob.environment(config.global(), tenant).getStreamGraph();

        // Every operator (the audit chain and its sinks run at 1 by design) runs in the tenant's own group ...
        assertThat(graph.getStreamNodes())
                .allSatisfy(n -> assertThat(n.getSlotSharingGroup())
                        .as("slot sharing group of %s", n.getOperatorName())
                        .isEqualTo("tenant_colorado_state_emergency_processing"));
        assertThat(node(graph, "guard[colorado_state]").getParallelism()).isEqualTo(3);
        assertThat(node(graph, "Source: source[colorado_state]").getParallelism())
                .isEqualTo(3);
        // ... whose slots are exactly the budget: heap for the operators, managed memory for RocksDB.
        ResourceProfile slot = graph.getSlotSharingGroupResource("tenant_colorado_state_emergency_processing")
                .orElseThrow();
        assertThat(slot.getTaskHeapMemory()).isEqualTo(MemorySize.ofMebiBytes(512));
        assertThat(slot.getManagedMemory()).isEqualTo(MemorySize.ofMebiBytes(192));
        assertThat(slot.getCpuCores().getValue().doubleValue()).isEqualTo(1.0);

        // The tenant's ingest job keeps to the same budget: every operator in its own group of slots that size.
        StreamGraph ingest = TenantIngestJob.environment(
                        config.global(), tenant, IngestOptions.defaults(), new Configuration())
                .getStreamGraph();
        assertThat(ingest.getStreamNodes())
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n.getSlotSharingGroup())
                        .as("slot sharing group of %s", n.getOperatorName())
                        .isEqualTo("tenant_colorado_state_ingest"));
        assertThat(ingest.getSlotSharingGroupResource("tenant_colorado_state_ingest"))
                .contains(slot);
        // Run in the CLI's own MiniCluster (enclave ingest), its TaskManager holds exactly those slots' managed memory.
        Configuration local = TenantIngestJob.localClusterSettings(tenant);
        assertThat(local.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(3);
        assertThat(local.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.ofMebiBytes(3 * 192));
        assertThat(TenantIngestJob.localClusterSettings(CONFIG.tenant("colorado_state"))
                        .toMap())
                .isEmpty();

        // Without a budget the tenant takes the cluster's default slots, as before.
        StreamGraph plain = TenantJob.environment(CONFIG.global(), CONFIG.tenant("colorado_state"))
                .getStreamGraph();
        assertThat(plain.getStreamNodes())
                .allSatisfy(n -> assertThat(n.getSlotSharingGroup()).isEqualTo("default"));
        assertThat(plain.getSlotSharingGroupResource("default")).isEmpty();
    }

    @Test
    void twoTenantsGraphsShareNoUid() {
        List<String> colorado = uids(CONFIG.tenant("colorado_state"));
        List<String> federal = uids(CONFIG.tenant("federal_dhs"));

        assertThat(colorado).doesNotContainAnyElementsOf(federal);
    }

    @Test
    void tenantJobSettingsSwitchOffGeneratedUids() {
        assertThat(TenantJobSettings.forTenant(CONFIG.tenant("colorado_state")).get(PipelineOptions.AUTO_GENERATE_UIDS))
                .isFalse();
    }

    @Test
    void anOperatorWithoutUidFailsWhenTheGraphIsBuilt() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                TenantJobSettings.forTenant(CONFIG.tenant("colorado_state")));
        env.fromSource(
                        new NumberSequenceSource(1, 10),
                        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(),
                        "numbers")
                .uid("numbers")
                .map(new Identity())
                .name("no-uid-here")
                .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>())
                .uid("discard");

        assertThatThrownBy(env::getStreamGraph).hasMessageContaining("no-uid-here");
    }

    private static List<String> uids(TenantConfig tenant) {
        return TenantJob.environment(CONFIG.global(), tenant).getStreamGraph().getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .toList();
    }

    /** A map operator given no uid on purpose. */
    private static final class Identity implements org.apache.flink.api.common.functions.MapFunction<Long, Long> {
        @Override
        public Long map(Long value) {
            return value;
        }
    }
}
