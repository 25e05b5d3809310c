package io.enclave.operators;

import static io.enclave.operators.Fixtures.disasterEvent;
import static io.enclave.operators.Fixtures.values;
import static io.enclave.operators.Fixtures.weatherEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.operators.record.TenantEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class StreamRouterTest {
    private static final OutputTag<TenantEvent> WEATHER =
            new OutputTag<>("weather", TypeInformation.of(TenantEvent.class));

    @Test
    void declarationsStayOnTheMainOutputAndAlertsGoToTheWeatherSideOutput() throws Exception {
        try (OneInputStreamOperatorTestHarness<TenantEvent, TenantEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new StreamRouter(WEATHER))) {
            harness.processElement(disasterEvent("fema-1", "CO", "a"), 1L);
            harness.processElement(weatherEvent("nws-1", "b", "CO"), 2L);
            harness.processElement(disasterEvent("fema-2", "CO", "c"), 3L);
            harness.processElement(weatherEvent("nws-2", "d"), 4L);

            assertThat(harness.extractOutputValues())
                    .extracting(e -> e.naturalKey)
                    .containsExactly("fema-1", "fema-2");
            assertThat(values(harness.getSideOutput(WEATHER)))
                    .extracting(e -> e.naturalKey)
                    .containsExactly("nws-1", "nws-2");
        }
    }

    @Test
    void nothingIsDroppedOrDuplicated() throws Exception {
        try (OneInputStreamOperatorTestHarness<TenantEvent, TenantEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new StreamRouter(WEATHER))) {
            for (int i = 0; i < 50; i++) {
                harness.processElement(
                        i % 3 == 0 ? weatherEvent("w" + i, "x" + i, "CO") : disasterEvent("d" + i, "CO", "x" + i), i);
            }

            assertThat(harness.extractOutputValues()).hasSize(33).allMatch(e -> e.naturalKey.startsWith("d"));
            assertThat(values(harness.getSideOutput(WEATHER))).hasSize(17).allMatch(e -> e.naturalKey.startsWith("w"));
        }
    }
}
