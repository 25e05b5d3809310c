package io.enclave.operators.audit;

import io.enclave.operators.record.RawEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets records made outside the job into its audit chain: each line of the tenant's audit topic
 * is checked against the tenant's public trust (each submitter signs with a key of its own role)
 * and passed on as the record it signs; a line that is malformed, unsigned, forged or another
 * tenant's becomes a RECORD_REJECTED record naming its topic, partition and offset, so an
 * attempt to inject into the trail is itself in it. Replays are caught by the chainer, which
 * holds the submission ids in keyed state.
 */
public class AuditSubmissionIntake extends ProcessFunction<RawEvent, AuditRecord> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final AuditTrust.Source trustSource;
    private final String operatorName;

    /** How often at most the trust file is read again for a line that does not verify under the one held. */
    static final long RELOAD_INTERVAL_MS = 10_000;

    private transient AuditTrust trust;
    private transient long reloadedAt;
    private transient Counter accepted;
    private transient Counter refused;
    private transient int subtask;

    public AuditSubmissionIntake(AuditContext audit, AuditTrust.Source trust, String operatorName) {
        this.audit = audit;
        this.trustSource = trust;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        trust = trustSource.load();
        if (!audit.tenantId().equals(trust.tenantId())) {
            throw new IllegalStateException(operatorName + " was given the audit trust of another tenant");
        }
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        var metrics = getRuntimeContext().getMetricGroup().addGroup("tenant", audit.tenantId());
        accepted = metrics.counter("audit_submissions_accepted");
        refused = metrics.counter("audit_submissions_refused");
    }

    @Override
    public void processElement(RawEvent line, Context ctx, Collector<AuditRecord> out) {
        AuditRecord record;
        try {
            record = decode(line.payload);
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

    /** Decodes a line; a key the trust does not hold yet makes it read the trust file again (a rotation). */
    private AuditRecord decode(byte[] payload) throws AuditSubmission.RefusedException {
        try {
            return AuditSubmission.decode(payload, trust);
        } catch (AuditSubmission.RefusedException e) {
            long now = System.currentTimeMillis();
            // At most one reread per interval, so a flood of forged lines cannot turn into a flood of file reads.
            if (!AuditSubmission.FORGED.equals(e.reason()) || now - reloadedAt < RELOAD_INTERVAL_MS) {
                throw e;
            }
            reloadedAt = now;
            AuditTrust reloaded = trustSource.load();
            // Any change counts, not only a new key: a key whose public key was replaced must be seen as replaced.
            if (content(reloaded).equals(content(trust))) {
                throw e;
            }
            trust = reloaded;
            return AuditSubmission.decode(payload, trust);
        }
    }

    /** What of a trust file decides a signature: each key's id, role, public key and predecessor. */
    private static java.util.List<String> content(AuditTrust trust) {
        return trust.keys().stream()
                .map(k -> k.keyId() + " " + k.role() + " " + k.fingerprint() + " " + k.previous())
                .toList();
    }

    private AuditRecord rejection(RawEvent line, String reason, String why) {
        return Rejection.of(audit, operatorName, subtask, reason, "audit submission refused: " + why)
                .source(line.topic, line.partition, line.offset)
                .build(reason);
    }
}
