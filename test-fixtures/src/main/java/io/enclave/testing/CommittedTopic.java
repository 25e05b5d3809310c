package io.enclave.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a Kafka topic as a downstream consumer sees it: every partition from its beginning up to the end
 * offsets it had when the read began, by assignment (no consumer group, nothing committed). With
 * {@code read_committed}, the default, records of open or aborted transactions are not among them.
 */
public final class CommittedTopic {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private CommittedTopic() {}

    /** Every committed record, partition by partition in offset order, duplicates kept. */
    public static List<ConsumerRecord<byte[], byte[]>> records(Map<String, Object> clientProperties, String topic) {
        return records(clientProperties, topic, IsolationLevel.READ_COMMITTED);
    }

    /**
     * Every record the isolation level lets a consumer see; {@code READ_UNCOMMITTED} shows what a careless
     * reader would also get. Fails if the end offsets are not reached within 30 s.
     */
    public static List<ConsumerRecord<byte[], byte[]>> records(
            Map<String, Object> clientProperties, String topic, IsolationLevel isolation) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("read " + records.size() + " records of " + topic
                            + " but not up to the end offsets " + end + " within " + TIMEOUT.toSeconds() + " s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The keys (as UTF-8) of every committed record, as {@link #records(Map, String)} orders them. */
    public static List<String> keys(Map<String, Object> clientProperties, String topic) {
        return records(clientProperties, topic).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
    }

    /**
     * The value of the newest record of a one-partition topic that is written outside transactions (an
     * audit topic), read by seeking to the record before the end offset.
     */
    public static byte[] newestValue(Map<String, Object> clientProperties, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                new HashMap<>(clientProperties), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.seek(partition, end - 1);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    return r.value();
                }
            }
        }
        throw new AssertionError("no record on " + topic);
    }
}
