package io.enclave.jobs;

import io.enclave.operators.record.RawEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads records like the job's own deserializer, but holds the source after a given number of
 * records until the test releases it. The records before the hold are in the job, and the sinks'
 * interval flush may write them, but no checkpoint can complete while the source task is held;
 * so a fault injected meanwhile lands on rows that no checkpoint covers yet. Optionally the first
 * record after the release throws once: an operator failure in the middle of the stream.
 *
 * <p>The state is JVM-wide because the task's copy is deserialized from the job graph; the tests
 * run one fault at a time, and each new instance resets it.
 */
final class HeldSourceDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger SEEN = new AtomicInteger();
    private static final AtomicBoolean HOLDING = new AtomicBoolean();
    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static volatile CountDownLatch released = new CountDownLatch(1);

    private final int holdAfter;
    private final boolean failOnRelease;
    private final RawEventDeserializer delegate = new RawEventDeserializer();

    private HeldSourceDeserializer(int holdAfter, boolean failOnRelease) {
        this.holdAfter = holdAfter;
        this.failOnRelease = failOnRelease;
        SEEN.set(0);
        HOLDING.set(false);
        FAILED.set(false);
        released = new CountDownLatch(1);
    }

    /** Holds the source before record {@code records + 1} until {@link #release()}. */
    static HeldSourceDeserializer holdAfter(int records) {
        return new HeldSourceDeserializer(records, false);
    }

    /** Holds like {@link #holdAfter}, and on release throws once instead of reading the record. */
    static HeldSourceDeserializer holdAfterThenFailOnce(int records) {
        return new HeldSourceDeserializer(records, true);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) throws IOException {
        if (SEEN.incrementAndGet() > holdAfter) {
            HOLDING.set(true);
            try {
                released.await();
            } catch (InterruptedException cancelled) {
                // The task is being cancelled (its TaskManager stops, or the job fails over).
                Thread.currentThread().interrupt();
                throw new IOException("source held by the test was cancelled", cancelled);
            }
            if (failOnRelease && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected task failure after " + holdAfter + " records");
            }
        }
        delegate.deserialize(record, out);
    }

    /** Waits until the source has read its quota and is held; fails the test if it never is. */
    static void awaitHeld(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!HOLDING.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the source never reached its hold within " + timeout + ": it read " + SEEN.get() + " records");
            }
            Thread.sleep(50);
        }
    }

    /** Lets the held source, and every later attempt of it, read on. */
    static void release() {
        released.countDown();
    }

    /** Whether the injected failure was thrown. */
    static boolean failed() {
        return FAILED.get();
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return delegate.getProducedType();
    }
}
