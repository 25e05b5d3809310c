package io.enclave.sinks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
 * <p>Flushes run on the writer's own thread, one after the other in the order they were due, while
 * the task goes on buffering the next rows, so the database's time overlaps the job's work
 * instead of stalling it. Up to {@link #MAX_FLUSHES_IN_FLIGHT} flushes may be handed over and not
 * yet written; the task waits only beyond that, when the database is the slower side (with one,
 * a profile of the end-to-end benchmark showed the guard thread waiting 40 % of its time). A
 * checkpoint's flush (and the one at end of input) returns only once every row before the
 * barrier is written, so at-least-once is as before. A flush that failed after its retries
 * makes the ones queued behind it skip (no later row overtakes it) and fails the task at the
 * next flush, timer or checkpoint.
 *
 * @param <T> the record type
 */
abstract class BufferedJdbcWriter<T> implements SinkWriter<T> {
    protected final JdbcSinkOptions options;
    private final ProcessingTimeService time;
    private final TypeSerializer<T> copier;
    /** Created on the first flush, from the task thread, whose context class loader its thread inherits. */
    private ExecutorService flusher;

    /** Flushes handed to the flusher and not yet written; beyond this many the task waits. */
    static final int MAX_FLUSHES_IN_FLIGHT = 3;

    private List<T> buffer = new ArrayList<>();
    /** Oldest first: the flusher's thread writes them in this order. */
    private final Deque<Future<?>> inFlight = new ArrayDeque<>();
    /** Set by the flusher's thread when a flush failed; the flushes queued behind it then skip. */
    private volatile boolean failed;
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
        while (!inFlight.isEmpty()) {
            awaitOldest();
        }
    }

    /**
     * Hands the buffer to the flusher and starts a new buffer, first waiting while {@link
     * #MAX_FLUSHES_IN_FLIGHT} flushes are queued; a failure of a finished flush is thrown here.
     */
    private void startFlush() throws IOException, InterruptedException {
        lastFlush = time.getCurrentProcessingTime();
        while (!inFlight.isEmpty() && inFlight.peekFirst().isDone()) {
            awaitOldest();
        }
        if (buffer.isEmpty()) {
            return;
        }
        while (inFlight.size() >= MAX_FLUSHES_IN_FLIGHT) {
            awaitOldest();
        }
        List<T> rows = buffer;
        buffer = new ArrayList<>(rows.size());
        if (flusher == null) {
            flusher = Executors.newSingleThreadExecutor(new ExecutorThreadFactory("jdbc-flush " + target()));
        }
        inFlight.addLast(flusher.submit(() -> {
            if (!failed) {
                try {
                    writeWithRetries(rows);
                } catch (Throwable e) {
                    failed = true;
                    throw e;
                }
            }
            return null;
        }));
    }

    private void awaitOldest() throws IOException, InterruptedException {
        try {
            inFlight.peekFirst().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("Writing to " + target() + " failed", e.getCause());
        } finally {
            inFlight.removeFirst();
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
