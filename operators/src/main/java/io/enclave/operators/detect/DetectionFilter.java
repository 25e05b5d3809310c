package io.enclave.operators.detect;

import io.enclave.operators.audit.AuditRecord;
import org.apache.flink.api.common.functions.FilterFunction;

/** Lets through only the audit records a detection rule counts, so the rest never cross the detector's keyBy. */
public final class DetectionFilter implements FilterFunction<AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final DetectionRules rules;

    public DetectionFilter(DetectionRules rules) {
        this.rules = rules;
    }

    @Override
    public boolean filter(AuditRecord record) {
        return rules.match(record).isPresent();
    }
}
