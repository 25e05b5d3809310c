package io.enclave.operators;

import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.Rejection;
import io.enclave.operators.record.TenantEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The sink layer's own tenant check, placed right before the JDBC sinks: an event whose owner
 * is not this job's tenant is dropped and audited as {@code cross_tenant}, instead of reaching
 * the row binder, which would refuse it by failing the job. Such an event can only come from a
 * bug upstream (the tagger always stamps the job's tenant), so this is defence in depth; the
 * binder's {@code CrossTenantWriteException} stays as the last line.
 */
public class SinkGuard extends ProcessFunction<TenantEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final OutputTag<AuditRecord> auditTag;
    private final String operatorName;

    private transient TenantMetrics metrics;
    private transient int subtask;

    public SinkGuard(AuditContext audit, OutputTag<AuditRecord> auditTag, String operatorName) {
        this.audit = audit;
        this.auditTag = auditTag;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) {
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        metrics = TenantMetrics.rejectionsOnly(
                getRuntimeContext().getMetricGroup(), audit.tenantId(), RejectReason.CROSS_TENANT);
    }

    @Override
    public void processElement(TenantEvent event, Context ctx, Collector<TenantEvent> out) {
        boolean ours = audit.tenantId().equals(event.tenantId)
                && (event.claimedTenant == null || audit.tenantId().equals(event.claimedTenant));
        if (ours) {
            out.collect(event);
            return;
        }
        metrics.rejected(RejectReason.CROSS_TENANT);
        String reason = RejectReason.CROSS_TENANT.label();
        // Names the other tenant only by id, which is config, never a payload value.
        String detail =
                "row owned by tenant '" + event.tenantId + "' reached the sink of tenant '" + audit.tenantId() + "'";
        ctx.output(
                auditTag,
                Rejection.of(audit, operatorName, subtask, reason, detail)
                        .source(event.sourceTopic, event.sourcePartition, event.sourceOffset)
                        .recordKey(event.naturalKey)
                        .classification(event.classification)
                        .build("sink_guard|" + reason));
    }
}
