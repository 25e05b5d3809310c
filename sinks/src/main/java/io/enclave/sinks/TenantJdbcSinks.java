package io.enclave.sinks;

import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * Builds a tenant's JDBC sinks: one per stream table, writing upserts, and the append-only
 * audit log and head, all into the tenant's own database as the tenant's own user. They flush
 * on their batch size, on their interval, and on every checkpoint, which with upserts by
 * natural key (and identical replays skipped in the audit tables) gives effectively-once rows.
 */
public final class TenantJdbcSinks {
    static final String DRIVER = "com.mysql.cj.jdbc.Driver";

    private final JdbcSinkOptions options;

    public TenantJdbcSinks(JdbcSinkOptions options) {
        this.options = options;
    }

    public Sink<TenantEvent> events(StreamKind stream) {
        TableDefinition<TenantEvent> table = TenantTables.forStream(stream);
        return build(table, new TenantRowBinder<>(options.tenantId(), table, TenantEvent::tenantIdOf));
    }

    /** The chained audit records, appended and never overwritten (see {@link AppendOnlyAuditSink}). */
    public Sink<AuditRecord> audit() {
        return new AppendOnlyAuditSink<>(options, new AuditRows.Log());
    }

    /** The signed heads of the tenant's audit chain, one row appended per completed checkpoint that moved it. */
    public Sink<AuditHead> auditHead() {
        return new AppendOnlyAuditSink<>(options, new AuditRows.Head());
    }

    /** The anchors the chain can be verified from: the job's signed day anchors, appended and never overwritten. */
    public Sink<io.enclave.sinks.schema.AuditAnchor> auditAnchor() {
        return new AppendOnlyAuditSink<>(options, new AuditRows.Anchor());
    }

    private <T> Sink<T> build(TableDefinition<T> table, TenantRowBinder<T> binder) {
        JdbcSink<T> jdbc = JdbcSink.<T>builder()
                .withQueryStatement(options.dialect().upsert(options.database(), table), binder)
                .withExecutionOptions(JdbcExecutionOptions.builder()
                        .withBatchSize(options.batchSize())
                        .withBatchIntervalMs(options.batchInterval().toMillis())
                        .withMaxRetries(options.maxRetries())
                        .build())
                .buildAtLeastOnce(new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                        .withUrl(options.jdbcUrl())
                        .withDriverName(DRIVER)
                        .withUsername(options.user())
                        .withPassword(options.password().reveal())
                        .build());
        return new CleanCloseSink<>(jdbc, options.database() + "." + table.name());
    }
}
