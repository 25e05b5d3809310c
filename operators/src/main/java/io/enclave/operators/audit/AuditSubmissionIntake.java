package io.enclave.operators.audit;

import io.enclave.operators.crypto.KeyProviderFactory;
import io.enclave.operators.record.RawEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets records made outside the job into its audit chain: each line of the tenant's audit topic
 * is checked against the tenant's audit key and passed on as the record it signs; a line that
 * is malformed, unsigned, forged or another tenant's becomes a RECORD_REJECTED record naming
 * its topic, partition and offset, so an attempt to inject into the trail is itself in it.
 */
public class AuditSubmissionIntake extends ProcessFunction<RawEvent, AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final KeyProviderFactory keys;
    private final String operatorName;

    private transient AuditChain chain;
    private transient Counter accepted;
    private transient Counter refused;
    private transient int subtask;

    public AuditSubmissionIntake(AuditContext audit, KeyProviderFactory keys, String operatorName) {
        this.audit = audit;
        this.keys = keys;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        chain = AuditChain.open(keys, audit.tenantId(), operatorName);
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        var metrics = getRuntimeContext().getMetricGroup().addGroup("tenant", audit.tenantId());
        accepted = metrics.counter("audit_submissions_accepted");
        refused = metrics.counter("audit_submissions_refused");
    }

    @Override
    public void processElement(RawEvent line, Context ctx, Collector<AuditRecord> out) {
        AuditRecord record;
        try {
            record = AuditSubmission.decode(line.payload, chain);
        } catch (AuditSubmission.RefusedException e) {
            refused.inc();
            out.collect(rejection(line, e.reason(), e.getMessage()));
            return;
        }
        if (!audit.tenantId().equals(record.tenantId)) {
            refused.inc();
            out.collect(rejection(line, AuditSubmission.FOREIGN_TENANT, "the signed record names another tenant"));
            return;
        }
        accepted.inc();
        out.collect(record);
    }

    private AuditRecord rejection(RawEvent line, String reason, String why) {
        return Rejection.of(audit, operatorName, subtask, reason, "audit submission refused: " + why)
                .source(line.topic, line.partition, line.offset)
                .build(reason);
    }
}
