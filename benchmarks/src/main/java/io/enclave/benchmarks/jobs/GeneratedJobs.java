package io.enclave.benchmarks.jobs;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantJobSettings;
import io.enclave.jobs.TenantPipeline;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.ChainOrigin;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The two jobs compared on generated input: the pass-through (source, parse, sink) and the
 * tenant's real {@link TenantPipeline}, with the same source, the same discarding sink (for
 * all three of the tenant's sinks) and the same tenant job settings (RocksDB, checkpoints).
 */
public final class GeneratedJobs {
    private GeneratedJobs() {}

    /** The tenant's pipeline reading {@code count} messages of {@code workload}. */
    public static StreamGraph tenantPipeline(TenantConfig tenant, Workload workload, long count, String runId) {
        return tenantPipeline(tenant, WorkloadSource.of(workload, count), runId);
    }

    /** The tenant's pipeline reading {@code source}, such as a {@link WorkloadSource#gated} one. */
    public static StreamGraph tenantPipeline(TenantConfig tenant, Source<RawEvent, ?, ?> source, String runId) {
        return tenantPipeline(tenant, source, TenantPipeline.EncryptionPlacement.BEFORE_SHUFFLE, runId);
    }

    /**
     * The tenant's pipeline with its field encryptor at {@code placement}: the job's own
     * (before the keyBy) or the earlier layout (after the guard), to measure what the move costs.
     */
    public static StreamGraph tenantPipeline(
            TenantConfig tenant,
            Workload workload,
            long count,
            TenantPipeline.EncryptionPlacement placement,
            String runId) {
        return tenantPipeline(tenant, WorkloadSource.of(workload, count), placement, runId);
    }

    private static StreamGraph tenantPipeline(
            TenantConfig tenant,
            Source<RawEvent, ?, ?> source,
            TenantPipeline.EncryptionPlacement placement,
            String runId) {
        StreamExecutionEnvironment env = environment(tenant);
        TenantPipeline.builder()
                .tenant(tenant)
                .source(source)
                .disasterSink(new TimedDiscardingSink<TenantEvent>(runId))
                .weatherSink(new TimedDiscardingSink<TenantEvent>(runId))
                .auditSink(new TimedDiscardingSink<AuditRecord>(runId))
                .auditHeadSink(new TimedDiscardingSink<AuditHead>(runId))
                .chainOrigin(ChainOrigin.none())
                .keys(KeystoreKeyProviderFactory.forTenant(tenant))
                .signer(AuditSigning.factory(tenant, SignerRole.JOB))
                .trust(AuditSigning.trustSource(tenant))
                .encryptionPlacement(placement)
                .build()
                .addTo(env);
        return graph(env, tenant.names().jobName() + " [" + runId + "]");
    }

    /** Parse and discard, nothing else, on the same settings and input as the tenant's pipeline. */
    public static StreamGraph passThrough(TenantConfig tenant, Workload workload, long count, String runId) {
        StreamExecutionEnvironment env = environment(tenant);
        int parallelism = tenant.processing().parallelism();
        env.fromSource(WorkloadSource.of(workload, count), WatermarkStrategy.<RawEvent>noWatermarks(), "source")
                .uid("passthrough-source")
                .setParallelism(parallelism)
                .process(new ParseOnly(
                        tenant.id(), streamByTopic(tenant), tenant.processing().maxMessageBytes()))
                .name("parse")
                .uid("passthrough-parse")
                .setParallelism(parallelism)
                .sinkTo(new TimedDiscardingSink<TenantEvent>(runId))
                .name("discard")
                .uid("passthrough-discard")
                .setParallelism(parallelism);
        return graph(env, "passthrough [" + runId + "]");
    }

    /** Topic name to stream, as the tagger maps them. */
    static Map<String, StreamKind> streamByTopic(TenantConfig tenant) {
        Map<String, StreamKind> streamByTopic = new LinkedHashMap<>();
        for (StreamKind stream : StreamKind.values()) {
            streamByTopic.put(tenant.names().topic(stream), stream);
        }
        return streamByTopic;
    }

    static StreamExecutionEnvironment environment(TenantConfig tenant) {
        Configuration conf = TenantJobSettings.forTenant(tenant);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    private static StreamGraph graph(StreamExecutionEnvironment env, String name) {
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return graph;
    }
}
