package io.enclave.operators.crypto;

import io.enclave.config.EncryptedField;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.TenantEvent;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Encrypts the tenant's configured fields of every accepted record before it reaches a sink:
 * AES-256-GCM (or AES-256-GCM-SIV for deterministic fields) under per-column HKDF subkeys of the
 * tenant's current data key, bound to tenant, table, column and the record's natural key. Its
 * key use is audited once per checkpoint by {@link FieldEncryptorOperator}, never per record.
 * Counts {@code tenant.<id>.fields_encrypted}.
 */
public class FieldEncryptor extends ProcessFunction<TenantEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final List<EncryptedField> fields;
    private final KeyProviderFactory keys;
    private final OutputTag<AuditRecord> auditTag;
    private final String operatorName;
    private final String keyRef;

    private transient KeyProvider provider;
    private transient EventEncryptor encryptor;
    private transient Counter fieldsEncrypted;
    private transient int subtask;
    /** Checkpoint ids start again at 1 in a job submitted without state; the job id keeps the summaries' ids apart. */
    private transient String job;

    /**
     * @param keyRef the tenant's key reference, named in the key-use audit records
     */
    public FieldEncryptor(
            AuditContext audit,
            List<EncryptedField> fields,
            KeyProviderFactory keys,
            String keyRef,
            OutputTag<AuditRecord> auditTag,
            String operatorName) {
        this.audit = audit;
        this.fields = List.copyOf(fields);
        this.keys = keys;
        this.keyRef = keyRef;
        this.auditTag = auditTag;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) {
        provider = keys.open();
        // Each subtask draws its own nonce prefix once; no SecureRandom call per value.
        FieldCrypto crypto = new FieldCrypto(provider, audit.tenantId(), new NonceSequence(new SecureRandom()));
        encryptor = new EventEncryptor(crypto, fields);
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        job = getRuntimeContext().getJobInfo().getJobId().toHexString();
        fieldsEncrypted = getRuntimeContext()
                .getMetricGroup()
                .addGroup("tenant", audit.tenantId())
                .counter("fields_encrypted");
    }

    @Override
    public void processElement(TenantEvent event, Context ctx, Collector<TenantEvent> out) {
        int n = encryptor.encrypt(event);
        if (n > 0) {
            fieldsEncrypted.inc(n);
        }
        out.collect(event);
    }

    OutputTag<AuditRecord> auditTag() {
        return auditTag;
    }

    /**
     * The key-use record of the values encrypted since the previous one, or nothing when there
     * were none (an idle tenant does not fill its audit log with empty summaries).
     *
     * @param checkpointId the checkpoint the summary belongs to, or -1 at end of input
     */
    public Optional<AuditRecord> keyUseSummary(long checkpointId) {
        if (encryptor == null) {
            return Optional.empty(); // open() failed; the task is being torn down
        }
        Map<String, Long> counts = encryptor.takeCounts();
        if (counts.isEmpty()) {
            return Optional.empty();
        }
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        String when = checkpointId < 0 ? "end of input" : "checkpoint " + checkpointId;
        AuditRecord r = audit.newRecord(AuditAction.KEY_USE, AuditOutcome.SUCCESS, operatorName, subtask);
        r.detail = when + ": key " + keyRef + " version " + encryptor.keyVersion() + " encrypted " + total
                + " values ("
                + counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", ")) + ")";
        // Same checkpoint, same id: a summary re-emitted for a checkpoint after a restore overwrites its row.
        r.recordId = AuditRecord.deterministicId(
                audit.tenantId(),
                AuditAction.KEY_USE,
                operatorName,
                subtask,
                checkpointId,
                job + "|k" + encryptor.keyVersion());
        return Optional.of(r);
    }

    @Override
    public void close() {
        if (provider != null) {
            provider.close();
        }
    }
}
