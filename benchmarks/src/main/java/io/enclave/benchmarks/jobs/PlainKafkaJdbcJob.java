package io.enclave.benchmarks.jobs;

import io.enclave.config.GlobalSettings;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The baseline of the end-to-end section, Kafka to JDBC written the obvious way: a Kafka
 * source, a parse, a filter per stream and flink-connector-jdbc's sink with the same upsert,
 * the same batching, the same JDBC URL and the same job settings as the tenant's job. No
 * tags, no content hash, no keyBy, no guard, no audit, no tenant check in the writer.
 */
public final class PlainKafkaJdbcJob {
    private PlainKafkaJdbcJob() {}

    public static StreamGraph build(GlobalSettings global, TenantConfig tenant) {
        StreamExecutionEnvironment env = GeneratedJobs.environment(tenant);
        JdbcSinkOptions options = JdbcSinkOptions.forTenant(global, tenant);
        int parallelism = tenant.processing().parallelism();
        DataStream<TenantEvent> parsed = env.fromSource(
                        TenantKafkaSource.create(global, tenant), WatermarkStrategy.<RawEvent>noWatermarks(), "kafka")
                .uid("plain-kafka")
                .setParallelism(parallelism)
                .process(new ParseOnly(
                        tenant.id(),
                        GeneratedJobs.streamByTopic(tenant),
                        tenant.processing().maxMessageBytes()))
                .name("parse")
                .uid("plain-parse")
                .setParallelism(parallelism);
        for (StreamKind stream : StreamKind.values()) {
            TableDefinition<TenantEvent> table = TenantTables.forStream(stream);
            parsed.filter(new StreamIs(stream))
                    .name("filter-" + stream.table())
                    .uid("plain-filter-" + stream.table())
                    .setParallelism(parallelism)
                    .sinkTo(JdbcSink.<TenantEvent>builder()
                            .withQueryStatement(
                                    options.dialect().upsert(options.database(), table), new PlainRowBinder(table))
                            .withExecutionOptions(JdbcExecutionOptions.builder()
                                    .withBatchSize(options.batchSize())
                                    .withBatchIntervalMs(options.batchInterval().toMillis())
                                    .withMaxRetries(options.maxRetries())
                                    .build())
                            .buildAtLeastOnce(new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                    .withUrl(options.jdbcUrl())
                                    .withDriverName("com.mysql.cj.jdbc.Driver")
                                    .withUsername(options.user())
                                    .withPassword(options.password().reveal())
                                    .build()))
                    .name("jdbc-" + stream.table())
                    .uid("plain-jdbc-" + stream.table())
                    .setParallelism(parallelism);
        }
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("plain kafka-to-jdbc " + tenant.id());
        return graph;
    }
}
