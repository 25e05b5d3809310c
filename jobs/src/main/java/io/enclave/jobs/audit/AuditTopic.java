package io.enclave.jobs.audit;

import io.enclave.config.GlobalSettings;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import io.enclave.ingest.IngestKafkaSink;
import io.enclave.jobs.RawEventDeserializer;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSignerFactory;
import io.enclave.operators.record.RawEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Both ends of a tenant's audit topic ({@link TenantNames#auditTopic()}): the processing job's
 * source, which feeds the submissions to its chain, and the ingest job's sink, which submits.
 */
public final class AuditTopic {
    /** How soon the job notices an audit topic created after it started. */
    static final Duration DISCOVERY_INTERVAL = Duration.ofSeconds(30);

    private AuditTopic() {}

    /**
     * The topic as provisioning creates it: one partition, so submissions are chained in the
     * order they were made, and kept for the tenant's audit retention, so a job that is down
     * for a while still chains every one of them when it comes back; stamped with the broker's
     * time ({@link TenantKafkaSource#BROKER_TIME}), since a submitter's clock must not steer detection.
     */
    public static NewTopic definition(TenantConfig tenant, Optional<Short> replicationFactor) {
        long retentionMs =
                Duration.ofDays(tenant.auditRequirements().retentionDays()).toMillis();
        Map<String, String> configs = new HashMap<>(TenantKafkaSource.BROKER_TIME);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        return new NewTopic(tenant.names().auditTopic(), Optional.of(1), replicationFactor).configs(configs);
    }

    /**
     * The job's reader of its tenant's audit topic, as the tenant's job principal. Subscribed by
     * pattern, so the job starts even before the topic exists; reads committed records only (the
     * ingest job writes in transactions) and resumes from its group's offsets, from the start
     * the first time, so no submission made while the job was down is skipped.
     */
    public static KafkaSource<RawEvent> source(GlobalSettings global, TenantConfig tenant) {
        TenantNames names = tenant.names();
        return KafkaSource.<RawEvent>builder()
                .setBootstrapServers(global.kafkaBootstrapServers())
                .setTopicPattern(Pattern.compile(Pattern.quote(names.auditTopic())))
                .setGroupId(names.auditConsumerGroup())
                .setClientIdPrefix(names.resourcePrefix() + "audit_intake")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawEventDeserializer())
                .setProperties(TenantKafkaSource.clientProperties(global, tenant))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", Long.toString(DISCOVERY_INTERVAL.toMillis()))
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    /**
     * The ingest job's submissions, signed, exactly once through Kafka transactions that commit
     * with its checkpoints, like its records, as the tenant's publisher principal.
     */
    public static KafkaSink<AuditRecord> ingestSink(
            GlobalSettings global, TenantConfig tenant, AuditSignerFactory keys) {
        TenantNames names = tenant.names();
        return KafkaSink.<AuditRecord>builder()
                .setBootstrapServers(global.kafkaBootstrapServers())
                .setKafkaProducerConfig(IngestKafkaSink.publisherProperties(global, tenant))
                .setRecordSerializer(new SignedAuditSerializer(tenant.id(), names.auditTopic(), keys))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setProperty("client.id", names.resourcePrefix() + "audit_ingest")
                .setTransactionalIdPrefix(names.ingestAuditTransactionalIdPrefix())
                .setProperty("transaction.timeout.ms", IngestKafkaSink.TRANSACTION_TIMEOUT_MS)
                .build();
    }
}
