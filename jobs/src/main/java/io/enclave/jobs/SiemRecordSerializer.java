package io.enclave.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.operators.audit.AuditJson;
import io.enclave.operators.audit.AuditRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One chained audit record as one JSON line on the SIEM topic, keyed by tenant so a tenant's
 * records stay in order on one partition. Field names are the audit_log columns, chain fields
 * included, so a SIEM can check the chain too; a replayed record is the identical line.
 */
public final class SiemRecordSerializer implements KafkaRecordSerializationSchema<AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient ObjectMapper json;

    public SiemRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new ObjectMapper();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AuditRecord r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, r.tenantId.getBytes(StandardCharsets.UTF_8), line(json, r));
    }

    /** The JSON line of a record; also what tests parse back. */
    public static byte[] line(ObjectMapper json, AuditRecord r) {
        return (AuditJson.write(json, r, true).toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
