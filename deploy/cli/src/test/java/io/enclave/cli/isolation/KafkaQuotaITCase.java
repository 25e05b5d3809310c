package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "Kafka", performance: the client quotas {@code ./enclave provision --kafka}
 * sets per principal are enforced by the SASL broker. Alpha's publisher floods its topic far
 * above its {@code producer_byte_rate} and is throttled to about that rate; alpha's job reads a
 * backlog above its {@code consumer_byte_rate} and is throttled likewise; bravo, publishing and
 * reading a trickle at the same time, is never throttled.
 */
class KafkaQuotaITCase {
    /** Small quotas, so a few seconds of flood are many quota-windows over. */
    private static final int PRODUCER_BYTE_RATE = 64 * 1024;

    private static final int CONSUMER_BYTE_RATE = 64 * 1024;
    /**
     * Longer than the broker's quota window (11 samples of 1 s): a fresh principal's rate is taken
     * over at least 10 s, so the first seconds let a burst of up to 10 s of quota through, and only
     * a measurement across the whole window shows the rate the quota holds it to.
     */
    private static final Duration WINDOW = Duration.ofSeconds(12);

    private static final int RECORD_BYTES = 8 * 1024;
    /** Measured over {@link #WINDOW}, the first burst included; unthrottled is many MiB/s. */
    private static final double TOLERANCE = 1.25;

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static IsolationFixture fixture;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        fixture = new IsolationFixture(
                "kquota",
                dir,
                kafka.bootstrapServers(),
                "jdbc:mysql://localhost:3306/",
                kafka,
                yaml -> yaml.replace(
                        "quotas: {producer_byte_rate: 20971520, consumer_byte_rate: 41943040, request_percentage: 50}",
                        "quotas: {producer_byte_rate: " + PRODUCER_BYTE_RATE + ", consumer_byte_rate: "
                                + CONSUMER_BYTE_RATE + ", request_percentage: 50}"));
        IsolationFixture.Run run = fixture.provisionKafka();
        assertThat(run.exit()).as(run.toString()).isZero();
        TenantConfig a = fixture.alpha();
        assertThat(run.lines("CREATED"))
                .as(run.toString())
                .anySatisfy(l -> assertThat(l)
                        .contains("quota User:" + a.kafkaPublisher().username())
                        .contains("producer_byte_rate=" + PRODUCER_BYTE_RATE));
        // The controller accepted the quotas; wait until the broker that enforces them has them too.
        awaitQuotaOnBroker(a.kafkaPublisher().username());
        awaitQuotaOnBroker(a.kafka().username());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aPublisherOverItsProducerByteRateIsThrottledAndTheOtherTenantsIsNot() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        CompletableFuture<Flow> bravo = CompletableFuture.supplyAsync(() -> trickle(
                IsolationFixture.scram(kafka, b.kafkaPublisher()), b.names().topic(StreamKind.DISASTERS)));
        Flow alpha = flood(
                IsolationFixture.scram(kafka, a.kafkaPublisher()), a.names().topic(StreamKind.DISASTERS));
        Flow quiet = bravo.get(60, TimeUnit.SECONDS);

