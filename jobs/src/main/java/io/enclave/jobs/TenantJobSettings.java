package io.enclave.jobs;

import io.enclave.config.EnclaveHome;
import io.enclave.config.TenantConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigConstants;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * The Flink settings every tenant job carries in its own configuration, so they hold whether
 * or not the cluster's config.yaml sets them: explicit uids only, object reuse between chained
 * operators, exactly-once checkpoints on RocksDB, retained on cancel, and exponential restart
 * backoff. When the cluster's config names no checkpoint or savepoint directory, the tenant's
 * own under the Enclave home ({@link EnclaveHome#stateDirectory}) is used, never /tmp, where any
 * local account could read or plant another tenant's state.
 */
public final class TenantJobSettings {
    private TenantJobSettings() {}

    public static Configuration forTenant(TenantConfig tenant) {
        return forTenant(tenant, clusterConfiguration(), EnclaveHome.resolve());
    }

    /**
     * The settings for {@code tenant}; {@code cluster} is the configuration the job is submitted
     * with, whose state directories win, and {@code home} the Enclave home for the defaults.
     */
    static Configuration forTenant(TenantConfig tenant, ReadableConfig cluster, Path home) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, tenant.names().jobName());
        // Graphs are built client-side, so a missing uid must fail here, at submit time.
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        // No deep copy of every record between chained operators (source -> tag, guard -> route -> sinks):
        // a profile of the benchmarks showed those copies as a visible share of the per-record cost.
        // Safe because no Enclave operator keeps or changes a record after emitting it, and the JDBC
        // sink copies the rows it buffers itself when object reuse is on.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL, tenant.processing().checkpointInterval());
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(2));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        defaultStateDirectories(conf, tenant, cluster, home);
        return conf;
    }

    /** Sets the tenant's own directories for whichever of the two the cluster leaves unset. */
    private static void defaultStateDirectories(
            Configuration conf, TenantConfig tenant, ReadableConfig cluster, Path home) {
        Path state = EnclaveHome.stateDirectory(home, tenant.id());
        if (cluster.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directoryUri(state.resolve("checkpoints")));
        }
        if (cluster.getOptional(CheckpointingOptions.SAVEPOINT_DIRECTORY).isEmpty()) {
            conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, directoryUri(state.resolve("savepoints")));
        }
    }

    /**
     * A directory's file URI, spelled the same whether or not it exists yet: {@link Path#toUri()}
     * appends a slash only for a directory that already exists.
     */
    private static String directoryUri(Path directory) {
        String uri = directory.toAbsolutePath().normalize().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    /**
     * The configuration {@code flink run} (or an application cluster's JobManager) submits with:
     * the config.yaml of FLINK_CONF_DIR. Without that variable, as in an embedded MiniCluster,
     * there is no cluster config, and the job's own settings are all there is.
     */
    static Configuration clusterConfiguration() {
        return System.getenv(ConfigConstants.ENV_FLINK_CONF_DIR) == null
                ? new Configuration()
                : GlobalConfiguration.loadConfiguration();
    }
}
