package io.enclave.operators.detect;

import io.enclave.operators.audit.AuditRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The event time of an audit record for detection: the timestamp its input carried (a
 * rejection inherits the Kafka record's, so a replayed input falls at the same time), else the
 * time stamped on the record, but never more than {@link #MAX_CLOCK_SKEW} ahead of this
 * machine's clock. Provisioned topics stamp records with the broker's append time; a topic that
 * still keeps the publisher's CreateTime lets the publisher stamp a record up to an hour ahead
 * (Kafka's default {@code message.timestamp.after.max.ms}) or without limit if so configured, and
 * trusted, one such record would carry the watermark past every honest record after it. Watermarks
 * trail the newest (bounded) time by {@link #OUT_OF_ORDERNESS}, no more than the skew, so they
 * never pass the wall clock.
 */
public final class AuditEventTime implements SerializableTimestampAssigner<AuditRecord> {
    private static final long serialVersionUID = 1L;
    /** How far behind the newest audit record one from another partition or operator may still arrive. */
    public static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(1);
    /** How far ahead of this machine's clock a record's time may be: brokers' and hosts' clocks differ a little. */
    public static final Duration MAX_CLOCK_SKEW = OUT_OF_ORDERNESS;

    /** The watermark strategy of the detection input. */
    public static WatermarkStrategy<AuditRecord> watermarks() {
        return WatermarkStrategy.<AuditRecord>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner(new AuditEventTime());
    }

    @Override
    public long extractTimestamp(AuditRecord record, long recordTimestamp) {
        long stamped = recordTimestamp > 0 ? recordTimestamp : record.eventTime;
        return Math.min(stamped, System.currentTimeMillis() + MAX_CLOCK_SKEW.toMillis());
    }
}
