package io.enclave.operators.audit;

import io.enclave.operators.record.TenantEvent;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Stands just before a table's JDBC sink and passes every row through unchanged. A sink cannot
 * emit side outputs, so this operator accounts for what the sink writes: at each checkpoint,
 * when the sink flushes too, it emits one SINK_FLUSH audit record per Kafka partition with the
 * row count and the first and last offset written since the previous checkpoint. Accepted
 * records are audited this way, never one by one.
 *
 * <p>The counts need no state: the barrier that closes a summary is the one that makes the
 * sink flush, and rows after it are replayed, and counted, again after a restore.
 */
public class SinkFlushAuditor extends AbstractStreamOperator<TenantEvent>
        implements OneInputStreamOperator<TenantEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final String table;
    private final OutputTag<AuditRecord> auditTag;
    private final String operatorName;

    private transient Map<String, OffsetSpan> spans;
    private transient Counter rowsWritten;
    private transient volatile long lastFlushTime;
    private transient int subtask;
    /** Checkpoint ids start again at 1 in a job submitted without state; the job id keeps the summaries' ids apart. */
    private transient String job;

    public SinkFlushAuditor(AuditContext audit, String table, OutputTag<AuditRecord> auditTag, String operatorName) {
        this.audit = audit;
        this.table = table;
        this.auditTag = auditTag;
        this.operatorName = operatorName;
    }

    @Override
    public void open() throws Exception {
        super.open();
        spans = new TreeMap<>();
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        job = getRuntimeContext().getJobInfo().getJobId().toHexString();
        MetricGroup tenant = getMetricGroup().addGroup("tenant", audit.tenantId());
        rowsWritten = tenant.addGroup("rows_written").counter(table);
        tenant.gauge("last_flush_time", this::lastFlushTime);
    }

    /** Epoch milliseconds of the last checkpoint flush that wrote rows; 0 before the first. */
    public long lastFlushTime() {
        return lastFlushTime;
    }

    @Override
    public void processElement(StreamRecord<TenantEvent> element) {
        TenantEvent e = element.getValue();
        spans.computeIfAbsent(
                        e.sourceTopic + "\u0000" + e.sourcePartition,
                        k -> new OffsetSpan(e.sourceTopic, e.sourcePartition))
                .add(e.sourceOffset);
        output.collect(element);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        summarise(checkpointId, String.valueOf(checkpointId));
    }

    /**
     * The end of input (a bounded source, or a stop with {@code --drain}, as {@code quarantine} does): the sink
     * flushes what is left when it finishes, and the final checkpoint comes after every operator has finished,
     * too late for a record to reach the chainer. So the rows since the last checkpoint are summarised here,
     * with checkpoint id 0.
     */
    @Override
    public void finish() throws Exception {
        summarise(0, "end");
        super.finish();
    }

    private void summarise(long checkpointId, String flushId) {
        if (spans.isEmpty()) {
            return;
        }
        for (OffsetSpan span : spans.values()) {
            AuditRecord r = audit.newRecord(AuditAction.SINK_FLUSH, AuditOutcome.SUCCESS, operatorName, subtask);
            r.sinkTable = table;
            r.sourceTopic = span.topic;
            r.sourcePartition = span.partition;
            r.sourceOffset = span.first;
            r.firstOffset = span.first;
            r.lastOffset = span.last;
            r.rowCount = span.rows;
            r.checkpointId = checkpointId;
            r.detail = span.rows + " rows to " + table + " from " + span.topic + "-" + span.partition + " offsets "
                    + span.first + ".." + span.last;
            r.recordId = AuditRecord.deterministicId(
                    audit.tenantId(),
                    r.action,
                    span.topic,
                    span.partition,
                    span.first,
                    table + "|" + job + "|" + flushId + "|" + subtask);
            output.collect(auditTag, new StreamRecord<>(r));
            rowsWritten.inc(span.rows);
        }
        spans.clear();
        lastFlushTime = System.currentTimeMillis();
    }

    /** Rows of one partition since the last flush: how many, and the lowest and highest offset. */
    private static final class OffsetSpan {
        final String topic;
        final int partition;
        long rows;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        OffsetSpan(String topic, int partition) {
            this.topic = topic;
            this.partition = partition;
        }

        void add(long offset) {
            rows++;
            first = Math.min(first, offset);
            last = Math.max(last, offset);
        }
    }
}
