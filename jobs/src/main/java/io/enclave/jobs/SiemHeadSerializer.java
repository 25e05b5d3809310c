package io.enclave.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.operators.audit.AuditHead;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One signed head of a tenant's chain as one JSON line on the SIEM topic, beside its records
 * and keyed like them. {@code "kind": "audit_head"} tells it from a record line; the other
 * fields are the audit_head columns, so the SIEM holds the heads a database rollback deletes.
 */
public final class SiemHeadSerializer implements KafkaRecordSerializationSchema<AuditHead> {
    private static final long serialVersionUID = 1L;
    /** The value of {@code kind} in a head line; record lines have no {@code kind}. */
    public static final String KIND = "audit_head";

    private final String topic;
    private transient ObjectMapper json;

    public SiemHeadSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new ObjectMapper();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AuditHead h, KafkaSinkContext context, Long timestamp) {
        ObjectNode n = json.createObjectNode();
        n.put("kind", KIND);
        n.put("tenant_id", h.tenantId);
        n.put("sequence", h.sequence);
        n.put("head_hash", h.headHash);
        n.put("checkpoint_id", h.checkpointId);
        n.put("written_at", h.writtenAt);
        n.put("signer", h.signer);
        n.put("signature", h.signature);
        return new ProducerRecord<>(
                topic,
                h.tenantId.getBytes(StandardCharsets.UTF_8),
                (n.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
