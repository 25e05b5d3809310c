package io.enclave.sinks;

import io.enclave.sinks.schema.TableDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Upserts a tenant's event rows with one multi-row {@code INSERT ... VALUES (...), (...)} per
 * flush, so a batch is one statement, and so one transaction, whatever the JDBC URL says: with
 * a plain JDBC batch and no {@code rewriteBatchedStatements=true}, Connector/J sends one
 * INSERT per row, and StarRocks makes each its own load. The statement is prepared once per
 * row count and reused, so a steady stream of full batches parses its SQL once.
 *
 * <p>How often it flushes: on {@code batch_size} rows, on {@code batch_interval} and on every
 * checkpoint (rows not flushed at a checkpoint would be lost on restore, so that flush is never
 * held back). On StarRocks every flush is a load that adds one version to each tablet it
 * touches; a tablet refuses loads once it holds {@code tablet_max_versions} (1000 by default)
 * versions not yet compacted ("Too many versions"; StarRocks docs, Loading FAQ), and a PRIMARY
 * KEY tablet is compacted at most every {@code update_compaction_per_tablet_min_interval_seconds}
 * (120 s by default). So the rule is: flushes per second × 120 s must stay well under 1000
 * for every table. {@link JdbcSinkOptions#minFlushSpacing()} enforces it for StarRocks: a
 * size-triggered flush waits until that long (1 s) after the previous one, letting the batch
 * grow instead, up to {@link #MAX_BATCHES_PER_STATEMENT} batches; with the 5 s interval and
 * checkpoints that is at most about two versions a second, some 240 per compaction window.
 *
 * @param <T> the record type
 */
public final class BatchedUpsertSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** A size-held flush goes ahead regardless once this many batches are buffered: memory stays bounded. */
    static final int MAX_BATCHES_PER_STATEMENT = 4;

    private final JdbcSinkOptions options;
    private final TableDefinition<T> table;
    private final TenantRowBinder<T> binder;

    public BatchedUpsertSink(JdbcSinkOptions options, TableDefinition<T> table, TenantRowBinder<T> binder) {
        this.options = options;
        this.table = table;
        this.binder = binder;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(
                options,
                table,
                binder,
                context.getProcessingTimeService(),
                context.isObjectReuseEnabled() ? context.createInputSerializer() : null);
    }

    /**
     * Whether {@code buffered} rows, {@code sinceLastFlushMs} after the previous flush, are
     * flushed now rather than at the interval: from {@code batch_size} rows on, once the
     * dialect's spacing has passed, and at {@link #MAX_BATCHES_PER_STATEMENT} batches regardless.
     */
    static boolean sizeFlushDue(int buffered, long sinceLastFlushMs, JdbcSinkOptions options) {
        return buffered >= options.batchSize()
                && (sinceLastFlushMs >= options.minFlushSpacing().toMillis()
                        || buffered >= MAX_BATCHES_PER_STATEMENT * options.batchSize());
    }

    /** A statement prepared for a number of rows, kept for the next flush of as many. */
    record Prepared(PreparedStatement statement, int rows) {}

    /**
     * Upserts {@code rows} through {@code c} as one statement, reusing {@code cached} when it was
     * prepared for as many rows: the write of one flush, usable without Flink (tests, tools).
     *
     * @return the statement used, to pass back as {@code cached} next time
     */
    static <T> Prepared upsert(
            Connection c,
            Prepared cached,
            JdbcSinkOptions options,
            TableDefinition<T> table,
            TenantRowBinder<T> binder,
            List<T> rows)
            throws SQLException {
        Prepared prepared = cached;
        if (prepared == null || prepared.rows() != rows.size()) {
            if (prepared != null) {
                prepared.statement().close();
            }
            prepared = new Prepared(
                    c.prepareStatement(options.dialect().upsertRows(options.database(), table, rows.size())),
                    rows.size());
        }
        PreparedStatement ps = prepared.statement();
        int width = table.columns().size();
        for (int i = 0; i < rows.size(); i++) {
            binder.accept(ps, i * width, rows.get(i));
        }
        ps.executeUpdate();
        return prepared;
    }

    /** Buffers rows and upserts them, one statement per flush. */
    private static final class Writer<T> extends BufferedJdbcWriter<T> {
        private final TableDefinition<T> table;
        private final TenantRowBinder<T> binder;
        private Prepared statement;

        Writer(
                JdbcSinkOptions options,
                TableDefinition<T> table,
                TenantRowBinder<T> binder,
                ProcessingTimeService time,
                TypeSerializer<T> copier) {
            super(options, time, copier);
            this.table = table;
            this.binder = binder;
        }

        @Override
        boolean sizeFlushDue(int buffered, long sinceLastFlushMs) {
            return BatchedUpsertSink.sizeFlushDue(buffered, sinceLastFlushMs, options);
        }

        @Override
        void writeBuffer(Connection c, List<T> rows) throws SQLException {
            statement = upsert(c, statement, options, table, binder, rows);
        }

        @Override
        String target() {
            return options.database() + "." + table.name();
        }

        @Override
        void connectionLost() {
            if (statement != null) {
                try {
                    statement.statement().close();
                } catch (SQLException ignored) {
                    // a statement of a broken connection: nothing left to release
                }
            }
            statement = null;
        }
    }
}
