package io.enclave.operators.detect;

import io.enclave.operators.audit.AuditRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The event time of an audit record for detection: the timestamp its input carried (a
 * rejection inherits the Kafka record's, so a replayed input falls into the same window), else
 * the time stamped on the record. Watermarks trail the newest time by {@link #OUT_OF_ORDERNESS}.
 */
public final class AuditEventTime implements SerializableTimestampAssigner<AuditRecord> {
    private static final long serialVersionUID = 1L;
    /** How far behind the newest audit record one from another partition or operator may still arrive. */
    public static final Duration OUT_OF_ORDERNESS = Duration.ofMinutes(1);

    /** The watermark strategy of the detection input. */
    public static WatermarkStrategy<AuditRecord> watermarks() {
        return WatermarkStrategy.<AuditRecord>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner(new AuditEventTime());
    }

    @Override
    public long extractTimestamp(AuditRecord record, long recordTimestamp) {
        return recordTimestamp > 0 ? recordTimestamp : record.eventTime;
    }
}
