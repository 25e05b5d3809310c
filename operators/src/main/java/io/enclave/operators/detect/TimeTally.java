package io.enclave.operators.detect;

/**
 * What one detection key counted at one event-time millisecond: how many records, and the input
 * positions of the first and last of them. Records appended in one batch share the broker's
 * timestamp, so one millisecond may hold many. A Flink POJO in keyed state.
 */
public class TimeTally {
    public long count;
    public String firstTopic;
    public int firstPartition;
    public long firstOffset;
    public String lastTopic;
    public int lastPartition;
    public long lastOffset;

    public TimeTally() {}

    /** Counts one more record at {@code topic}/{@code partition}/{@code offset}. */
    void add(AuditRecordPosition at) {
        if (count == 0) {
            firstTopic = at.topic();
            firstPartition = at.partition();
            firstOffset = at.offset();
        }
        lastTopic = at.topic();
        lastPartition = at.partition();
        lastOffset = at.offset();
        count++;
    }

    String first() {
        return firstTopic + "-" + firstPartition + "@" + firstOffset;
    }

    String last() {
        return lastTopic + "-" + lastPartition + "@" + lastOffset;
    }

    /** Where a counted record's input came from. */
    record AuditRecordPosition(String topic, int partition, long offset) {}
}