        // Throttled to about the quota, not starved by some other limit.
        assertThrottled("alpha's publisher", alpha, PRODUCER_BYTE_RATE, 0.5);
        assertUnthrottled("bravo's publisher while alpha floods", quiet);
        assertThat(quiet.bytes()).isEqualTo(20L * 1024);
    }

    @Test
    void aJobReadingOverItsConsumerByteRateIsThrottledAndTheOtherTenantsIsNot() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String aTopic = a.names().topic(StreamKind.WEATHER);
        String bTopic = b.names().topic(StreamKind.WEATHER);
        // A backlog of 2 MiB written by the unthrottled admin: 32 s of alpha's consumer quota, and read
        // whole within the window (over twice the quota) by a consumer without one.
        backlog(aTopic, 256);
        backlog(bTopic, 5);

        CompletableFuture<Flow> bravo = CompletableFuture.supplyAsync(
                () -> read(IsolationFixture.scram(kafka, b.kafka()), bTopic, Duration.ofSeconds(3)));
        Flow alpha = read(IsolationFixture.scram(kafka, a.kafka()), aTopic, WINDOW);
        Flow quiet = bravo.get(60, TimeUnit.SECONDS);

        // Slowed, not stopped: a throttled fetch is answered empty and the client waits out the
        // throttle time, so a consumer stays further below its quota than a producer.
        assertThrottled("alpha's job", alpha, CONSUMER_BYTE_RATE, 0.25);
        assertUnthrottled("bravo's job while alpha reads", quiet);
        assertThat(quiet.bytes()).isEqualTo(5L * RECORD_BYTES);
    }

    /** The client saw throttle time, and moved bytes within {@link #TOLERANCE} above and {@code atLeast} below quota. */
    private static void assertThrottled(String who, Flow flow, int quota, double atLeast) {
        assertThat(flow.throttleMaxMs()).as("%s's throttle time: %s", who, flow).isGreaterThan(0);
        assertThat(flow.bytesPerSecond())
                .as("%s's rate, quota %d B/s: %s", who, quota, flow)
                .isLessThan(quota * TOLERANCE)
                .isGreaterThan(quota * atLeast);
    }

    private static void assertUnthrottled(String who, Flow flow) {
        assertThat(flow.throttleMaxMs()).as("%s's throttle time: %s", who, flow).isZero();
    }

    /** Bytes moved in a window, and the client's own throttle-time metric at its end. */
    record Flow(long bytes, Duration elapsed, double throttleMaxMs) {
        double bytesPerSecond() {
            return bytes * 1000.0 / Math.max(1, elapsed.toMillis());
        }
    }

    /**
     * Sends {@link #RECORD_BYTES} records as fast as the producer takes them for {@link #WINDOW}. A
     * small buffer makes {@code send} block on the broker's pace, so what is acknowledged within the
     * window is the rate the broker allowed.
     */
    private static Flow flood(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4 * RECORD_BYTES);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, RECORD_BYTES);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        AtomicLong acked = new AtomicLong();
        byte[] value = new byte[RECORD_BYTES];
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            long end = start + WINDOW.toNanos();
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>(topic, value), (meta, e) -> {
                    if (e == null && System.nanoTime() < end) {
                        acked.addAndGet(RECORD_BYTES);
                    }
                });
            }
            producer.flush();
            return new Flow(acked.get(), WINDOW, metric(producer.metrics(), "produce-throttle-time-max"));
        }
    }

    /** Twenty 1 KiB records, one a second's twentieth: far below any quota. */
    private static Flow trickle(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long sent = 0;
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(topic, new byte[1024])).get(30, TimeUnit.SECONDS);
                sent += 1024;
                Thread.sleep(50);
            }
            return new Flow(
                    sent,
                    Duration.ofNanos(System.nanoTime() - start),
                    metric(producer.metrics(), "produce-throttle-time-max"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads the topic from the beginning for {@code window}, in small fetches so the rate is visible. */
    private static Flow read(Map<String, Object> login, String topic, Duration window) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * RECORD_BYTES);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * RECORD_BYTES);
        long bytes = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList());
            consumer.seekToBeginning(consumer.assignment());
            long start = System.nanoTime();
            long end = start + window.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    bytes += r.value().length;
                }
            }
            return new Flow(bytes, window, metric(consumer.metrics(), "fetch-throttle-time-max"));
        }
    }

    /** {@code records} records of {@link #RECORD_BYTES} written as the admin, which has no quota. */
    private static void backlog(String topic, int records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                kafka.adminClientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, new byte[RECORD_BYTES]));
            }
            producer.flush();
        }
    }

    /** The client metric of that name (its group differs between producer and consumer); NaN reads as 0. */
    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(e -> (Object) e.getValue().metricValue())
                .filter(Double.class::isInstance)
                .mapToDouble(v -> ((Double) v).isNaN() ? 0 : (Double) v)
                .max()
                .orElseThrow(() -> new AssertionError("no client metric " + name + " in " + metrics.keySet()));
    }

    private static void awaitQuotaOnBroker(String user) throws Exception {
        Admin admin = kafka.admin();
        ClientQuotaFilter filter = ClientQuotaFilter.containsOnly(
                List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user)));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (admin.describeClientQuotas(filter)
                .entities()
                .get(10, TimeUnit.SECONDS)
                .isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the broker has no quota for " + user + " after 20 s");
            }
            Thread.sleep(100);
        }
    }
}
