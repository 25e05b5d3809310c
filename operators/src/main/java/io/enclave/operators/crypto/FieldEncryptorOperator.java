package io.enclave.operators.crypto;

import io.enclave.operators.record.TenantEvent;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link FieldEncryptor} and emits its key-use summary on the audit side output just
 * before each checkpoint barrier, so the summary belongs to the same checkpoint as the values it
 * counts: after a failure both are replayed together, and none is lost. A plain ProcessFunction
 * cannot emit there, and a non-keyed one has no timers.
 */
public final class FieldEncryptorOperator extends ProcessOperator<TenantEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;
    private static final long END_OF_INPUT = -1;

    public FieldEncryptorOperator(FieldEncryptor encryptor) {
        super(encryptor);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emitSummary(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        emitSummary(END_OF_INPUT);
        super.finish();
    }

    private void emitSummary(long checkpointId) {
        FieldEncryptor encryptor = (FieldEncryptor) getUserFunction();
        encryptor
                .keyUseSummary(checkpointId)
                .ifPresent(summary -> output.collect(encryptor.auditTag(), new StreamRecord<>(summary)));
    }
}
