package io.enclave.cli.local;

import io.enclave.cli.incident.QuarantineFile;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code publish FILE [--tenant ID] [--count N]}: the demo's realistic FEMA and NWS events (with
 * its ~6 % of deliberately bad ones) to each tenant's own topics, as that tenant's publisher
 * principal, so the jobs have work.
 */
@Command(name = "publish", description = "Publish generated FEMA/NWS events to each tenant's topics.")
final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Option(names = "--tenant", description = "Only this tenant (default: all).")
    String tenantId;

    @Option(names = "--count", defaultValue = "100", description = "Events per tenant (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> loaded = LocalConfig.load(file, spec);
        if (loaded.isEmpty()) {
            return LocalTools.INVALID_CONFIG;
        }
        EnclaveConfig config = loaded.get();
        Optional<List<TenantConfig>> tenants = LocalConfig.select(config, tenantId, err);
        if (tenants.isEmpty()) {
            return 1;
        }
        // The generator's foreign-tenant records claim the next tenant of the whole config.
        List<TenantConfig> all = List.copyOf(config.tenants());
        for (TenantConfig tenant : tenants.get()) {
            // Each tenant's events are written as that tenant's publisher, which the broker lets write its topics only.
            Properties login = KafkaClientLogin.properties(config.global(), tenant.kafkaPublisher());
            login.setProperty(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.global().kafkaBootstrapServers());
            login.setProperty(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(login, new StringSerializer(), new ByteArraySerializer())) {
                String foreign = all.get((all.indexOf(tenant) + 1) % all.size()).id();
                EventGenerator generator = new EventGenerator(tenant, foreign, seed + all.indexOf(tenant), 0.06);
                AtomicLong refused = new AtomicLong();
                for (GeneratedEvent event : generator.next(count)) {
                    producer.send(new ProducerRecord<>(event.topic(), event.key(), event.payload()), (meta, e) -> {
                        if (e instanceof AuthorizationException) {
                            refused.incrementAndGet();
                        }
                    });
                }
                producer.flush();
                if (refused.get() > 0) {
                    // A quarantined tenant's events are refused by the broker; its release reports how many.
                    QuarantineFile.of(tenant).countRefused(refused.get());
                    err.printf("%s: %d events refused by the broker (quarantined?)%n", tenant.id(), refused.get());
                }
                spec.commandLine()
                        .getOut()
                        .printf(
                                "%s: published %d events to %s as %s%n",
                                tenant.id(),
                                count,
                                String.join(", ", tenant.names().topics()),
                                tenant.kafkaPublisher().username());
            }
        }
        return 0;
    }
}
