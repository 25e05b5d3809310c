package io.enclave.jobs;

import io.enclave.operators.record.RawEvent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads records like the job's own deserializer, but throws once after a given number of
 * records: a task failure in the middle of a stream. The counters are JVM-wide because the
 * task's copy is deserialized from the job graph; tests run one fault at a time.
 */
final class FailOnceDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;
    static final AtomicInteger SEEN = new AtomicInteger();
    static final AtomicBoolean FAILED = new AtomicBoolean();

    private final int failAfter;
    private final RawEventDeserializer delegate = new RawEventDeserializer();

    FailOnceDeserializer(int failAfter) {
        this.failAfter = failAfter;
        SEEN.set(0);
        FAILED.set(false);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
        if (SEEN.incrementAndGet() > failAfter && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected task failure after " + failAfter + " records");
        }
        delegate.deserialize(record, out);
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return delegate.getProducedType();
    }
}
