package io.enclave.benchmarks.jobs;

import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Discards every element, like Flink's DiscardingSink, but notes when its writer saw the first
 * element and the end of input: records/s is then measured over the time records flowed, not
 * over job deployment. It reads the clock twice per writer, never per record.
 *
 * @param <T> the element type
 */
public final class TimedDiscardingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String runId;

    public TimedDiscardingSink(String runId) {
        this.runId = runId;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(runId);
    }

    /** Counts and forgets. */
    private static final class Writer<T> implements SinkWriter<T> {
        private final String runId;
        private long count;
        private long firstNanos;
        private long lastNanos;

        Writer(String runId) {
            this.runId = runId;
        }

        @Override
        public void write(T element, Context context) {
            if (count++ == 0) {
                firstNanos = System.nanoTime();
            }
        }

        @Override
        public void flush(boolean endOfInput) {
            if (endOfInput) {
                lastNanos = System.nanoTime();
            }
        }

        @Override
        public void close() throws IOException {
            SinkClock.report(runId, firstNanos, lastNanos != 0 ? lastNanos : System.nanoTime(), count);
        }
    }
}
