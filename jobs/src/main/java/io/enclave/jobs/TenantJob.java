package io.enclave.jobs;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.TenantJdbcSinks;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code flink run} entry point: one tenant's processing job.
 * {@code flink run enclave-jobs.jar --config tenants.yaml --tenant colorado_state}
 */
@Command(name = "tenant-job", mixinStandardHelpOptions = true,
        description = "Runs one tenant's emergency-processing job: Kafka -> tag -> guard -> its own database.")
public final class TenantJob implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "Tenant config YAML file.")
    Path config;

    @Option(names = "--tenant", required = true, description = "Tenant id whose job this is.")
    String tenantId;

    public static void main(String[] args) {
        int exit = new CommandLine(new TenantJob()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        // The job keeps only its own tenant's slice: no other tenant's secret enters the job graph.
        EnclaveConfig slice = TenantConfigLoader.load(config).sliceFor(tenantId);
        TenantConfig tenant = slice.tenant(tenantId);

        environment(slice.global(), tenant).execute(tenant.names().jobName());
        return 0;
    }

    /** The tenant's whole job, Kafka to JDBC, on an environment carrying {@link TenantJobSettings}. */
    public static StreamExecutionEnvironment environment(GlobalSettings global, TenantConfig tenant) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TenantJobSettings.forTenant(tenant));
        TenantJdbcSinks sinks = new TenantJdbcSinks(JdbcSinkOptions.forTenant(global, tenant));
        TenantPipeline.builder()
                .tenant(tenant)
                .source(TenantKafkaSource.create(global, tenant))
                .disasterSink(sinks.events(StreamKind.DISASTERS))
                .weatherSink(sinks.events(StreamKind.WEATHER))
                .auditSink(sinks.audit())
                .keys(KeystoreKeyProviderFactory.forTenant(global.keystore(), tenant))
                .build()
                .addTo(env);
        return env;
    }
}
