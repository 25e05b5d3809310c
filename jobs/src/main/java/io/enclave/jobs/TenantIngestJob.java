package io.enclave.jobs;

import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.ingest.IngestKafkaSink;
import io.enclave.ingest.IngestOptions;
import io.enclave.ingest.IngestPipeline;
import io.enclave.ingest.IngestSources;
import io.enclave.jobs.audit.AuditTopic;
import io.enclave.jobs.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code flink run} entry point of one tenant's ingest job, {@code tenant_<id>_ingest}:
 * OpenFEMA and NWS into the tenant's own topics.
 * {@code flink run -c io.enclave.jobs.TenantIngestJob enclave-jobs.jar --config tenants.yaml --tenant colorado_state}
 */
@Command(name = "tenant-ingest-job", mixinStandardHelpOptions = true,
        description = "Runs one tenant's ingest job: OpenFEMA and NWS -> the tenant's own Kafka topics.")
public final class TenantIngestJob implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "Tenant config YAML file.")
    Path config;

    @Option(names = "--tenant", required = true, description = "Tenant id whose job this is.")
    String tenantId;

    @Option(names = "--dev", description = "Development mode: accept dev-only secrets, short passwords and Kafka"
            + " without TLS, as ENCLAVE_DEV=1 does. Never for a real deployment.")
    boolean dev;

    /** Development mode as the environment says; tests turn it off, as the build runs them with ENCLAVE_DEV=1. */
    DevMode environmentDevMode = DevMode.fromEnvironment();

    @Option(names = "--once", description = "Pull until caught up, then finish.")
    boolean once;

    public static void main(String[] args) {
        int exit = new CommandLine(new TenantIngestJob()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        // Only this tenant's slice: no other tenant's key or password enters the job graph.
        EnclaveConfig slice = TenantConfigLoader.load(config, dev ? DevMode.ON : environmentDevMode).sliceFor(tenantId);
        TenantConfig tenant = slice.tenant(tenantId);
        environment(slice.global(), tenant, IngestOptions.defaults().withOnce(once), new Configuration())
                .execute(tenant.names().ingestJobName());
        return 0;
    }

    /**
     * The tenant's ingest job on an environment carrying {@link TenantJobSettings} (explicit
     * uids, exactly-once checkpoints, which commit the Kafka transactions) plus {@code extra}.
     */
    public static StreamExecutionEnvironment environment(GlobalSettings global, TenantConfig tenant,
            IngestOptions options, Configuration extra) {
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
                .build()
                .addTo(env);
        return env;
    }

    /** Settings for keeping the cursor between runs: where checkpoints go, and which one to resume. */
    public static Configuration stateSettings(Path checkpointDir, String resumeFrom) {
        Configuration conf = new Configuration();
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toAbsolutePath().toUri().toString());
        }
        if (resumeFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, resumeFrom);
        }
        return conf;
    }
}
