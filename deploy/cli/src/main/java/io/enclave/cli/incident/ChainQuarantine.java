package io.enclave.cli.incident;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import java.util.List;
import java.util.Optional;

/**
 * Whether a tenant's chain, as the SIEM topic holds it (verified records), says it is quarantined: a quarantine
 * started (its first record, {@code reason started}) and no release finished after it ({@code reason released}).
 * {@code respond} asks this besides the quarantine record beside the key store, so that a second host running it,
 * or one whose disk lost the record, does not contain a tenant that is contained already.
 */
public final class ChainQuarantine {
    private ChainQuarantine() {}

    /** The record that started the quarantine in force, if one is. */
    public static Optional<AuditRecord> inForce(List<AuditRecord> trusted) {
        AuditRecord started = null;
        for (AuditRecord r : trusted) {
            if (r.outcome != AuditOutcome.SUCCESS || r.submitter == null || r.submitter.isEmpty()) {
                continue;
            }
            if (r.action == AuditAction.QUARANTINE && "started".equals(r.reason)) {
                started = r;
            } else if (r.action == AuditAction.RELEASE && "released".equals(r.reason)) {
                started = null;
            }
        }
        return Optional.ofNullable(started);
    }
}
