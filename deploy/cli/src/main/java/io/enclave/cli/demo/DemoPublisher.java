package io.enclave.cli.demo;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes generated events to every tenant's topics at a steady rate, each tenant through
 * its own publisher principal (which may only write its own topics), counting what it sent.
 */
public final class DemoPublisher implements AutoCloseable {
    private final Map<String, KafkaProducer<String, byte[]>> producers = new LinkedHashMap<>();
    private final Map<String, EventGenerator> generators = new LinkedHashMap<>();
    private final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();

    public DemoPublisher(GlobalSettings global, List<TenantConfig> tenants, long seed) {
        for (int i = 0; i < tenants.size(); i++) {
            TenantConfig tenant = tenants.get(i);
            String foreign = tenants.get((i + 1) % tenants.size()).id();
            generators.put(tenant.id(), new EventGenerator(tenant, foreign, seed + i, 0.06));
            produced.put(tenant.id(), new AtomicLong());
            Properties props = KafkaClientLogin.properties(global, tenant.kafkaPublisher());
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            producers.put(tenant.id(), new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()));
        }
    }

    /** Sends {@code perTenant} events to each tenant and waits until the broker has them. */
    public void publish(int perTenant) {
        for (Map.Entry<String, EventGenerator> entry : generators.entrySet()) {
            for (GeneratedEvent event : entry.getValue().next(perTenant)) {
                send(entry.getKey(), event.topic(), event.key(), event.payload());
            }
        }
        producers.values().forEach(KafkaProducer::flush);
    }

    /** Sends prepared payloads, e.g. a replayed export, to one tenant's topic. */
    public void publishRaw(String tenantId, String topic, List<byte[]> payloads) {
        for (byte[] payload : payloads) {
            send(tenantId, topic, null, payload);
        }
        producers.get(tenantId).flush();
    }

    private void send(String tenantId, String topic, String key, byte[] payload) {
        producers.get(tenantId).send(new ProducerRecord<>(topic, key, payload));
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
        producers.values().forEach(KafkaProducer::close);
    }
}
