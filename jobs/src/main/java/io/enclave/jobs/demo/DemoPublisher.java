package io.enclave.jobs.demo;

import io.enclave.config.TenantConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes generated events to every tenant's topics at a steady rate, counting what it sent. */
public final class DemoPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, EventGenerator> generators;
    private final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();

    public DemoPublisher(String bootstrapServers, List<TenantConfig> tenants, long seed) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), new ByteArraySerializer());
        this.generators = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tenants.size(); i++) {
            TenantConfig tenant = tenants.get(i);
            String foreign = tenants.get((i + 1) % tenants.size()).id();
            generators.put(tenant.id(), new EventGenerator(tenant, foreign, seed + i, 0.06));
            produced.put(tenant.id(), new AtomicLong());
        }
    }

    /** Sends {@code perTenant} events to each tenant and waits until the broker has them. */
    public void publish(int perTenant) {
        for (Map.Entry<String, EventGenerator> entry : generators.entrySet()) {
            for (GeneratedEvent event : entry.getValue().next(perTenant)) {
                send(entry.getKey(), event.topic(), event.key(), event.payload());
            }
        }
        producer.flush();
    }

    /** Sends prepared payloads, e.g. a replayed export, to one tenant's topic. */
    public void publishRaw(String tenantId, String topic, List<byte[]> payloads) {
        for (byte[] payload : payloads) {
            send(tenantId, topic, null, payload);
        }
        producer.flush();
    }

    private void send(String tenantId, String topic, String key, byte[] payload) {
        producer.send(new ProducerRecord<>(topic, key, payload));
        produced.get(tenantId).incrementAndGet();
    }

    public long produced(String tenantId) {
        return produced.get(tenantId).get();
    }

    public List<String> tenantIds() {
        return new ArrayList<>(generators.keySet());
    }

    @Override
    public void close() {
        producer.close();
    }
}
