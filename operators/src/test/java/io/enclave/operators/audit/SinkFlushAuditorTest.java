package io.enclave.operators.audit;

import static io.enclave.operators.Fixtures.AUDIT;
import static io.enclave.operators.Fixtures.DISASTERS_TOPIC;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.auditContext;
import static io.enclave.operators.Fixtures.disasterEvent;
import static io.enclave.operators.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.enclave.operators.record.TenantEvent;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pass-through before a sink: every row passes, and each checkpoint flush is summarised per partition. */
class SinkFlushAuditorTest {
    private OneInputStreamOperatorTestHarness<TenantEvent, TenantEvent> harness;

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static TenantEvent row(int partition, long offset) {
        TenantEvent e = disasterEvent("k" + partition + "-" + offset, "CO", "c" + offset);
        e.sourcePartition = partition;
        e.sourceOffset = offset;
        return e;
    }

    @Test
    void summarisesRowsPerPartitionAtEachCheckpointAndPassesThemThrough() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new SinkFlushAuditor(auditContext(), "disaster_declarations", AUDIT, "flush[" + TENANT + "]"));
        harness.open();
        harness.processElement(row(1, 7), 1L);
        harness.processElement(row(0, 12), 1L);
        harness.processElement(row(0, 10), 1L);

        harness.prepareSnapshotPreBarrier(5);

        assertThat(harness.extractOutputValues()).hasSize(3);
        List<AuditRecord> audit = values(harness.getSideOutput(AUDIT));
        assertThat(audit)
                .extracting(
                        r -> r.action,
                        r -> r.sinkTable,
                        r -> r.sourceTopic,
                        r -> r.sourcePartition,
                        r -> r.rowCount,
                        r -> r.firstOffset,
                        r -> r.lastOffset,
                        r -> r.checkpointId)
                .containsExactly(
                        tuple(AuditAction.SINK_FLUSH, "disaster_declarations", DISASTERS_TOPIC, 0, 2L, 10L, 12L, 5L),
                        tuple(AuditAction.SINK_FLUSH, "disaster_declarations", DISASTERS_TOPIC, 1, 1L, 7L, 7L, 5L));
        assertThat(audit.get(0).detail)
                .isEqualTo("2 rows to disaster_declarations from tenant_colorado_state_disasters-0 offsets 10..12");
        assertThat(audit).extracting(r -> r.recordId).doesNotHaveDuplicates().doesNotContainNull();

        harness.prepareSnapshotPreBarrier(6);
        assertThat(values(harness.getSideOutput(AUDIT)))
                .as("no rows, no summary")
                .hasSize(2);

        harness.processElement(row(0, 13), 1L);
        harness.prepareSnapshotPreBarrier(7);
        assertThat(values(harness.getSideOutput(AUDIT)))
                .last()
                .satisfies(r ->
                        assertThat(r.firstOffset).as("a new span per flush").isEqualTo(13L));
    }

    @Test
    void summarisesTheRowsSinceTheLastCheckpointWhenInputEnds() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(
                new SinkFlushAuditor(auditContext(), "disaster_declarations", AUDIT, "flush[" + TENANT + "]"));
        harness.open();
        harness.processElement(row(0, 1), 1L);
        harness.prepareSnapshotPreBarrier(3);
        harness.processElement(row(0, 2), 1L);
        harness.processElement(row(0, 3), 1L);

        harness.getOneInputOperator().finish();

        assertThat(values(harness.getSideOutput(AUDIT)))
                .extracting(r -> r.rowCount, r -> r.firstOffset, r -> r.lastOffset, r -> r.checkpointId)
                .containsExactly(tuple(1L, 1L, 1L, 3L), tuple(2L, 2L, 3L, 0L));
    }
}
