package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EnclaveHome;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * A tenant job on a Flink MiniCluster whose configuration names no state directory writes its
 * checkpoints into the tenant's own directory under the Enclave home (the build sets
 * ENCLAVE_HOME to target/enclave-home), not into /tmp or the JobManager's memory.
 */
class StateDirectoryITCase {

    @Test
    void checkpointsLandInTheTenantsDirectoryUnderTheEnclaveHome() throws Exception {
        TenantConfig tenant = TenantConfigLoader.load(Path.of("..", "tenant-config", "examples", "tenants.yaml"))
                .tenant("texas_state");
        Path checkpoints =
                EnclaveHome.stateDirectory(EnclaveHome.resolve(), tenant.id()).resolve("checkpoints");
        Configuration conf = TenantJobSettings.forTenant(tenant);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.fromSource(new NumberSequenceSource(0, Long.MAX_VALUE), WatermarkStrategy.noWatermarks(), "numbers")
                .uid("numbers")
                .sinkTo(new DiscardingSink<>())
                .uid("discard");

        JobClient job = env.executeAsync("state-directory");
        try {
            Path completed =
                    awaitCompletedCheckpoint(checkpoints.resolve(job.getJobID().toString()));
            assertThat(completed.toAbsolutePath().toString())
                    .startsWith(System.getenv("ENCLAVE_HOME"))
                    .contains("/.enclave/state/texas_state/checkpoints/");
        } finally {
            job.cancel().get();
        }
    }

    /** The first chk-N directory holding Flink's _metadata, which a checkpoint writes last. */
    private static Path awaitCompletedCheckpoint(Path jobDirectory) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (Files.isDirectory(jobDirectory)) {
                try (Stream<Path> children = Files.list(jobDirectory)) {
                    var done = children.filter(p -> p.getFileName().toString().startsWith("chk-"))
                            .filter(p -> Files.exists(p.resolve("_metadata")))
                            .findFirst();
                    if (done.isPresent()) {
                        return done.get();
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no completed checkpoint under " + jobDirectory + " within 90 s");
    }
}
