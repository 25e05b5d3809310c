package io.enclave.operators.audit;

import org.apache.flink.api.java.functions.KeySelector;

/** Keys the audit stream by tenant: a chain is per tenant, so its state is too. */
public final class AuditTenantKey implements KeySelector<AuditRecord, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(AuditRecord record) {
        return record.tenantId;
    }
}
