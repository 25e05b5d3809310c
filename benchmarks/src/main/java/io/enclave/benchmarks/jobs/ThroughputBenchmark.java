package io.enclave.benchmarks.jobs;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantPipeline;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Section 2: the pass-through job against the tenant's full pipeline on one MiniCluster, same
 * generated input (the demo's mix: two thirds FEMA, one third NWS, 6 % built to be refused),
 * same discarding sink, same job settings. The tenant pipeline runs twice: encrypting three
 * fields a record, as section 1 measures the chain, and with a CONFIDENTIAL tenant's default
 * fields (four FEMA, five NWS), so the cost of encrypting more shows beside it. A fourth job is
 * the same three-field pipeline with the encryptor where it was before issue 14, after the keyed
 * guard, so the cost of encrypting before the keyBy (ciphertext, not plaintext, crosses the
 * shuffle) is measured in the same run. Each job first runs once to warm the JIT, then the four
 * alternate for {@code rounds}, and the median of each is reported.
 */
public final class ThroughputBenchmark {
    private static final TenantPipeline.EncryptionPlacement AFTER_GUARD =
            TenantPipeline.EncryptionPlacement.AFTER_GUARD;

    /** Records/s of each job, median over the rounds, and every round's figure. */
    public record Result(
            long records,
            double passThrough,
            double tenant,
            double confidential,
            double encryptAfterGuard,
            List<Double> passThroughRounds,
            List<Double> tenantRounds,
            List<Double> confidentialRounds,
            List<Double> encryptAfterGuardRounds) {
        /** The tenant pipeline (three fields encrypted) over pass-through: the section's target. */
        public double ratio() {
            return tenant / passThrough;
        }

        public double confidentialRatio() {
            return confidential / passThrough;
        }

        /** Encrypting before the keyBy over encrypting after the guard: below 1 is what the move costs. */
        public double placementRatio() {
            return tenant / encryptAfterGuard;
        }
    }

    private final long records;
    private final int rounds;
    private final PrintStream log;

    public ThroughputBenchmark(long records, int rounds, PrintStream log) {
        this.records = records;
        this.rounds = rounds;
        this.log = log;
    }

    public Result run() throws Exception {
        EnclaveConfig config = BenchTenants.generate(
                "tput", 2, BenchTenants.Processing.discarding(), "localhost:9092", "jdbc:mysql://localhost:3306/");
        TenantConfig tenant = config.tenant("tput_00");
        // The same tenant id, so the same topics, workload and keys, with the level's default fields.
        TenantConfig confidential = BenchTenants.generate(
                        "tput",
                        2,
                        BenchTenants.Processing.discarding().with(BenchTenants.Encryption.CONFIDENTIAL_DEFAULTS),
                        "localhost:9092",
                        "jdbc:mysql://localhost:3306/")
                .tenant("tput_00");
        Workload workload = Workload.generate(tenant, "tput_01", 4096, 0.06, 20260802L, false);
        log.printf("  workload: %d keys, mean message %.0f bytes%n", workload.keys(), workload.meanPayloadBytes());
        try (BenchCluster cluster = new BenchCluster(4, MemorySize.ofMebiBytes(64))) {
            long warm = Math.max(10_000, records / 5);
            runOnce(cluster, warm, id -> GeneratedJobs.passThrough(tenant, workload, warm, id));
            runOnce(cluster, warm, id -> GeneratedJobs.tenantPipeline(tenant, workload, warm, id));
            runOnce(cluster, warm, id -> GeneratedJobs.tenantPipeline(confidential, workload, warm, id));
            runOnce(cluster, warm, id -> GeneratedJobs.tenantPipeline(tenant, workload, warm, AFTER_GUARD, id));
            List<Double> pass = new ArrayList<>();
            List<Double> full = new ArrayList<>();
            List<Double> more = new ArrayList<>();
            List<Double> after = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                pass.add(runOnce(cluster, records, id -> GeneratedJobs.passThrough(tenant, workload, records, id)));
                full.add(runOnce(cluster, records, id -> GeneratedJobs.tenantPipeline(tenant, workload, records, id)));
                more.add(runOnce(
                        cluster, records, id -> GeneratedJobs.tenantPipeline(confidential, workload, records, id)));
                after.add(runOnce(
                        cluster,
                        records,
                        id -> GeneratedJobs.tenantPipeline(tenant, workload, records, AFTER_GUARD, id)));
                log.printf(
                        "  round %d: pass-through %,.0f rec/s, tenant pipeline %,.0f rec/s (CONFIDENTIAL %,.0f;"
                                + " encrypting after the guard %,.0f)%n",
                        r + 1, pass.get(r), full.get(r), more.get(r), after.get(r));
            }
            Result result = new Result(
                    records, median(pass), median(full), median(more), median(after), pass, full, more, after);
            log.printf("  encrypting before the keyBy / after the guard: %.2f×%n", result.placementRatio());
            return result;
        }
    }

    /** Builds a job for a run id. */
    private interface JobFactory {
        StreamGraph build(String runId);
    }

    private static double runOnce(BenchCluster cluster, long records, JobFactory job) throws Exception {
        String runId = UUID.randomUUID().toString();
        JobID id = cluster.submit(job.build(runId));
        cluster.awaitSuccess(id, Duration.ofMinutes(10));
        SinkClock.Window w = SinkClock.window(runId);
        SinkClock.clear(runId);
        if (w == null) {
            throw new IllegalStateException("no sink of run " + runId + " saw a record");
        }
        return records / w.seconds();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
