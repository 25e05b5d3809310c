package io.enclave.sinks;

import io.enclave.sinks.schema.TableDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Upserts a tenant's event rows with multi-row {@code INSERT ... VALUES (...), (...)}
 * statements, one transaction per flush whatever the JDBC URL says: with a plain JDBC batch and
 * no {@code rewriteBatchedStatements=true}, Connector/J sends one INSERT per row, and StarRocks
 * makes each its own load. On StarRocks a flush is one statement (one load); on MySQL and
 * MariaDB it is statements of row counts prepared once per connection ({@link #statementRows}),
 * prepared on the server ({@link io.enclave.sinks.dialect.SqlDialect#serverPreparesInserts()}),
 * in one transaction.
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

    /**
     * Rows per statement where a transaction can hold several INSERTs: a flush is written as
     * statements of this many rows, then the rest as statements of 128, 64, ... 1 rows (its
     * binary digits), all committed together. Every one of these row counts is prepared once per
     * connection and kept, so no flush prepares anything: a prepare costs the driver a parse of
     * the whole multi-row SQL text (client-side) or the server a parse and a round trip
     * (server-side), and flushes on the interval have a new row count each time. Re-preparing per
     * flush cost about a quarter of the sink's CPU (a profile of {@code benchmarks/run --sections
     * e2e}).
     */
    static final int CHUNK_ROWS = 256;

    /**
     * The statements a writer keeps between flushes on one connection: one per power of two up to
     * {@link #CHUNK_ROWS} rows, and the last statement of any other row count (a dialect whose
     * flush is one statement asks for the flush's own row count).
     */
    static final class Statements implements AutoCloseable {
        private final Map<Integer, PreparedStatement> byRows = new HashMap<>();

        PreparedStatement forRows(Connection c, JdbcSinkOptions options, TableDefinition<?> table, int rows)
                throws SQLException {
            PreparedStatement ps = byRows.get(rows);
            if (ps == null) {
                if (!kept(rows)) {
                    // Any other row count replaces the previous other.
                    for (var it = byRows.entrySet().iterator(); it.hasNext(); ) {
                        var e = it.next();
                        if (!kept(e.getKey())) {
                            e.getValue().close();
                            it.remove();
                        }
                    }
                }
                ps = c.prepareStatement(options.dialect().upsertRows(options.database(), table, rows));
                byRows.put(rows, ps);
            }
            return ps;
        }

        private static boolean kept(int rows) {
            return rows <= CHUNK_ROWS && Integer.bitCount(rows) == 1;
        }

        /** How many statements are kept: at most one per power of two up to {@link #CHUNK_ROWS}, and one other. */
        int size() {
            return byRows.size();
        }

        @Override
        public void close() {
            for (PreparedStatement ps : byRows.values()) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // a statement of a dropped connection: nothing left to release
                }
            }
            byRows.clear();
        }
    }

    /**
     * The row counts of the statements that write a flush of {@code rows} rows where a
     * transaction spans statements: {@link #CHUNK_ROWS} as often as it fits, then the rest's
     * binary digits, largest first.
     */
    static List<Integer> statementRows(int rows) {
        List<Integer> counts = new ArrayList<>();
        int left = rows;
        for (; left >= CHUNK_ROWS; left -= CHUNK_ROWS) {
            counts.add(CHUNK_ROWS);
        }
        for (int bit = Integer.highestOneBit(Math.max(left, 1)); left > 0; bit >>= 1) {
            if ((left & bit) != 0) {
                counts.add(bit);
                left -= bit;
            }
        }
        return counts;
    }

    /**
     * Upserts {@code rows} through {@code c} as one transaction: one statement where the dialect
     * needs it (StarRocks), else the statements of {@link #statementRows}, committed together.
     * The write of one flush, usable without Flink.
     */
    static <T> void upsert(
            Connection c,
            Statements statements,
            JdbcSinkOptions options,
            TableDefinition<T> table,
            TenantRowBinder<T> binder,
            List<T> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Integer> counts =
                options.dialect().transactionsSpanStatements() ? statementRows(rows.size()) : List.of(rows.size());
        if (counts.size() == 1) {
            execute(statements.forRows(c, options, table, rows.size()), table, binder, rows);
            return;
        }
        c.setAutoCommit(false);
        // Autocommit goes back on only once the transaction has ended: turning it on commits what
        // is pending, so after a failed rollback the connection keeps it off and is dropped (a
        // server rolls back what a closed connection left uncommitted).
        boolean ended = false;
        try {
            int from = 0;
            for (int count : counts) {
                execute(statements.forRows(c, options, table, count), table, binder, rows.subList(from, from + count));
                from += count;
            }
            c.commit();
            ended = true;
        } catch (Throwable e) {
            try {
                c.rollback();
                ended = true;
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            if (ended) {
                c.setAutoCommit(true);
            }
        }
    }

    private static <T> void execute(
            PreparedStatement ps, TableDefinition<T> table, TenantRowBinder<T> binder, List<T> rows)
            throws SQLException {
        int width = table.columns().size();
        for (int i = 0; i < rows.size(); i++) {
            binder.accept(ps, i * width, rows.get(i));
        }
        ps.executeUpdate();
    }

    /** Buffers rows and upserts them, one transaction per flush. */
    static final class Writer<T> extends BufferedJdbcWriter<T> {
        private final TableDefinition<T> table;
        private final TenantRowBinder<T> binder;
        private final Statements statements = new Statements();

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
            upsert(c, statements, options, table, binder, rows);
        }

        @Override
        String target() {
            return options.database() + "." + table.name();
        }

        @Override
        void connectionLost() {
            statements.close();
        }
    }
}
