package io.enclave.ingest;

import io.enclave.config.StateScope;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * Defines one tenant's ingest graph ({@code tenant_<id>_ingest}): one polling source per API,
 * the scope filter, the tenant's topics, and the filter's audit side output into the tenant's
 * audit log. Sources and sinks are handed in, so the main uses Kafka and JDBC and tests their own.
 */
public final class IngestPipeline {
    private final TenantConfig tenant;
    private final List<ApiPollingSource> sources;
    private final Sink<ApiRecord> recordSink;
    private final Sink<AuditRecord> auditSink;
    private final OutputTag<AuditRecord> auditTag;
    private final Optional<SlotSharingGroup> slots;

    private IngestPipeline(Builder b) {
        this.tenant = Objects.requireNonNull(b.tenant, "tenant");
        this.sources = List.copyOf(b.sources);
        this.recordSink = Objects.requireNonNull(b.recordSink, "recordSink");
        this.auditSink = Objects.requireNonNull(b.auditSink, "auditSink");
        this.slots = Objects.requireNonNull(b.slots, "slots");
        this.auditTag = new OutputTag<>(
                "ingest-audit", org.apache.flink.api.common.typeinfo.TypeInformation.of(AuditRecord.class));
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("tenant " + tenant.id() + " has no API in scope to ingest from");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The audit identity of the ingest job: its own job name, acting as the tenant's publisher. */
    public static AuditContext auditContext(TenantConfig tenant) {
        String principal = tenant.kafkaPublisher().isPresent()
                ? tenant.kafkaPublisher().username()
                : tenant.names().ingestJobName();
        return new AuditContext(tenant.id(), tenant.names().ingestJobName(), principal, true, true);
    }

    /** Adds the graph to {@code env}; every operator has an explicit uid, so savepoints survive upgrades. */
    public void addTo(StreamExecutionEnvironment env) {
        TenantNames names = tenant.names();
        int parallelism = tenant.processing().parallelism();
        Map<String, StateScope> scopeByApi = new LinkedHashMap<>();
        DataStream<ApiRecord> all = null;
        for (ApiPollingSource source : sources) {
            UpstreamApi api = source.config().api();
            scopeByApi.put(api.id(), source.config().scope());
            SingleOutputStreamOperator<ApiRecord> polled = env.fromSource(
                            source, WatermarkStrategy.noWatermarks(), names.operatorName("poll_" + api.id()))
                    .uid(names.operatorUid("ingest_poll_" + api.id()))
                    .setParallelism(source.parallelism(parallelism));
            // Set on the sources only: the filter and sinks downstream inherit the group of their inputs.
            slots.ifPresent(polled::slotSharingGroup);
            all = all == null ? polled : all.union(polled);
        }
        SingleOutputStreamOperator<ApiRecord> inScope = all.process(new ScopeFilter(
                        auditContext(tenant),
                        scopeByApi,
                        tenant.processing().maxMessageBytes(),
                        auditTag,
                        names.operatorName("scope")))
                .name(names.operatorName("scope"))
                .uid(names.operatorUid("ingest_scope"))
                .setParallelism(parallelism);
        inScope.sinkTo(recordSink)
                .name("kafka[" + String.join(", ", names.topics()) + "]")
                .uid(names.operatorUid("ingest_kafka_sink"))
                .setParallelism(parallelism);
        inScope.getSideOutput(auditTag)
                .sinkTo(auditSink)
                .name(names.sinkName(names.auditTable()))
                .uid(names.operatorUid("ingest_sink_" + names.auditTable()))
                .setParallelism(parallelism);
    }

    /** Builder for {@link IngestPipeline}. */
    public static final class Builder {
        private TenantConfig tenant;
        private List<ApiPollingSource> sources = List.of();
        private Sink<ApiRecord> recordSink;
        private Sink<AuditRecord> auditSink;
        private Optional<SlotSharingGroup> slots = Optional.empty();

        public Builder tenant(TenantConfig v) {
            tenant = v;
            return this;
        }

        public Builder sources(List<ApiPollingSource> v) {
            sources = v;
            return this;
        }

        public Builder recordSink(Sink<ApiRecord> v) {
            recordSink = v;
            return this;
        }

        public Builder auditSink(Sink<AuditRecord> v) {
            auditSink = v;
            return this;
        }

        /**
         * The slot sharing group, with its resources, every operator runs in
         * ({@code processing.memory_per_slot}); without one the job takes the cluster's default slots.
         */
        public Builder slotSharingGroup(Optional<SlotSharingGroup> v) {
            slots = v;
            return this;
        }

        public IngestPipeline build() {
            return new IngestPipeline(this);
        }
    }
}
