package io.enclave.sinks;

import io.enclave.sinks.schema.TableDefinition;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
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

    /** Buffers rows and upserts them per flush; reconnects and retries on failure. */
    private static final class Writer<T> implements SinkWriter<T> {
        private final JdbcSinkOptions options;
        private final TableDefinition<T> table;
        private final TenantRowBinder<T> binder;
        private final ProcessingTimeService time;
        private final TypeSerializer<T> copier;
        private final List<T> buffer = new ArrayList<>();
        private Connection connection;
        private Prepared statement;
        private long lastFlush;
        private boolean closed;

        Writer(
                JdbcSinkOptions options,
                TableDefinition<T> table,
                TenantRowBinder<T> binder,
                ProcessingTimeService time,
                TypeSerializer<T> copier) {
            this.options = options;
            this.table = table;
            this.binder = binder;
            this.time = time;
            this.copier = copier;
            this.lastFlush = time.getCurrentProcessingTime();
            scheduleFlush();
        }

        private void scheduleFlush() {
            long interval = options.batchInterval().toMillis();
            if (interval > 0) {
                time.registerTimer(time.getCurrentProcessingTime() + interval, t -> {
                    if (!closed) {
                        write();
                        scheduleFlush();
                    }
                });
            }
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            buffer.add(copier == null ? element : copier.copy(element));
            if (sizeFlushDue(buffer.size(), time.getCurrentProcessingTime() - lastFlush, options)) {
                write();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            write();
        }

        private void write() throws IOException, InterruptedException {
            lastFlush = time.getCurrentProcessingTime();
            if (buffer.isEmpty()) {
                return;
            }
            String where = options.database() + "." + table.name();
            for (int attempt = 0; ; attempt++) {
                try {
                    if (connection == null || !connection.isValid(5)) {
                        closeQuietly();
                        connection = DriverManager.getConnection(
                                options.jdbcUrl(),
                                options.user(),
                                options.password().reveal());
                    }
                    statement = upsert(connection, statement, options, table, binder, buffer);
                    buffer.clear();
                    return;
                } catch (SQLException e) {
                    closeQuietly();
                    if (attempt >= options.maxRetries()) {
                        throw new IOException(
                                "Writing " + buffer.size() + " rows to " + where + " failed after " + (attempt + 1)
                                        + " attempts",
                                e);
                    }
                    Thread.sleep(1000L * (attempt + 1));
                }
            }
        }

        @Override
        public void close() {
            closed = true;
            closeQuietly();
        }

        private void closeQuietly() {
            try {
                if (statement != null) {
                    statement.statement().close();
                }
            } catch (SQLException ignored) {
                // a broken statement: nothing left to release
            }
            statement = null;
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException ignored) {
                // closing a broken connection: nothing left to release
            }
            connection = null;
        }
    }
}
