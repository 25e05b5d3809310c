package io.enclave.benchmarks.jobs;

import io.enclave.operators.record.RawEvent;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/** Hands out the {@code index}-th pre-generated message: no JSON is written while a job runs. */
public final class WorkloadGenerator implements GeneratorFunction<Long, RawEvent> {
    private static final long serialVersionUID = 1L;

    private final Workload workload;

    public WorkloadGenerator(Workload workload) {
        this.workload = workload;
    }

    @Override
    public RawEvent map(Long index) {
        return workload.event(index);
    }
}
