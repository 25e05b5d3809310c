package io.enclave.sinks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;

/**
 * The buffering both of a tenant's own JDBC writers share: rows are held until a size flush
 * is due, the interval passes or a checkpoint flushes; each flush writes the whole buffer
 * through one connection, reconnecting and retrying with a growing pause, and fails the task
 * after the configured retries (the rows are then replayed from the last checkpoint).
 *
 * <p>A flush runs on the writer's own thread while the task goes on buffering the next rows
 * (double buffering), so the database's time per statement overlaps the job's work instead of
 * stalling it. At most one flush is in flight: the next one, due by size or interval, first
 * waits for it, which keeps the rows in order and the buffer bounded, and holds the task back
 * while the database is the slower side. A checkpoint's flush (and the one at end of input)
 * returns only once every row before the barrier is written, so at-least-once is as before;
 * a flush that failed after its retries fails the task at the next flush, timer or checkpoint.
 *
 * @param <T> the record type
 */
abstract class BufferedJdbcWriter<T> implements SinkWriter<T> {
    protected final JdbcSinkOptions options;
    private final ProcessingTimeService time;
    private final TypeSerializer<T> copier;
    /** Created on the first flush, from the task thread, whose context class loader its thread inherits. */
    private ExecutorService flusher;

    private List<T> buffer = new ArrayList<>();
    private Future<?> inFlight;
    /** Used by the flusher's thread only, and by {@link #close()} once that thread has stopped. */
    private Connection connection;

    private long lastFlush;
    private boolean closed;

    BufferedJdbcWriter(JdbcSinkOptions options, ProcessingTimeService time, TypeSerializer<T> copier) {
        this.options = options;
        this.time = time;
        this.copier = copier;
        this.lastFlush = time.getCurrentProcessingTime();
        scheduleFlush();
    }

    /** Writes every given row through {@code c}; called on the flusher's thread, one call at a time. */
    abstract void writeBuffer(Connection c, List<T> rows) throws SQLException;

    /** What a failure message names: the table written. */
    abstract String target();

    /** Whether {@code buffered} rows, {@code sinceLastFlushMs} after the last flush, are written now. */
    boolean sizeFlushDue(int buffered, long sinceLastFlushMs) {
        return buffered >= options.batchSize();
    }

    /** Releases what was prepared on a connection that is being dropped; on the flusher's thread. */
    void connectionLost() {}

    private void scheduleFlush() {
        long interval = options.batchInterval().toMillis();
        if (interval > 0) {
            time.registerTimer(time.getCurrentProcessingTime() + interval, t -> {
                if (!closed) {
                    startFlush();
                    scheduleFlush();
                }
            });
        }
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        buffer.add(copier == null ? element : copier.copy(element));
        if (sizeFlushDue(buffer.size(), time.getCurrentProcessingTime() - lastFlush)) {
            startFlush();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        startFlush();
        awaitInFlight();
    }

    /** Hands the buffer to the flusher once the previous flush is done, and starts a new buffer. */
    private void startFlush() throws IOException, InterruptedException {
        lastFlush = time.getCurrentProcessingTime();
        if (buffer.isEmpty()) {
            return;
        }
        awaitInFlight();
        List<T> rows = buffer;
        buffer = new ArrayList<>(rows.size());
        if (flusher == null) {
            flusher = Executors.newSingleThreadExecutor(new ExecutorThreadFactory("jdbc-flush " + target()));
        }
        inFlight = flusher.submit(() -> {
            writeWithRetries(rows);
            return null;
        });
    }

    private void awaitInFlight() throws IOException, InterruptedException {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("Writing to " + target() + " failed", e.getCause());
        } finally {
            inFlight = null;
        }
    }

    private void writeWithRetries(List<T> rows) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                if (connection == null || !connection.isValid(5)) {
                    dropConnection();
                    connection = options.connect();
                }
                writeBuffer(connection, rows);
                return;
            } catch (SQLException e) {
                dropConnection();
                if (attempt >= options.maxRetries()) {
                    throw new IOException(
                            "Writing " + rows.size() + " rows to " + target() + " failed after " + (attempt + 1)
                                    + " attempts",
                            e);
                }
                Thread.sleep(1000L * (attempt + 1));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        if (flusher != null) {
            // A flush still running is abandoned: its rows come after the last checkpoint and are replayed.
            flusher.shutdownNow();
            flusher.awaitTermination(30, TimeUnit.SECONDS);
        }
        dropConnection();
    }

    private void dropConnection() {
        connectionLost();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing a broken connection: nothing left to release
            }
        }
        connection = null;
    }
}
