package io.enclave.operators.record;

/**
 * One message as it came off a tenant's topic: the bytes untouched, plus where they came from.
 * Reading a message into this can never fail, so a bad payload is judged by the tagger, where
 * it becomes an audit record instead of a job failure.
 */
public class RawEvent {
    public String topic;
    public int partition;
    public long offset;
    /** Broker timestamp, epoch milliseconds. */
    public long timestamp;

    public byte[] payload;

    public RawEvent() {}

    public RawEvent(String topic, int partition, long offset, long timestamp, byte[] payload) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.payload = payload;
    }

    public int payloadSize() {
        return payload == null ? 0 : payload.length;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
