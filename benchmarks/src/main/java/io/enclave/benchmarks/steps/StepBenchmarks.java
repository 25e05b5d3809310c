package io.enclave.benchmarks.steps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the per-step JMH benchmarks from the suite and returns ns/record per step. */
public final class StepBenchmarks {
    /** One benchmark's score: mean ns per record and its 99.9 % error. */
    public record Score(String benchmark, String stateBackend, double nsPerRecord, double error) {
        public String label() {
            return stateBackend == null ? benchmark : benchmark + " (" + stateBackend + ")";
        }
    }

    private StepBenchmarks() {}

    /** Mean size of the messages the per-step benchmarks read. */
    public static double meanMessageBytes() {
        return new StepFixture().workload.meanPayloadBytes();
    }

    /**
     * Forked JMH runs of {@link ParseBaselineBenchmark} and {@link TenantChainBenchmark}; the
     * forks get {@code jvmArgs} (Flink's --add-opens) and the suite's classpath.
     */
    public static List<Score> run(
            int warmupIterations, int measureIterations, int iterationSeconds, int forks, List<String> jvmArgs)
            throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(ParseBaselineBenchmark.class.getName())
                .include(TenantChainBenchmark.class.getName())
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.seconds(iterationSeconds))
                .measurementIterations(measureIterations)
                .measurementTime(TimeValue.seconds(iterationSeconds))
                .forks(forks)
                .shouldFailOnError(true)
                // jvmArgs, not jvmArgsAppend: forks would otherwise inherit this JVM's own options (heap, JFR).
                .jvmArgs(jvmArgs.toArray(String[]::new));
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            String backend = r.getParams().getParamsKeys().contains("stateBackend")
                    ? r.getParams().getParam("stateBackend")
                    : null;
            scores.add(new Score(
                    name,
                    backend,
                    r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError()));
        }
        scores.sort((a, b) -> a.label().compareTo(b.label()));
        return scores;
    }
}
