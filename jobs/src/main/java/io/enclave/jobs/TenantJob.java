package io.enclave.jobs;

import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.jobs.audit.AuditTopic;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.record.RawEvent;
import io.enclave.sinks.JdbcChainOrigin;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.TenantJdbcSinks;
import java.io.PrintStream;
import java.util.Set;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The {@code flink run} entry point: one tenant's processing job.
 * {@code flink run enclave-jobs.jar --config tenants.yaml --tenant colorado_state}
 */
public final class TenantJob {
    static final String USAGE = "Usage: flink run enclave-jobs.jar --config FILE --tenant ID [--dev]\n"
            + "Runs one tenant's emergency-processing job: Kafka -> tag -> guard -> its own database.\n"
            + "  --config FILE  Tenant config YAML file.\n"
            + "  --tenant ID    Tenant id whose job this is.\n"
            + "  --dev          Development mode: accept dev-only secrets, short passwords and Kafka without TLS,\n"
            + "                 as ENCLAVE_DEV=1 does. Never for a real deployment.";

    /** Development mode as the environment says; tests turn it off, as the build runs them with ENCLAVE_DEV=1. */
    DevMode environmentDevMode = DevMode.fromEnvironment();

    public static void main(String[] args) {
        int exit = new TenantJob().run(System.out, System.err, args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs the job {@code args} name, printing usage to {@code out} and problems to {@code err}; returns the exit code. */
    int run(PrintStream out, PrintStream err, String... args) {
        return JobArguments.run(USAGE, Set.of(), args, out, err, this::submit);
    }

    private void submit(JobArguments arguments) throws Exception {
        // The job keeps only its own tenant's slice: no other tenant's secret enters the job graph.
        EnclaveConfig slice = TenantConfigLoader.load(arguments.config(), arguments.devMode(environmentDevMode))
                .sliceFor(arguments.tenantId());
        TenantConfig tenant = slice.tenant(arguments.tenantId());

        environment(slice.global(), tenant).execute(tenant.names().jobName());
    }

    /** The tenant's whole job, Kafka to JDBC, on an environment carrying {@link TenantJobSettings}. */
    public static StreamExecutionEnvironment environment(GlobalSettings global, TenantConfig tenant) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(TenantJobSettings.forTenant(tenant));
        addTenantGraph(env, global, tenant, TenantKafkaSource.create(global, tenant));
        return env;
    }

    /**
     * Adds the tenant's graph with its real sinks, keys and audit topic to {@code env}, reading
     * records from {@code source}; tests hand in a source of their own or an environment
     * restoring a savepoint.
     */
    public static void addTenantGraph(
            StreamExecutionEnvironment env, GlobalSettings global, TenantConfig tenant, Source<RawEvent, ?, ?> source) {
        // Only the job's own signing password goes into its graph, not the ingest job's or the CLI's.
        tenant = tenant.forSigner(SignerRole.JOB.id());
        JdbcSinkOptions sinkOptions = JdbcSinkOptions.forTenant(global, tenant);
        TenantIdentity.requireDatabaseUser(sinkOptions, tenant);
        TenantJdbcSinks sinks = new TenantJdbcSinks(sinkOptions);
        TenantPipeline.builder()
                .tenant(tenant)
                .source(source)
                .disasterSink(sinks.events(StreamKind.DISASTERS))
                .weatherSink(sinks.events(StreamKind.WEATHER))
                .auditSink(sinks.audit())
                .auditHeadSink(sinks.auditHead())
                .siemSink(tenant.auditRequirements().siemIntegration() ? siemSink(global, tenant) : null)
                .siemHeadSink(tenant.auditRequirements().siemIntegration() ? siemHeadSink(global, tenant) : null)
                .auditAnchorSink(sinks.auditAnchor())
                .auditSubmissions(AuditTopic.source(global, tenant))
                .chainOrigin(new JdbcChainOrigin(sinkOptions))
                .keys(KeystoreKeyProviderFactory.forTenant(tenant))
                .signer(AuditSigning.factory(tenant, SignerRole.JOB))
                .trust(AuditSigning.trustSource(tenant))
                .build()
                .addTo(env);
    }

    /** The signed heads as JSON lines beside the records on {@code global.siem_topic}, see {@link SiemHeadSerializer}. */
    static KafkaSink<AuditHead> siemHeadSink(GlobalSettings global, TenantConfig tenant) {
        return KafkaSink.<AuditHead>builder()
                .setBootstrapServers(global.kafkaBootstrapServers())
                .setKafkaProducerConfig(TenantKafkaSource.clientProperties(global, tenant))
                .setRecordSerializer(new SiemHeadSerializer(global.siemTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** JSON lines keyed by tenant to {@code global.siem_topic}, as the tenant's own Kafka principal. */
    public static KafkaSink<AuditRecord> siemSink(GlobalSettings global, TenantConfig tenant) {
        return KafkaSink.<AuditRecord>builder()
                .setBootstrapServers(global.kafkaBootstrapServers())
                .setKafkaProducerConfig(TenantKafkaSource.clientProperties(global, tenant))
                .setRecordSerializer(new SiemRecordSerializer(global.siemTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
