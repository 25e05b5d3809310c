package io.enclave.benchmarks.jobs;

import io.enclave.operators.record.RawEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/** A bounded source of {@code count} pre-generated messages, unthrottled: both jobs compared read the same. */
public final class WorkloadSource {
    private WorkloadSource() {}

    public static DataGeneratorSource<RawEvent> of(Workload workload, long count) {
        return new DataGeneratorSource<>(new WorkloadGenerator(workload), count, TypeInformation.of(RawEvent.class));
    }

    /** As {@link #of}, its first message held at {@code round}'s {@link StartGate} as {@code runId}. */
    public static DataGeneratorSource<RawEvent> gated(Workload workload, long count, String round, String runId) {
        return new DataGeneratorSource<>(
                new WorkloadGenerator(workload, round, runId), count, TypeInformation.of(RawEvent.class));
    }
}
