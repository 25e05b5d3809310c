package io.enclave.operators.audit;

import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.auditContext;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shared shape of a refusal: every operator's rejection fills the same columns the same way. */
class RejectionTest {

    @Test
    void aRejectionNamesWhoRefusedWhatAndWhereItCameFrom() {
        AuditRecord r = Rejection.of(auditContext(), "guard[" + TENANT + "]", 2, "state_not_allowed", "state 'TX'")
                .source("tenant_" + TENANT + "_disasters", 1, 42)
                .recordKey("DR-4000-TX")
                .classification("PUBLIC")
                .build("state_not_allowed");

        assertThat(r.action).isEqualTo(AuditAction.RECORD_REJECTED);
        assertThat(r.outcome).isEqualTo(AuditOutcome.DENIED);
        assertThat(r.tenantId).isEqualTo(TENANT);
        assertThat(r.operator).isEqualTo("guard[" + TENANT + "]");
        assertThat(r.subtask).isEqualTo(2);
        assertThat(r.reason).isEqualTo("state_not_allowed");
        assertThat(r.detail).isEqualTo("state 'TX'");
        assertThat(r.sourceTopic).isEqualTo("tenant_" + TENANT + "_disasters");
        assertThat(r.sourcePartition).isEqualTo(1);
        assertThat(r.sourceOffset).isEqualTo(42);
        assertThat(r.recordKey).isEqualTo("DR-4000-TX");
        assertThat(r.classification).isEqualTo("PUBLIC");
        assertThat(r.recordId)
                .isEqualTo(AuditRecord.deterministicId(
                        TENANT,
                        AuditAction.RECORD_REJECTED,
                        "tenant_" + TENANT + "_disasters",
                        1,
                        42,
                        "state_not_allowed"));
    }

    @Test
    void theSameInputRefusedForTheSameReasonKeepsItsIdAndAnotherReasonGetsItsOwn() {
        AuditRecord first = Rejection.of(auditContext(), "op", 0, "r", "d")
                .source("t", 0, 7)
                .build("r");
        AuditRecord replay = Rejection.of(auditContext(), "op", 0, "r", "d")
                .source("t", 0, 7)
                .build("r");
        AuditRecord other = Rejection.of(auditContext(), "op", 0, "r", "d")
                .source("t", 0, 7)
                .build("other");

        assertThat(replay.recordId).isEqualTo(first.recordId);
        assertThat(other.recordId).isNotEqualTo(first.recordId);
    }

    @Test
    void missingKeyClassificationAndTopicBecomeEmptyColumnsNotNulls() {
        AuditRecord r = Rejection.of(auditContext(), "op", 0, "r", "d")
                .source(null, 0, -1)
                .recordKey(null)
                .classification(null)
                .build("r");

        assertThat(r.sourceTopic).isEmpty();
        assertThat(r.recordKey).isEmpty();
        assertThat(r.classification).isEmpty();
    }
}
