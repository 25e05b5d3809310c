package io.enclave.cli.incident;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's open alerts, from its chain as the SIEM topic holds it: every SECURITY_ALERT not
 * yet answered by a containment, that is, with no QUARANTINE record chained after it. Each with
 * its deadline, which the detector wrote into the alert ({@code respond by <instant>}).
 */
public final class OpenAlerts {
    private static final Pattern RESPOND_BY = Pattern.compile("respond by (\\S+)$");

    private OpenAlerts() {}

    /** One open alert: its rule, what it says, and by when it must be answered. */
    public record Alert(long sequence, String rule, String detail, Instant respondBy) {
        /** {@code in 12m} or {@code overdue by 3m}, seen from {@code now}. */
        public String due(Instant now) {
            Duration left = Duration.between(now, respondBy);
            return left.isNegative() ? "OVERDUE by " + minutes(left.negated()) : "due in " + minutes(left);
        }

        private static String minutes(Duration d) {
            return d.toMinutes() + "m";
        }
    }

    /** The open alerts among {@code chained} (in any order, duplicates allowed), oldest first. */
    public static List<Alert> of(List<AuditRecord> chained) {
        Map<Long, AuditRecord> bySequence = new LinkedHashMap<>();
        chained.forEach(r -> bySequence.putIfAbsent(r.sequence, r));
        long lastContainment = bySequence.values().stream()
                .filter(r -> r.action == AuditAction.QUARANTINE)
                .mapToLong(r -> r.sequence)
                .max()
                .orElse(0);
        List<Alert> open = new ArrayList<>();
        for (AuditRecord r : bySequence.values()) {
            if (r.action != AuditAction.SECURITY_ALERT || r.sequence < lastContainment) {
                continue;
            }
            Matcher m = RESPOND_BY.matcher(r.detail == null ? "" : r.detail);
            Instant respondBy = m.find() ? Instant.parse(m.group(1)) : Instant.ofEpochMilli(r.eventTime);
            open.add(new Alert(r.sequence, r.reason, r.detail, respondBy));
        }
        open.sort(Comparator.comparingLong(Alert::sequence));
        return open;
    }
}
