package io.enclave.sinks;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * The buffering both of a tenant's own JDBC writers share: rows are held until a size flush
 * is due, the interval passes or a checkpoint flushes; each flush writes the whole buffer
 * through one connection, reconnecting and retrying with a growing pause, and fails the task
 * after the configured retries (the rows are then replayed from the last checkpoint).
 *
 * @param <T> the record type
 */
abstract class BufferedJdbcWriter<T> implements SinkWriter<T> {
    protected final JdbcSinkOptions options;
    private final ProcessingTimeService time;
    private final TypeSerializer<T> copier;
    private final List<T> buffer = new ArrayList<>();
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

    /** Writes every buffered row through {@code c}; the buffer is cleared only when this returns. */
    abstract void writeBuffer(Connection c, List<T> rows) throws SQLException;

    /** What a failure message names: the table written. */
    abstract String target();

    /** Whether {@code buffered} rows, {@code sinceLastFlushMs} after the last flush, are written now. */
    boolean sizeFlushDue(int buffered, long sinceLastFlushMs) {
        return buffered >= options.batchSize();
    }

    /** Releases what was prepared on a connection that is being dropped. */
    void connectionLost() {}

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
        if (sizeFlushDue(buffer.size(), time.getCurrentProcessingTime() - lastFlush)) {
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
        for (int attempt = 0; ; attempt++) {
            try {
                if (connection == null || !connection.isValid(5)) {
                    dropConnection();
                    connection = DriverManager.getConnection(
                            options.jdbcUrl(),
                            options.user(),
                            options.password().reveal());
                }
                writeBuffer(connection, buffer);
                buffer.clear();
                return;
            } catch (SQLException e) {
                dropConnection();
                if (attempt >= options.maxRetries()) {
                    throw new IOException(
                            "Writing " + buffer.size() + " rows to " + target() + " failed after " + (attempt + 1)
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
