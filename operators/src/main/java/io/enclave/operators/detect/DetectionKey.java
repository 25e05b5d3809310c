package io.enclave.operators.detect;

import io.enclave.operators.audit.AuditRecord;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys matching audit records by rule (and principal, for reader bursts), so each rule counts in its own state. */
public final class DetectionKey implements KeySelector<AuditRecord, String> {
    private static final long serialVersionUID = 1L;

    private final DetectionRules rules;

    public DetectionKey(DetectionRules rules) {
        this.rules = rules;
    }

    @Override
    public String getKey(AuditRecord record) {
        return rules.key(record);
    }
}
