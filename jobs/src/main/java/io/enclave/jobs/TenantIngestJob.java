package io.enclave.jobs;

import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.SlotMemory;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.ingest.IngestKafkaSink;
import io.enclave.ingest.IngestOptions;
import io.enclave.ingest.IngestPipeline;
import io.enclave.ingest.IngestSources;
import io.enclave.jobs.audit.AuditTopic;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The {@code flink run} entry point of one tenant's ingest job, {@code tenant_<id>_ingest}:
 * OpenFEMA and NWS into the tenant's own topics.
 * {@code flink run -c io.enclave.jobs.TenantIngestJob enclave-jobs.jar --config tenants.yaml --tenant colorado_state}
 */
public final class TenantIngestJob {
    static final String USAGE = "Usage: flink run -c io.enclave.jobs.TenantIngestJob enclave-jobs.jar --config FILE"
            + " --tenant ID [--once] [--dev]\n"
            + "Runs one tenant's ingest job: OpenFEMA and NWS -> the tenant's own Kafka topics.\n"
            + "  --config FILE  Tenant config YAML file.\n"
            + "  --tenant ID    Tenant id whose job this is.\n"
            + "  --once         Pull until caught up, then finish.\n"
            + "  --dev          Development mode: accept dev-only secrets, short passwords and Kafka without TLS,\n"
            + "                 as ENCLAVE_DEV=1 does. Never for a real deployment.";

    /** Development mode as the environment says; tests turn it off, as the build runs them with ENCLAVE_DEV=1. */
    DevMode environmentDevMode = DevMode.fromEnvironment();

    public static void main(String[] args) {
        int exit = new TenantIngestJob().run(System.out, System.err, args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs the job {@code args} name, printing usage to {@code out} and problems to {@code err}; returns the exit code. */
    int run(PrintStream out, PrintStream err, String... args) {
        return JobArguments.run(USAGE, Set.of("once"), args, out, err, this::submit);
    }

    private void submit(JobArguments arguments) throws Exception {
        // Only this tenant's slice: no other tenant's key or password enters the job graph.
        EnclaveConfig slice = TenantConfigLoader.load(arguments.config(), arguments.devMode(environmentDevMode))
                .sliceFor(arguments.tenantId());
        TenantConfig tenant = slice.tenant(arguments.tenantId());
        environment(slice.global(), tenant, IngestOptions.defaults().withOnce(arguments.once()), new Configuration())
                .execute(tenant.names().ingestJobName());
    }

    /**
     * The tenant's ingest job on an environment carrying {@link TenantJobSettings} (explicit
     * uids, exactly-once checkpoints, which commit the Kafka transactions) plus {@code extra}.
     */
    public static StreamExecutionEnvironment environment(
            GlobalSettings global, TenantConfig tenant, IngestOptions options, Configuration extra) {
        // Only the ingest job's own signing password goes into its graph, not the tenant job's or the CLI's.
        tenant = tenant.forSigner(SignerRole.INGEST.id());
        Configuration conf = TenantJobSettings.forTenant(tenant);
        conf.set(PipelineOptions.NAME, tenant.names().ingestJobName());
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        IngestPipeline.builder()
                .tenant(tenant)
                .sources(IngestSources.forTenant(global, tenant, options))
                .recordSink(IngestKafkaSink.create(global, tenant))
                // Its refusals reach the tenant's chain through the processing job, signed.
                .auditSink(AuditTopic.ingestSink(global, tenant, AuditSigning.factory(tenant, SignerRole.INGEST)))
                // processing.memory_per_slot holds for this job too: its slots are no larger than the tenant's budget.
                .slotSharingGroup(TenantSlots.of(tenant, tenant.names().ingestJobName()))
                .build()
                .addTo(env);
        return env;
    }

    /**
     * Settings for running the job in the calling process's own MiniCluster ({@code enclave ingest}):
     * with {@code processing.memory_per_slot}, a TaskManager of exactly the slots the job asks
     * for, whose managed memory the local default (128 MiB) would otherwise leave the job waiting
     * for; nothing without it.
     */
    public static Configuration localClusterSettings(TenantConfig tenant) {
        Configuration conf = new Configuration();
        SlotMemory slot = tenant.processing().slotMemory();
        if (slot.isSet()) {
            int slots = tenant.processing().parallelism();
            conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(slots * slot.managedMb()));
        }
        return conf;
    }

    /** Settings for keeping the cursor between runs: where checkpoints go, and which one to resume. */
    public static Configuration stateSettings(Path checkpointDir, String resumeFrom) {
        Configuration conf = new Configuration();
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    checkpointDir.toAbsolutePath().toUri().toString());
        }
        if (resumeFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, resumeFrom);
        }
        return conf;
    }
}
