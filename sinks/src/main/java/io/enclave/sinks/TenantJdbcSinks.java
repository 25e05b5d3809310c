package io.enclave.sinks;

import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import org.apache.flink.api.connector.sink2.Sink;

/**
 * Builds a tenant's JDBC sinks: one per stream table, writing upserts, and the append-only
 * audit log and head, all into the tenant's own database as the tenant's own user. They flush
 * on their batch size, on their interval, and on every checkpoint, which with upserts by
 * natural key (and identical replays skipped in the audit tables) gives effectively-once rows.
 */
public final class TenantJdbcSinks {

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

    /** One multi-row upsert per flush (see {@link BatchedUpsertSink}), closed without failing the TaskManager. */
    private <T> Sink<T> build(TableDefinition<T> table, TenantRowBinder<T> binder) {
        return new CleanCloseSink<>(
                new BatchedUpsertSink<>(options, table, binder), options.database() + "." + table.name());
    }
}
