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
    /** The reason of a quarantine's first record, submitted before any step. */
    public static final String STARTED = "started";
    /** The reason of a quarantine's last record, submitted once every step succeeded: the one that closes alerts. */
    public static final String COMPLETED = "completed";
    /** The reason of a release's last record. */
    public static final String RELEASED = "released";

    private ChainQuarantine() {}

    /** The record that started the quarantine in force, if one is. */
    public static Optional<AuditRecord> inForce(List<AuditRecord> trusted) {
        AuditRecord started = null;
        for (AuditRecord r : trusted) {
            if (r.outcome != AuditOutcome.SUCCESS || r.submitter == null || r.submitter.isEmpty()) {
                continue;
            }
            if (r.action == AuditAction.QUARANTINE && STARTED.equals(r.reason)) {
                started = r;
            } else if (r.action == AuditAction.RELEASE && RELEASED.equals(r.reason)) {
                started = null;
            }
        }
        return Optional.ofNullable(started);
    }

    /**
     * Why the quarantine in force is incomplete, if it is: started, then cut short before every step succeeded. The
     * record beside the key store decides when there is one (it has {@code completed} once every step succeeded);
     * otherwise the chain does (a {@code completed} record after the {@code started} one in force). An incomplete
     * quarantine contains the tenant only partly, and closes no alert.
     */
    public static Optional<String> incomplete(Optional<QuarantineState> recorded, List<AuditRecord> trusted) {
        if (recorded.isPresent()) {
            QuarantineState q = recorded.get();
            return q.completed == null
                    ? Optional.of("recorded since " + q.since + " (" + q.reason + ") with " + q.steps.size()
                            + " steps taken and no completion")
                    : Optional.empty();
        }
        Optional<AuditRecord> started = inForce(trusted);
        if (started.isEmpty()) {
            return Optional.empty();
        }
        boolean completed = trusted.stream()
                .anyMatch(r -> r.sequence > started.get().sequence
                        && r.action == AuditAction.QUARANTINE
                        && r.outcome == AuditOutcome.SUCCESS
                        && r.submitter != null
                        && !r.submitter.isEmpty()
                        && COMPLETED.equals(r.reason));
        return completed
                ? Optional.empty()
                : Optional.of("started at chain sequence " + started.get().sequence + " and never completed");
    }
}
