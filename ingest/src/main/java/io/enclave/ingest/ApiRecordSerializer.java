package io.enclave.ingest;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantNames;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each record to its stream's topic of this tenant only ({@code tenant_<id>_disasters}
 * or {@code tenant_<id>_weather}), keyed by its natural id so that all versions of one
 * declaration or alert land in one partition, in order. The value is the API's JSON, untouched.
 */
public final class ApiRecordSerializer implements KafkaRecordSerializationSchema<ApiRecord> {
    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> topicByStream = new HashMap<>();

    public ApiRecordSerializer(TenantNames names) {
        for (StreamKind stream : StreamKind.values()) {
            topicByStream.put(stream.topicSuffix(), names.topic(stream));
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ApiRecord record, KafkaSinkContext context, Long timestamp) {
        String topic = topicByStream.get(record.stream);
        if (topic == null) {
            throw new IllegalStateException("no topic for stream " + record.stream);
        }
        return new ProducerRecord<>(
                topic, null, record.fetchedAt, record.id.getBytes(StandardCharsets.UTF_8), record.payload);
    }
}
