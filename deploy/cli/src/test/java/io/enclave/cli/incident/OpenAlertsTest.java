package io.enclave.cli.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAlertsTest {
    private static final Instant DEADLINE = Instant.parse("2026-12-02T15:00:00Z");

    private static AuditRecord record(long sequence, AuditAction action, String reason, String detail) {
        AuditRecord r = new AuditRecord();
        r.sequence = sequence;
        r.action = action;
        r.reason = reason;
        r.detail = detail;
        return r;
    }

    private static AuditRecord alert(long sequence, String rule) {
        return record(
                sequence,
                AuditAction.SECURITY_ALERT,
                rule,
                "rule " + rule + ": 5 events (threshold 5) in window a/b, first t-0@1, last t-0@5; respond by "
                        + DEADLINE);
    }

    @Test
    void anAlertIsOpenUntilAQuarantineIsChainedAfterIt() {
        List<AuditRecord> chain = List.of(
                alert(3, "cross_tenant_claims"),
                record(4, AuditAction.QUARANTINE, "started", "quarantine started"),
                alert(7, "reader_burst"),
                // The SIEM copy is at-least-once: a record may come twice.
                alert(7, "reader_burst"),
                record(8, AuditAction.CHECKPOINT, "", ""));

        assertThat(OpenAlerts.of(chain)).singleElement().satisfies(a -> {
            assertThat(a.sequence()).isEqualTo(7);
            assertThat(a.rule()).isEqualTo("reader_burst");
            assertThat(a.respondBy()).isEqualTo(DEADLINE);
        });
    }

    @Test
    void theDeadlineIsShownAsDueOrOverdue() {
        OpenAlerts.Alert alert =
                OpenAlerts.of(List.of(alert(1, "malformed_input"))).get(0);

        assertThat(alert.due(DEADLINE.minusSeconds(12 * 60))).isEqualTo("due in 12m");
        assertThat(alert.due(DEADLINE.plusSeconds(3 * 60))).isEqualTo("OVERDUE by 3m");
    }
}
