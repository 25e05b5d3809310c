package io.enclave.sinks;

import java.io.IOException;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a sink whose writer flushes again when it is closed. After a failed flush (database
 * down, a refused row), the JDBC writer still holds the failed batch, flushes it in
 * {@code close()} during task cleanup, and throws; Flink treats an exception in cleanup as
 * fatal and shuts down the whole TaskManager, taking every other tenant's tasks on it down
 * too. Here {@code close()} reports such an error instead of throwing it. Nothing is lost:
 * rows not flushed at a checkpoint are replayed from that checkpoint's Kafka offsets.
 *
 * @param <T> the record type
 */
public final class CleanCloseSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final Sink<T> delegate;
    private final String description;

    public CleanCloseSink(Sink<T> delegate, String description) {
        this.delegate = delegate;
        this.description = description;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(delegate.createWriter(context), description);
    }

    /** Passes everything through except an exception thrown while closing. */
    private static final class Writer<T> implements SinkWriter<T> {
        private static final Logger LOG = LoggerFactory.getLogger(CleanCloseSink.class);

        private final SinkWriter<T> delegate;
        private final String description;

        Writer(SinkWriter<T> delegate, String description) {
            this.delegate = delegate;
            this.description = description;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            delegate.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            delegate.writeWatermark(watermark);
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } catch (Exception e) {
                LOG.warn(
                        "{}: the last batch could not be written while closing; it is replayed from the last"
                                + " checkpoint when the job restarts ({})",
                        description,
                        e.getClass().getSimpleName());
            }
        }
    }
}
