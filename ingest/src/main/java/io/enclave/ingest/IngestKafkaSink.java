package io.enclave.ingest;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.TenantConfig;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * The ingest job's Kafka sink: the tenant's publisher principal (WRITE on its own topics only),
 * exactly-once through Kafka transactions that commit on checkpoint, under a transactional id
 * prefix of the tenant's own, so a restart aborts the uncommitted rest instead of duplicating it.
 */
public final class IngestKafkaSink {
    /** The broker's default transaction.max.timeout.ms; Flink's own default (1 h) would be refused. */
    public static final String TRANSACTION_TIMEOUT_MS = "900000";

    private IngestKafkaSink() {}

    public static KafkaSink<ApiRecord> create(GlobalSettings global, TenantConfig tenant) {
        return KafkaSink.<ApiRecord>builder()
                .setBootstrapServers(global.kafkaBootstrapServers())
                .setKafkaProducerConfig(publisherProperties(global, tenant))
                .setRecordSerializer(new ApiRecordSerializer(tenant.names()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(tenant.names().ingestTransactionalIdPrefix())
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }

    /** Client security: the global pass-through first, then the tenant's publisher login. */
    public static Properties publisherProperties(GlobalSettings global, TenantConfig tenant) {
        Properties props = KafkaClientLogin.properties(global, tenant.kafkaPublisher());
        props.setProperty("client.id", tenant.names().ingestJobName());
        return props;
    }
}
