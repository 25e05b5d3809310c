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
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Real-time detection over the tenant's own audit stream, keyed by {@link DetectionKey}. A rule
 * alerts when its threshold of matching records falls within any span of event time shorter than
 * its window, wherever that span starts: not per epoch-aligned window, where a burst split across
 * a boundary would count half in each and never alert. The record that completes such a burst
 * raises one SECURITY_ALERT at once; its window starts at the burst's first record.
 *
 * <p>One alert per burst: after an alert, the key stays quiet until one window length after the
 * burst's first record. Records stamped in that time belong to the burst already reported and are
 * not counted; a burst that goes on raises its next alert from records after the quiet time only,
 * so a key alerts at most once per window length and a sustained attack is reported again each
 * window. A record behind the watermark is counted at the watermark (and in
 * {@code alerts_late_events}), never dropped: a stamp in the past does not hide it.
 *
 * <p>The counts per millisecond and the quiet time live in keyed state, checkpointed with the
 * chain, so a burst alerts once, also when the job restores and re-reads its input; the alert's
 * id is derived from tenant, rule, key and the burst's first event time, so a replay maps onto
 * the same row. Event-time timers drop what the watermark has put out of reach of any new record.
 *
 * <p>Its alerts go to the chainer like every audit record, so they are signed in the chain and
 * reach the SIEM topic; {@code tenant.<id>.alerts} counts them.
 */
public class SecurityDetector extends KeyedProcessFunction<String, AuditRecord, AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final DetectionRules rules;
    private final String operatorName;

    /** Event time (epoch ms) -> what the key counted at that millisecond, since its last alert's quiet time. */
    private transient MapState<Long, TimeTally> recent;
    /** After an alert: the event time before which records belong to the alerted burst. */
    private transient ValueState<Long> quietUntil;

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
        recent = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("detect-recent", Types.LONG, TypeInformation.of(TimeTally.class)));
        quietUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("detect-quiet-until", Types.LONG));
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
        long size = threshold.window().toMillis();
        long time = ctx.timestamp() != null ? ctx.timestamp() : record.eventTime;
        long watermark = ctx.timerService().currentWatermark();
        if (time <= watermark) {
            late.inc();
            time = watermark + 1;
        }
        Long quiet = quietUntil.value();
        if (quiet != null && time < quiet) {
            return;
        }
        TimeTally at = recent.get(time);
        if (at == null) {
            at = new TimeTally();
            // Once the watermark is here, no new record can share a window with this one.
            ctx.timerService().registerEventTimeTimer(time + size - 1);
        }
        at.add(new TimeTally.AuditRecordPosition(record.sourceTopic, record.sourcePartition, record.sourceOffset));
        recent.put(time, at);

        NavigableMap<Long, TimeTally> near = new TreeMap<>();
        for (Map.Entry<Long, TimeTally> e : recent.entries()) {
            if (e.getKey() > time - size && e.getKey() < time + size) {
                near.put(e.getKey(), e.getValue());
            }
        }
        // Every window holding this record starts at one of the records before it; the earliest that
        // reaches the threshold is the burst. None did before this record, so it holds exactly the threshold.
        for (long start : near.headMap(time, true).keySet()) {
            NavigableMap<Long, TimeTally> window = near.subMap(start, true, start + size, false);
            long count = window.values().stream().mapToLong(t -> t.count).sum();
            if (count >= threshold.count()) {
                out.collect(alert(rule, threshold, ctx.getCurrentKey(), record, start, window, count));
                alerts.inc();
                long quietEnd = start + size;
                quietUntil.update(quietEnd);
                ctx.timerService().registerEventTimeTimer(quietEnd - 1);
                Iterator<Long> counted = recent.keys().iterator();
                while (counted.hasNext()) {
                    if (counted.next() < quietEnd) {
                        counted.remove();
                    }
                }
                return;
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditRecord> out) throws Exception {
        long size = rules.threshold(rules.ruleOf(ctx.getCurrentKey())).window().toMillis();
        Iterator<Map.Entry<Long, TimeTally>> it = recent.iterator();
        while (it.hasNext()) {
            if (it.next().getKey() + size - 1 <= timestamp) {
                it.remove();
            }
        }
        Long quiet = quietUntil.value();
        if (quiet != null && quiet - 1 <= timestamp) {
            // Every record from now on is stamped after the watermark, so after the quiet time.
            quietUntil.clear();
        }
    }

    private AuditRecord alert(
            DetectionRule rule,
            DetectionThreshold threshold,
            String key,
            AuditRecord trigger,
            long start,
            NavigableMap<Long, TimeTally> window,
            long count) {
        AuditRecord a = audit.newRecord(AuditAction.SECURITY_ALERT, AuditOutcome.SUCCESS, operatorName, subtask);
        TimeTally first = window.firstEntry().getValue();
        TimeTally last = window.lastEntry().getValue();
        long time = window.lastKey();
        Instant respondBy = Instant.ofEpochMilli(time).plus(rules.incidentResponse());
        long end = start + threshold.window().toMillis();
        a.eventTime = time;
        a.reason = rule.configKey();
        a.rowCount = count;
        a.firstOffset = first.firstOffset;
        a.lastOffset = last.lastOffset;
        a.sourceTopic = last.lastTopic == null ? "" : last.lastTopic;
        a.sourcePartition = last.lastPartition;
        a.sourceOffset = last.lastOffset;
        a.recordKey = rule == DetectionRule.READER_BURST ? String.valueOf(trigger.principal) : "";
        a.detail = "rule " + rule.configKey() + ": " + count + " events (threshold " + threshold.count()
                + ") in window " + Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(end) + ", first "
                + first.first() + ", last " + last.last() + "; respond by " + respondBy;
        a.recordId = AuditRecord.deterministicId(audit.tenantId(), a.action, "detect", 0, start, key);
        return a;
    }
}
