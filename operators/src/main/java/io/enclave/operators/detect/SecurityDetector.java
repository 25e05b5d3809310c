package io.enclave.operators.detect;

import io.enclave.config.DetectionRule;
import io.enclave.config.DetectionThreshold;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Real-time detection over the tenant's own audit stream, keyed by {@link DetectionKey}. Each
 * record a rule matches is counted in the tumbling event-time window (aligned to the epoch, as
 * long as the rule's configured window) its timestamp falls in; the record that brings a
 * window's count to the rule's threshold raises one SECURITY_ALERT at once, without waiting for
 * the window to close. The tally of a window lives in keyed state, which checkpoints with the
 * chain, so a window raises its alert once, also when the job restores and re-reads its input;
 * the alert's id is derived from tenant, rule, key and window, so a replay maps onto the same
 * row. A window's state is dropped by an event-time timer once the watermark passes its end;
 * a record arriving after that is late, counted in {@code alerts_late_events} and not judged.
 *
 * <p>Its alerts go to the chainer like every audit record, so they are signed in the chain and
 * reach the SIEM topic; {@code tenant.<id>.alerts} counts them.
 */
public class SecurityDetector extends KeyedProcessFunction<String, AuditRecord, AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final DetectionRules rules;
    private final String operatorName;

    /** Window end (exclusive, epoch ms) -> what the key counted in that window. */
    private transient MapState<Long, WindowTally> windows;

    private transient Counter alerts;
    private transient Counter late;
    private transient int subtask;

    public SecurityDetector(AuditContext audit, DetectionRules rules, String operatorName) {
        this.audit = audit;
        this.rules = rules;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        windows = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("detect-windows", Types.LONG, TypeInformation.of(WindowTally.class)));
        MetricGroup tenant = getRuntimeContext().getMetricGroup().addGroup("tenant", audit.tenantId());
        alerts = tenant.counter("alerts");
        late = tenant.counter("alerts_late_events");
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    }

    @Override
    public void processElement(AuditRecord record, Context ctx, Collector<AuditRecord> out) throws Exception {
        Optional<DetectionRule> matched = rules.match(record);
        if (matched.isEmpty()) {
            return;
        }
        DetectionRule rule = matched.get();
        DetectionThreshold threshold = rules.threshold(rule);
        long time = ctx.timestamp() != null ? ctx.timestamp() : record.eventTime;
        long size = threshold.window().toMillis();
        long end = time - Math.floorMod(time, size) + size;
        if (end - 1 <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        WindowTally tally = windows.get(end);
        if (tally == null) {
            tally = new WindowTally();
            ctx.timerService().registerEventTimeTimer(end - 1);
        }
        tally.add(new WindowTally.AuditRecordPosition(record.sourceTopic, record.sourcePartition, record.sourceOffset));
        if (!tally.alerted && tally.count >= threshold.count()) {
            tally.alerted = true;
            out.collect(alert(rule, threshold, ctx.getCurrentKey(), record, time, end, tally));
            alerts.inc();
        }
        windows.put(end, tally);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditRecord> out) throws Exception {
        Iterator<Map.Entry<Long, WindowTally>> it = windows.iterator();
        while (it.hasNext()) {
            if (it.next().getKey() - 1 <= timestamp) {
                it.remove();
            }
        }
    }

    private AuditRecord alert(
            DetectionRule rule,
            DetectionThreshold threshold,
            String key,
            AuditRecord trigger,
            long time,
            long end,
            WindowTally tally) {
        AuditRecord a = audit.newRecord(AuditAction.SECURITY_ALERT, AuditOutcome.SUCCESS, operatorName, subtask);
        Instant respondBy = Instant.ofEpochMilli(time).plus(rules.incidentResponse());
        long start = end - threshold.window().toMillis();
        a.eventTime = time;
        a.reason = rule.configKey();
        a.rowCount = tally.count;
        a.firstOffset = tally.firstOffset;
        a.lastOffset = tally.lastOffset;
        a.sourceTopic = tally.lastTopic == null ? "" : tally.lastTopic;
        a.sourcePartition = tally.lastPartition;
        a.sourceOffset = tally.lastOffset;
        a.recordKey = rule == DetectionRule.READER_BURST ? String.valueOf(trigger.principal) : "";
        a.detail = "rule " + rule.configKey() + ": " + tally.count + " events (threshold " + threshold.count()
                + ") in window " + Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(end) + ", first "
                + tally.first() + ", last " + tally.last() + "; respond by " + respondBy;
        a.recordId = AuditRecord.deterministicId(audit.tenantId(), a.action, "detect", 0, end, key);
        return a;
    }
}
