package io.enclave.jobs;

import io.enclave.operators.audit.DayAnchor;
import io.enclave.sinks.schema.AuditAnchor;
import org.apache.flink.api.common.functions.MapFunction;

/** A day anchor the chainer cut, as the audit_anchor row it is stored as, naming the job that wrote it. */
final class DayAnchorRow implements MapFunction<DayAnchor, AuditAnchor> {
    private static final long serialVersionUID = 1L;
    private final String jobName;

    DayAnchorRow(String jobName) {
        this.jobName = jobName;
    }

    @Override
    public AuditAnchor map(DayAnchor anchor) {
        return AuditAnchor.of(anchor, jobName);
    }
}
