package io.enclave.jobs;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import io.enclave.operators.record.RawEvent;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;

/** Builds the Kafka source of one tenant: its own topics, its own group, its own principal. */
public final class TenantKafkaSource {
    /**
     * The topic config of every topic a tenant job reads (data and audit topics): records carry the
     * broker's append time, not a time their publisher chose, since detection runs on it.
     */
    public static final Map<String, String> BROKER_TIME =
            Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name);

    private TenantKafkaSource() {}

    public static KafkaSource<RawEvent> create(GlobalSettings global, TenantConfig tenant) {
        return create(global, tenant, new RawEventDeserializer());
    }

    /** As {@link #create(GlobalSettings, TenantConfig)}, reading records with another deserializer. */
    public static KafkaSource<RawEvent> create(
            GlobalSettings global, TenantConfig tenant, KafkaRecordDeserializationSchema<RawEvent> deserializer) {
        TenantNames names = tenant.names();
        return KafkaSource.<RawEvent>builder()
                .setBootstrapServers(global.kafkaBootstrapServers())
                .setTopics(names.topics())
                .setGroupId(names.consumerGroup())
                .setClientIdPrefix(names.resourcePrefix() + "job")
                // Resume from the group's committed offsets; a brand-new tenant reads from the start.
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperties(clientProperties(global, tenant))
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /** Client security settings: the global pass-through first, then the tenant's own SASL login. */
    public static Properties clientProperties(GlobalSettings global, TenantConfig tenant) {
        Properties props = KafkaClientLogin.properties(global, tenant.kafka());
        TenantIdentity.requireKafkaPrincipal(props, global, tenant);
        return props;
    }
}
