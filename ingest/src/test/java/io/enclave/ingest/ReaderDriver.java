package io.enclave.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;

/**
 * Drives a source reader the way Flink's source task does: wait on {@code isAvailable()}, then
 * {@code pollNext()}, until the reader ends or a condition holds. Collects what it emits.
 */
final class ReaderDriver implements ReaderOutput<ApiRecord> {
    final List<ApiRecord> records = new ArrayList<>();

    /** Runs until END_OF_INPUT, or until {@code stop} holds for the records so far. */
    InputStatus run(SourceReader<ApiRecord, PollSplit> reader, Predicate<List<ApiRecord>> stop, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            reader.isAvailable().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            InputStatus status = reader.pollNext(this);
            if (status == InputStatus.END_OF_INPUT || stop.test(records)) {
                return status;
            }
        }
        throw new AssertionError(
                "reader neither ended nor met the condition within " + timeout + "; records so far: " + records.size());
    }

    @Override
    public void collect(ApiRecord record) {
        records.add(record);
    }

    @Override
    public void collect(ApiRecord record, long timestamp) {
        records.add(record);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}

    @Override
    public SourceOutput<ApiRecord> createOutputForSplit(String splitId) {
        return this;
    }

    @Override
    public void releaseOutputForSplit(String splitId) {}
}
