package io.enclave.jobs.audit;

import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditSignerFactory;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.audit.SignerRole;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A job's audit record (the ingest job's) as a signed submission line on the tenant's audit
 * topic, keyed by tenant, signed with the ingest job's own key (role {@code ingest}, which may
 * submit rejections only) under a fresh submission id; the key is read once in {@code open()}
 * and only the factory, never key material, travels in the job graph.
 */
public final class SignedAuditSerializer implements KafkaRecordSerializationSchema<AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final String topic;
    private final AuditSignerFactory keys;
    private transient AuditSigner signer;

    public SignedAuditSerializer(String tenantId, String topic, AuditSignerFactory keys) {
        this.tenantId = tenantId;
        this.topic = topic;
        this.keys = keys;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        signer = keys.open();
        if (signer.role() != SignerRole.INGEST || !signer.keyId().startsWith(tenantId + "/")) {
            throw new IllegalStateException("the audit serializer of " + tenantId + " was given the key "
                    + signer.keyId() + ", not an ingest key of that tenant");
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(AuditRecord record, KafkaSinkContext context, Long timestamp) {
        if (!tenantId.equals(record.tenantId)) {
            // Only a bug upstream can get here: the job of one tenant never signs another's record.
            throw new IllegalStateException("audit record of tenant " + record.tenantId + " in the job of " + tenantId);
        }
        return new ProducerRecord<>(
                topic, tenantId.getBytes(StandardCharsets.UTF_8), AuditSubmission.encode(record, signer));
    }
}
