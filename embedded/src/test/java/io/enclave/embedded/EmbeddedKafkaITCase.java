package io.enclave.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaITCase {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producesAndConsumesARecord() throws Exception {
        kafka.createTopics(2, "plain-events");
        // Creating again is a no-op, so shared clusters can call it from every test.
        kafka.createTopics(2, "plain-events");

        send(kafka.adminClientProperties(), "plain-events", "k1", "hello");

        List<ConsumerRecord<String, String>> records = readAll(kafka.adminClientProperties(), "plain-events", 1);
        assertThat(records)
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(tuple("k1", "hello"));
        assertThat(kafka.bootstrapServers()).isEqualTo("localhost:" + kafka.port());
        assertThat(kafka.admin().describeCluster().nodes().get(10, TimeUnit.SECONDS))
                .hasSize(1);
    }

    @Test
    void restartedBrokerKeepsPortAndData() throws Exception {
        kafka.createTopics(1, "restart-events");
        send(kafka.adminClientProperties(), "restart-events", "k", "before");
        int port = kafka.port();

        kafka.restartBroker();

        assertThat(kafka.isBrokerRunning()).isTrue();
        assertThat(kafka.boundPort()).isEqualTo(port);
        send(kafka.adminClientProperties(), "restart-events", "k", "after");
        assertThat(readAll(kafka.adminClientProperties(), "restart-events", 2))
                .extracting(ConsumerRecord::value)
                .containsExactly("before", "after");
    }

    @Test
    void stoppedBrokerRefusesConnectionsUntilStarted() throws Exception {
        kafka.createTopics(1, "outage-events");

        kafka.stopBroker();
        assertThat(kafka.isBrokerRunning()).isFalse();
        assertThatThrownBy(() -> new Socket("localhost", kafka.port()).close()).isInstanceOf(IOException.class);

        kafka.startBroker();
        send(kafka.adminClientProperties(), "outage-events", "k", "back");
        assertThat(readAll(kafka.adminClientProperties(), "outage-events", 1))
                .extracting(ConsumerRecord::value)
                .containsExactly("back");
    }

    static void send(Map<String, Object> clientProps, String topic, String key, String value) throws Exception {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads every partition of {@code topic} from the start, without a consumer group. */
    static List<ConsumerRecord<String, String>> readAll(Map<String, Object> clientProps, String topic, int expected) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
