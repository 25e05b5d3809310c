package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.TenantConfig;
import io.enclave.ingest.ApiAccessDeniedException;
import io.enclave.ingest.IngestKafkaSink;
import io.enclave.ingest.IngestOptions;
import io.enclave.ingest.ScopeViolationException;
import io.enclave.jobs.TenantIngestJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave ingest -c FILE -t ID [--once]}: runs the tenant's ingest job locally, from
 * OpenFEMA and NWS (the config's {@code global.apis}) into the tenant's own topics.
 */
@Command(
        name = "ingest",
        description = "Pull OpenFEMA and NWS into one tenant's own topics, within its scope and limits.")
final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    @Option(names = "--once", description = "Pull until caught up, then exit (for cron or a backfill).")
    boolean once;

    @Option(
            names = "--poll-interval",
            defaultValue = "60",
            description = "Seconds between polls once caught up (default: ${DEFAULT-VALUE}).")
    long pollSeconds;

    @Option(
            names = "--page-size",
            defaultValue = "" + IngestOptions.DEFAULT_PAGE_SIZE,
            description = "Records per request (default: ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(names = "--checkpoint-dir", description = "Keep checkpoints (the API cursors) in this directory.")
    Path checkpointDir;

    @Mixin
    TimeoutOption timeout;

    @Option(names = "--resume-from", description = "Checkpoint or savepoint to resume the cursors from.")
    String resumeFrom;

    @Override
    public Integer call() throws Exception {
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig slice =
                loaded.get().sliceFor(tenantOption.of(loaded.get(), configFile).id());
        TenantConfig tenant = slice.tenants().iterator().next();
        IngestOptions options = IngestOptions.defaults()
                .withOnce(once)
                .withPageSize(pageSize)
                .withPollInterval(Duration.ofSeconds(pollSeconds));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "%s: %s and %s into %s%n",
                tenant.names().ingestJobName(),
                slice.global().apis().openFemaBaseUrl(),
                slice.global().apis().nwsBaseUrl(),
                String.join(", ", tenant.names().topics()));
        out.flush();
        awaitTopics(slice.global(), tenant);
        try {
            Configuration settings = TenantIngestJob.stateSettings(checkpointDir, resumeFrom);
            settings.addAll(TenantIngestJob.localClusterSettings(tenant));
            TenantIngestJob.environment(slice.global(), tenant, options, settings)
                    .execute(tenant.names().ingestJobName());
        } catch (Exception e) {
            // The operator-facing reason, not Flink's wrapping: whose key, which API.
            spec.commandLine().getErr().println(tenant.names().ingestJobName() + " failed: " + reason(e));
            return 1;
        }
        out.printf("%s: caught up%n", tenant.names().ingestJobName());
        return 0;
    }

    /**
     * Waits, at most --timeout, for the broker to know each of the tenant's topics, as the job's
     * publisher principal sees them: an unreachable broker or a missing topic is exit 3 now, with
     * one line, instead of a job that retries until Flink gives up.
     */
    private void awaitTopics(GlobalSettings global, TenantConfig tenant) {
        timeout.waitingFor(
                spec.commandLine().getErr(),
                spec.qualifiedName(),
                "the Kafka broker at " + global.kafkaBootstrapServers() + " to know "
                        + String.join(", ", tenant.names().topics()));
        Properties props = IngestKafkaSink.publisherProperties(global, tenant);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        // partitionsFor blocks for metadata at most max.block.ms, then throws Kafka's TimeoutException: exit 3.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.duration().toMillis());
        try (Producer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String topic : tenant.names().topics()) {
                producer.partitionsFor(topic);
            }
        }
    }

    static String reason(Throwable e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiAccessDeniedException || t instanceof ScopeViolationException) {
                return t.getMessage();
            }
            root = t;
        }
        return root.getMessage();
    }
}
