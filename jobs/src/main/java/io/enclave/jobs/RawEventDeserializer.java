package io.enclave.jobs;

import io.enclave.operators.record.RawEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Copies each Kafka record's bytes and coordinates into a {@link RawEvent}. It cannot fail on
 * any payload: judging the bytes is the tagger's work, where a bad one becomes an audit record.
 */
public final class RawEventDeserializer implements KafkaRecordDeserializationSchema<RawEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawEvent> out) {
        byte[] payload = record.value() == null ? new byte[0] : record.value();
        out.collect(new RawEvent(record.topic(), record.partition(), record.offset(), record.timestamp(), payload));
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }
}
