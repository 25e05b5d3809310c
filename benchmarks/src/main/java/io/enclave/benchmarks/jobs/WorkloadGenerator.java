package io.enclave.benchmarks.jobs;

import io.enclave.operators.record.RawEvent;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Hands out the {@code index}-th pre-generated message: no JSON is written while a job runs.
 * With a {@link StartGate} round, the first message waits until every job of the round is ready.
 */
public final class WorkloadGenerator implements GeneratorFunction<Long, RawEvent> {
    private static final long serialVersionUID = 1L;

    private final Workload workload;
    private final String round;
    private final String runId;
    private transient boolean started;

    public WorkloadGenerator(Workload workload) {
        this(workload, null, null);
    }

    /** A generator whose job waits at {@code round}'s {@link StartGate} as {@code runId}. */
    public WorkloadGenerator(Workload workload, String round, String runId) {
        this.workload = workload;
        this.round = round;
        this.runId = runId;
    }

    @Override
    public RawEvent map(Long index) {
        if (!started) {
            started = true;
            if (round != null) {
                StartGate.arrive(round, runId);
            }
        }
        return workload.event(index);
    }
}
