package io.enclave.operators;

import static io.enclave.operators.Fixtures.AUDIT;
import static io.enclave.operators.Fixtures.OTHER_TENANT;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.disasterEvent;
import static io.enclave.operators.Fixtures.values;
import static io.enclave.operators.Fixtures.weatherEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.TenantEvent;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The sink guard passes the job's own rows and drops, with an audit record, any other tenant's. */
class SinkGuardTest {
    private static final String OPERATOR = "sink_guard[" + TENANT + "]";

    private static OneInputStreamOperatorTestHarness<TenantEvent, TenantEvent> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(new SinkGuard(Fixtures.auditContext(), AUDIT, OPERATOR));
    }

    @Test
    void ownRowsPassUnchanged() throws Exception {
        try (var harness = harness()) {
            harness.processElement(disasterEvent("fema-1", "CO", "a"), 1L);
            harness.processElement(weatherEvent("nws-1", "b", "CO"), 2L);

            assertThat(harness.extractOutputValues())
                    .extracting(e -> e.naturalKey)
                    .containsExactly("fema-1", "nws-1");
            assertThat(values(harness.getSideOutput(AUDIT))).isEmpty();
        }
    }

    @Test
    void anotherTenantsRowIsDroppedAndAudited() throws Exception {
        TenantEvent foreign = disasterEvent("fema-of-kansas", "KS", "k");
        foreign.tenantId = OTHER_TENANT;
        foreign.sourceTopic = "tenant_kansas_emergency_disasters";
        foreign.sourceOffset = 17;
        TenantEvent claimsOther = disasterEvent("fema-claims-kansas", "CO", "c");
        claimsOther.claimedTenant = OTHER_TENANT;

        try (var harness = harness()) {
            harness.processElement(foreign, 1L);
            harness.processElement(claimsOther, 2L);
            harness.processElement(disasterEvent("fema-own", "CO", "o"), 3L);

            assertThat(harness.extractOutputValues())
                    .extracting(e -> e.naturalKey)
                    .containsExactly("fema-own");
            assertThat(values(harness.getSideOutput(AUDIT)))
                    .extracting(
                            r -> r.tenantId,
                            r -> r.action,
                            r -> r.outcome,
                            r -> r.reason,
                            r -> r.operator,
                            r -> r.recordKey)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    TENANT,
                                    AuditAction.RECORD_REJECTED,
                                    AuditOutcome.DENIED,
                                    "cross_tenant",
                                    OPERATOR,
                                    "fema-of-kansas"),
                            org.assertj.core.groups.Tuple.tuple(
                                    TENANT,
                                    AuditAction.RECORD_REJECTED,
                                    AuditOutcome.DENIED,
                                    "cross_tenant",
                                    OPERATOR,
                                    "fema-claims-kansas"));
            AuditRecord first = values(harness.getSideOutput(AUDIT)).get(0);
            assertThat(first.detail).contains(OTHER_TENANT).doesNotContain("KS");
            assertThat(first.recordId).hasSize(32);
        }
    }
}
