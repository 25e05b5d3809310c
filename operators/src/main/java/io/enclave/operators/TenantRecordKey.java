package io.enclave.operators;

import io.enclave.operators.record.TenantEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys events by tenant, stream and natural key. Never by tenant alone: every record of a
 * tenant would then land on one subtask.
 */
public class TenantRecordKey implements KeySelector<TenantEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(TenantEvent event) {
        return event.tenantId + '|' + event.stream.topicSuffix() + '|' + event.naturalKey;
    }
}
