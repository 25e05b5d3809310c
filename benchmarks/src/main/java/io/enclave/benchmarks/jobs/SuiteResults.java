package io.enclave.benchmarks.jobs;

import io.enclave.benchmarks.steps.StepBenchmarks;
import java.time.Instant;
import java.util.List;

/** Everything one suite run measured; sections not run are null. */
public record SuiteResults(
        Instant startedAt,
        Machine machine,
        String loadAtStart,
        String loadAtEnd,
        double durationSeconds,
        String command,
        List<StepBenchmarks.Score> steps,
        double stepMessageBytes,
        ThroughputBenchmark.Result throughput,
        EndToEndBenchmark.Result endToEnd,
        List<ScalingBenchmark.Result> scaling,
        NoisyNeighbourBenchmark.Result noisy) {

    /** Targets of issue 8. */
    public static final double CHAIN_MAX_RATIO = 2.5;

    public static final double THROUGHPUT_MIN_RATIO = 0.6;
    public static final double E2E_MIN_ROWS = 20_000;
    /** The tenant job's rows/s end to end at least this share of the plain Kafka → JDBC job's (issue 19). */
    public static final double E2E_MIN_RATIO = 0.9;

    public static final double SCALING_MIN_RATIO = 0.8;

    /** Targets of issue 21: A's p99 under B's flood over A's p99 alone; B's produce rate off its quota. */
    public static final double NOISY_MAX_P99_RATIO = 1.5;

    public static final double NOISY_MAX_QUOTA_DEVIATION = 0.10;

    public StepBenchmarks.Score step(String benchmark, String backend) {
        if (steps == null) {
            return null;
        }
        for (StepBenchmarks.Score s : steps) {
            if (s.benchmark().equals(benchmark) && java.util.Objects.equals(s.stateBackend(), backend)) {
                return s;
            }
        }
        return null;
    }

    /** Total throughput of {@code jobs} jobs over that of one job, or NaN. */
    public double scalingRatio(int jobs) {
        if (scaling == null) {
            return Double.NaN;
        }
        double one = Double.NaN;
        double n = Double.NaN;
        for (ScalingBenchmark.Result r : scaling) {
            if (r.jobs() == 1) {
                one = r.totalRps();
            }
            if (r.jobs() == jobs) {
                n = r.totalRps();
            }
        }
        return n / one;
    }
}
