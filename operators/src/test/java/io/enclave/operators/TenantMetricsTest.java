package io.enclave.operators;

import static io.enclave.operators.Fixtures.AUDIT;
import static io.enclave.operators.Fixtures.DATA_OWNER;
import static io.enclave.operators.Fixtures.DISASTERS_TOPIC;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.TOPICS;
import static io.enclave.operators.Fixtures.bytes;
import static io.enclave.operators.Fixtures.disasterEvent;
import static io.enclave.operators.Fixtures.fema;
import static io.enclave.operators.Fixtures.raw;
import static io.enclave.operators.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.Classification;
import io.enclave.config.DataRestrictions;
import io.enclave.config.StateScope;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.testutils.MetricListener;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantMetricsTest {

    @Test
    void countersLiveUnderTheTenantGroup() {
        MetricListener listener = new MetricListener();
        TenantMetrics metrics = TenantMetrics.acceptedAndRejections(
                listener.getMetricGroup(), TENANT, RejectReason.MALFORMED, RejectReason.OVERSIZE);

        metrics.accepted();
        metrics.accepted();
        metrics.rejected(RejectReason.MALFORMED);

        assertThat(listener.getCounter("tenant", TENANT, "accepted"))
                .get()
                .extracting(Counter::getCount)
                .isEqualTo(2L);
        assertThat(listener.getCounter("tenant", TENANT, "rejected", "malformed"))
                .get()
                .extracting(Counter::getCount)
                .isEqualTo(1L);
        assertThat(listener.getCounter("tenant", TENANT, "rejected", "oversize"))
                .get()
                .extracting(Counter::getCount)
                .isEqualTo(0L);
    }

    @Test
    void onlyTheReasonsAnOperatorCanDecideGetACounter() {
        MetricListener listener = new MetricListener();
        TenantMetrics metrics = TenantMetrics.rejectionsOnly(listener.getMetricGroup(), TENANT, RejectReason.DUPLICATE);

        metrics.rejected(RejectReason.CROSS_TENANT);

        assertThat(listener.getCounter("tenant", TENANT, "rejected", "cross_tenant"))
                .isEmpty();
        assertThat(listener.getCounter("tenant", TENANT, "accepted"))
                .as("a refusing-only operator")
                .isEmpty();
        assertThat(listener.getCounter("tenant", TENANT, "rejected", "duplicate"))
                .get()
                .extracting(Counter::getCount)
                .isEqualTo(0L);
    }

    // ---- the operators' counters, registered in a real task metric group ----

    private final Map<String, Metric> registered = new ConcurrentHashMap<>();
    private TestingMetricRegistry registry;
    private MockEnvironment environment;

    @BeforeEach
    void realMetricGroup() {
        registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> registered.put(group.getMetricIdentifier(name), metric))
                .build();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(
                        registry, "localhost", ResourceID.generate())
                .addJob(new JobID(), Fixtures.JOB)
                .addTask(ExecutionAttemptID.randomId(), "operators");
        environment = new MockEnvironmentBuilder()
                .setTaskName("operators")
                .setMetricGroup(task)
                .build();
    }

    @AfterEach
    void closeEnvironment() throws Exception {
        environment.close();
    }

    private long count(String suffix) {
        List<String> matches =
                registered.keySet().stream().filter(id -> id.endsWith(suffix)).toList();
        assertThat(matches)
                .as("metrics ending in %s among %s", suffix, registered.keySet())
                .hasSize(1);
        return ((Counter) registered.get(matches.get(0))).getCount();
    }

    @Test
    void taggerCountsEachRejectionByReason() throws Exception {
        TenantTagger tagger = new TenantTagger(Fixtures.auditContext(), DATA_OWNER, TOPICS, 200, AUDIT, "tagger");
        try (OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(tagger), environment)) {
            harness.open();
            harness.processElement(raw(DISASTERS_TOPIC, 0, 1L, utf8("{")), 1L);
            harness.processElement(raw(DISASTERS_TOPIC, 0, 2L, utf8("[]")), 1L);
            harness.processElement(raw(DISASTERS_TOPIC, 0, 3L, bytes(fema("CO"))), 1L);
            harness.processElement(raw(DISASTERS_TOPIC, 0, 4L, utf8("{\"state\":\"CO\"}")), 1L);
            harness.processElement(raw(DISASTERS_TOPIC, 0, 5L, utf8("{\"id\":\"ok\"}")), 1L);

            assertThat(count("tenant." + TENANT + ".rejected.malformed")).isEqualTo(2L);
            assertThat(count("tenant." + TENANT + ".rejected.oversize")).isEqualTo(1L);
            assertThat(count("tenant." + TENANT + ".rejected.missing_key")).isEqualTo(1L);
        }
    }

    @Test
    void guardCountsAcceptedAndEachRejectionByReason() throws Exception {
        TenantGuard guard = new TenantGuard(
                Fixtures.auditContext(),
                new DataRestrictions(StateScope.of(List.of("CO")), EnumSet.of(Classification.PUBLIC)),
                Duration.ofHours(1),
                AUDIT,
                "guard");
        try (KeyedOneInputStreamOperatorTestHarness<String, TenantEvent, TenantEvent> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(guard), new TenantRecordKey(), Types.STRING, environment)) {
            harness.open();
            TenantEvent cross = disasterEvent("k0", "CO", "0");
            cross.claimedTenant = Fixtures.OTHER_TENANT;
            TenantEvent internal = disasterEvent("k3", "CO", "3");
            internal.classification = "INTERNAL";
            TenantEvent unknown = disasterEvent("k4", "CO", "4");
            unknown.classification = "secret";
            for (TenantEvent e : List.of(
                    cross,
                    disasterEvent("k1", "CO", "1"),
                    disasterEvent("k1", "CO", "1"),
                    disasterEvent("k2", "WY", "2"),
                    internal,
                    unknown,
                    disasterEvent("k5", "CO", "5"))) {
                harness.processElement(e, 1L);
            }

            assertThat(count("tenant." + TENANT + ".accepted")).isEqualTo(2L);
            assertThat(count("tenant." + TENANT + ".rejected.cross_tenant")).isEqualTo(1L);
            assertThat(count("tenant." + TENANT + ".rejected.duplicate")).isEqualTo(1L);
            assertThat(count("tenant." + TENANT + ".rejected.state_not_allowed"))
                    .isEqualTo(1L);
            assertThat(count("tenant." + TENANT + ".rejected.classification_not_allowed"))
                    .isEqualTo(1L);
            assertThat(count("tenant." + TENANT + ".rejected.unknown_classification"))
                    .isEqualTo(1L);
        }
    }
}
