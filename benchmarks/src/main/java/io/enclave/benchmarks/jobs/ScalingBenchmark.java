package io.enclave.benchmarks.jobs;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.MemorySize;

/**
 * Section 4: 1, 4 and 16 tenant jobs at once on one local cluster (a MiniCluster with a slot
 * per job, fresh for each count). The total input is the same for every count and split
 * evenly, so the total records/s compare directly. Memory is sampled once every job is
 * running: live heap after a full GC and resident set, each against the idle cluster, and the
 * managed memory the TaskManager has handed out, each divided by the number of jobs.
 */
public final class ScalingBenchmark {
    /** One job count's figures. */
    public record Result(
            int jobs,
            long totalRecords,
            double totalRps,
            double meanJobRps,
            double minJobRps,
            double heapPerJobMb,
            double rssPerJobMb,
            double managedPerJobMb,
            double meanStartSeconds,
            double maxStartSeconds,
            int failedJobs,
            boolean memorySampledWhileRunning) {}

    private static final MemorySize MANAGED_PER_SLOT = MemorySize.ofMebiBytes(64);

    private final long totalRecords;
    private final PrintStream log;

    public ScalingBenchmark(long totalRecords, PrintStream log) {
        this.totalRecords = totalRecords;
        this.log = log;
    }

    public List<Result> run(int... jobCounts) throws Exception {
        int max = 0;
        for (int n : jobCounts) {
            max = Math.max(max, n);
        }
        EnclaveConfig config = BenchTenants.generate(
                "scale",
                max + 1,
                BenchTenants.Processing.discarding(),
                "localhost:9092",
                "jdbc:mysql://localhost:3306/");
        List<TenantConfig> tenants = new ArrayList<>(config.tenants());
        List<Workload> workloads = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            workloads.add(Workload.generate(tenants.get(i), tenants.get(i + 1).id(), 4096, 0.06, 20260803L + i, false));
        }
        // Warm the JIT on one job first, so the single-job figure is not the cold one.
        try (BenchCluster cluster = new BenchCluster(1, MANAGED_PER_SLOT)) {
            long warm = Math.max(10_000, totalRecords / 5);
            String runId = UUID.randomUUID().toString();
            cluster.awaitSuccess(
                    cluster.submit(GeneratedJobs.tenantPipeline(tenants.get(0), workloads.get(0), warm, runId)),
                    Duration.ofMinutes(5));
            SinkClock.clear(runId);
        }
        List<Result> results = new ArrayList<>();
        for (int n : jobCounts) {
            Result r = runJobs(n, tenants, workloads);
            log.printf(
                    "  %2d jobs: total %,.0f rec/s, per job %,.0f rec/s, heap %.1f MB/job, RSS %.1f MB/job,"
                            + " managed %.1f MB/job, start %.2f s mean / %.2f s max, failed %d%n",
                    r.jobs(),
                    r.totalRps(),
                    r.meanJobRps(),
                    r.heapPerJobMb(),
                    r.rssPerJobMb(),
                    r.managedPerJobMb(),
                    r.meanStartSeconds(),
                    r.maxStartSeconds(),
                    r.failedJobs());
            results.add(r);
        }
        return results;
    }

    private Result runJobs(int n, List<TenantConfig> tenants, List<Workload> workloads) throws Exception {
        long perJob = totalRecords / n;
        try (BenchCluster cluster = new BenchCluster(n, MANAGED_PER_SLOT)) {
            long idleHeap = BenchCluster.liveHeapBytes();
            long idleRss = BenchCluster.residentBytes();
            long idleManaged = cluster.managedMemoryUsedBytes();

            List<String> runIds = new ArrayList<>();
            List<JobID> ids = new ArrayList<>();
            long[] submitted = new long[n];
            String round = UUID.randomUUID().toString();
            StartGate.open(round, n);
            for (int i = 0; i < n; i++) {
                String runId = UUID.randomUUID().toString();
                runIds.add(runId);
                submitted[i] = System.nanoTime();
                ids.add(cluster.submit(GeneratedJobs.tenantPipeline(
                        tenants.get(i), WorkloadSource.gated(workloads.get(i), perJob, round, runId), runId)));
            }
            // Sample memory as soon as every job runs, while all of them still do.
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!allRunning(cluster, ids) && System.nanoTime() < deadline && !anyFinished(cluster, ids)) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            boolean sampledWhileRunning = allRunning(cluster, ids);
            long heap = BenchCluster.liveHeapBytes();
            long rss = BenchCluster.residentBytes();
            long managed = cluster.managedMemoryUsedBytes();

            int failed = 0;
            for (JobID id : ids) {
                try {
                    cluster.awaitSuccess(id, Duration.ofMinutes(10));
                } catch (Exception e) {
                    failed++;
                    log.println("  job failed: " + e);
                }
            }
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            double sumRps = 0;
            double minRps = Double.MAX_VALUE;
            double sumStart = 0;
            double maxStart = 0;
            for (int i = 0; i < n; i++) {
                SinkClock.Window w = SinkClock.window(runIds.get(i));
                SinkClock.clear(runIds.get(i));
                if (w == null) {
                    failed++;
                    continue;
                }
                first = Math.min(first, w.firstNanos());
                last = Math.max(last, w.lastNanos());
                double rps = perJob / w.seconds();
                sumRps += rps;
                minRps = Math.min(minRps, rps);
                // Start: submission until the job's source was running and ready for its first message.
                Long arrived = StartGate.arrivedNanos(round, runIds.get(i));
                double start = ((arrived != null ? arrived : w.firstNanos()) - submitted[i]) / 1e9;
                sumStart += start;
                maxStart = Math.max(maxStart, start);
            }
            StartGate.close(round);
            double mb = 1024.0 * 1024.0;
            return new Result(
                    n,
                    perJob * n,
                    perJob * (double) n / ((last - first) / 1e9),
                    sumRps / n,
                    minRps,
                    (heap - idleHeap) / mb / n,
                    (rss - idleRss) / mb / n,
                    managed < 0 || idleManaged < 0 ? -1 : (managed - idleManaged) / mb / n,
                    sumStart / n,
                    maxStart,
                    failed,
                    sampledWhileRunning);
        }
    }

    private static boolean allRunning(BenchCluster cluster, List<JobID> ids) throws Exception {
        for (JobID id : ids) {
            if (cluster.status(id) != JobStatus.RUNNING) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyFinished(BenchCluster cluster, List<JobID> ids) throws Exception {
        for (JobID id : ids) {
            if (cluster.status(id).isGloballyTerminalState()) {
                return true;
            }
        }
        return false;
    }
}
