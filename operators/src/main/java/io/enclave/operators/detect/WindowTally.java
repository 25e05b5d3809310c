package io.enclave.operators.detect;

/**
 * What one detection key has counted in one event-time window: how many, the first and last
 * input positions, and whether the window already raised its alert. A Flink POJO in keyed state.
 */
public class WindowTally {
    public long count;
    public String firstTopic;
    public int firstPartition;
    public long firstOffset;
    public String lastTopic;
    public int lastPartition;
    public long lastOffset;
    public boolean alerted;

    public WindowTally() {}

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
