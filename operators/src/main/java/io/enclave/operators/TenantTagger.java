package io.enclave.operators;

import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.Rejection;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.parse.ParsedEvent;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses each raw message of the tenant's topics and tags it with the job's tenant, the
 * processing time, the isolation boundary, the data owner and the classification.
 * Oversize, malformed and keyless messages go to the audit side output instead.
 */
public class TenantTagger extends ProcessFunction<RawEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final String dataOwner;
    private final Map<String, StreamKind> streamByTopic;
    private final int maxMessageBytes;
    private final OutputTag<AuditRecord> auditTag;
    private final String operatorName;

    private transient EventParser parser;
    private transient MessageDigest sha256;
    private transient TenantMetrics metrics;
    private transient int subtask;

    public TenantTagger(
            AuditContext audit,
            String dataOwner,
            Map<String, StreamKind> streamByTopic,
            int maxMessageBytes,
            OutputTag<AuditRecord> auditTag,
            String operatorName) {
        this.audit = audit;
        this.dataOwner = dataOwner;
        this.streamByTopic = Map.copyOf(streamByTopic);
        this.maxMessageBytes = maxMessageBytes;
        this.auditTag = auditTag;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) throws NoSuchAlgorithmException {
        parser = new EventParser(maxMessageBytes);
        sha256 = MessageDigest.getInstance("SHA-256");
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        metrics = TenantMetrics.rejectionsOnly(
                getRuntimeContext().getMetricGroup(),
                audit.tenantId(),
                RejectReason.MALFORMED,
                RejectReason.OVERSIZE,
                RejectReason.MISSING_KEY,
                RejectReason.KEY_TOO_LONG);
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<TenantEvent> out) {
        StreamKind stream = raw.topic == null ? null : streamByTopic.get(raw.topic);
        if (stream == null) {
            reject(raw, ctx, RejectReason.MALFORMED, "topic " + raw.topic + " is not one of the tenant's topics", null);
            return;
        }
        if (raw.payloadSize() > maxMessageBytes) {
            reject(
                    raw,
                    ctx,
                    RejectReason.OVERSIZE,
                    raw.payloadSize() + " bytes exceeds max_message_bytes " + maxMessageBytes,
                    null);
            return;
        }
        ParsedEvent parsed = parser.parse(stream, raw.payload);
        if (parsed.isFailure()) {
            reject(raw, ctx, parsed.failure(), parsed.detail(), parsed.naturalKey());
            return;
        }
        TenantEvent event = new TenantEvent();
        event.tenantId = audit.tenantId();
        event.stream = stream;
        event.naturalKey = parsed.naturalKey();
        event.claimedTenant = parsed.claimedTenant();
        event.classification = parsed.classification();
        event.states = parsed.states();
        event.processingTime = ctx.timerService().currentProcessingTime();
        event.isolationBoundary = "tenant:" + audit.tenantId();
        event.dataOwner = dataOwner;
        event.contentHash = HexFormat.of().formatHex(sha256.digest(raw.payload));
        event.sourceTopic = raw.topic;
        event.sourcePartition = raw.partition;
        event.sourceOffset = raw.offset;
        event.disaster = parsed.disaster();
        event.alert = parsed.alert();
        out.collect(event);
    }

    private void reject(RawEvent raw, Context ctx, RejectReason reason, String detail, String key) {
        metrics.rejected(reason);
        ctx.output(
                auditTag,
                Rejection.of(audit, operatorName, subtask, reason.label(), detail)
                        .source(raw.topic, raw.partition, raw.offset)
                        .recordKey(key)
                        .build(reason.label()));
    }
}
