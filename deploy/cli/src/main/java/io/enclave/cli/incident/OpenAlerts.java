package io.enclave.cli.incident;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's open alerts, from its chain as the SIEM topic holds it ({@link TrustedSiemRecords}: verified records
 * only): every SECURITY_ALERT not yet closed. An alert is closed by a record chained after it that names it, and
 * only so: an acknowledgement ({@code enclave ack}, an ALERT_ACKNOWLEDGED record whose key is
 * {@link #ackKey the alert's}) or a quarantine that completed (its {@link ChainQuarantine#COMPLETED} record, written
 * once every step succeeded) and whose reason names it ({@link #reference}, or its id). A quarantine for another
 * reason, or one cut short by a failed step, leaves it open. Each alert has the deadline the detector wrote into it
 * ({@code respond by <instant>}).
 */
public final class OpenAlerts {
    private static final Pattern RESPOND_BY = Pattern.compile("respond by (\\S+)$");
    private static final Pattern NAMED_BY_SEQUENCE = Pattern.compile("\\balert #([0-9]{1,18})(?![0-9])");

    private OpenAlerts() {}

    /** One open alert: where it is in the chain, its id, its rule, what it says, and by when it must be answered. */
    public record Alert(long sequence, String id, String rule, String detail, Instant respondBy) {
        /** {@code in 12m} or {@code overdue by 3m}, seen from {@code now}. */
        public String due(Instant now) {
            Duration left = Duration.between(now, respondBy);
            return left.isNegative() ? "OVERDUE by " + minutes(left.negated()) : "due in " + minutes(left);
        }

        /** Whether its deadline has passed at {@code now}. */
        public boolean overdue(Instant now) {
            return !now.isBefore(respondBy);
        }

        /** How an ack or a quarantine reason names it: {@code alert #<sequence>}. */
        public String reference() {
            return OpenAlerts.reference(sequence);
        }

        private static String minutes(Duration d) {
            return d.toMinutes() + "m";
        }
    }

    /** How a person, an ack or a quarantine reason names the alert chained at {@code sequence}. */
    public static String reference(long sequence) {
        return "alert #" + sequence;
    }

    /** The record key of the ALERT_ACKNOWLEDGED record that closes the alert with record id {@code alertId}. */
    public static String ackKey(String alertId) {
        return "alert/" + alertId;
    }

    /** Every alert among {@code trusted} (verified, one per sequence), closed or not, oldest first. */
    public static List<Alert> raised(List<AuditRecord> trusted) {
        List<Alert> alerts = new ArrayList<>();
        for (AuditRecord r : trusted) {
            if (r.action != AuditAction.SECURITY_ALERT) {
                continue;
            }
            Matcher m = RESPOND_BY.matcher(r.detail == null ? "" : r.detail);
            Instant respondBy = m.find() ? Instant.parse(m.group(1)) : Instant.ofEpochMilli(r.eventTime);
            alerts.add(new Alert(r.sequence, r.recordId, r.reason, r.detail, respondBy));
        }
        return alerts;
    }

    /** The open alerts among {@code trusted} (verified, one per sequence, in chain order), oldest first. */
    public static List<Alert> of(List<AuditRecord> trusted) {
        return raised(trusted).stream()
                .filter(a -> trusted.stream().noneMatch(r -> closes(r, a)))
                .toList();
    }

    /**
     * Whether {@code r} closes {@code alert}: chained after it, a successful acknowledgement, or the completion
     * record of a quarantine, that a command submitted (so a submitter signed it) and that names this alert.
     */
    static boolean closes(AuditRecord r, Alert alert) {
        if (r.sequence <= alert.sequence()
                || r.outcome != AuditOutcome.SUCCESS
                || r.submitter == null
                || r.submitter.isEmpty()) {
            return false;
        }
        if (r.action == AuditAction.ALERT_ACKNOWLEDGED) {
            return ackKey(alert.id()).equals(r.recordKey);
        }
        if (r.action == AuditAction.QUARANTINE && ChainQuarantine.COMPLETED.equals(r.reason)) {
            String detail = r.detail == null ? "" : r.detail;
            if (alert.id() != null && !alert.id().isEmpty() && detail.contains(alert.id())) {
                return true;
            }
            Matcher m = NAMED_BY_SEQUENCE.matcher(detail);
            while (m.find()) {
                if (Long.parseLong(m.group(1)) == alert.sequence()) {
                    return true;
                }
            }
        }
        return false;
    }
}
