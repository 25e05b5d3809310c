package io.enclave.benchmarks.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.FileUtils;

/**
 * One local Flink cluster for a benchmark section: a MiniCluster in this JVM with one
 * TaskManager and a slot per job (each tenant job runs at parallelism 1 in one shared slot),
 * managed memory per slot as the demo sizes it, and its REST endpoint on a free port, so
 * memory is read from the same metrics the web UI shows.
 */
public final class BenchCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MiniCluster cluster;
    private final String restAddress;
    private final Path checkpoints;

    public BenchCluster(int slots, MemorySize managedPerSlot) throws Exception {
        Configuration conf = new Configuration();
        // As flink-conf/config.yaml does for a real cluster: without a checkpoint directory, Flink keeps
        // checkpoints in the JobManager's memory, limited to 5 MB, which the guard's dedup state of a few
        // hundred thousand keys outgrows, so every checkpoint would fail.
        checkpoints = Files.createTempDirectory("enclave-bench-checkpoints-");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(RestOptions.PORT, 0);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        // The web UI's metrics are refreshed every 10 s by default; a memory sample needs them now.
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, new MemorySize(managedPerSlot.getBytes() * slots));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        restAddress = cluster.getRestAddress().get().toString();
    }

    public JobID submit(StreamGraph graph) throws Exception {
        return cluster.submitJob(graph).get().getJobID();
    }

    /** Waits for a bounded job to finish and fails loudly if it did not succeed. */
    public void awaitSuccess(JobID job, Duration timeout) throws Exception {
        JobResult result = cluster.requestJobResult(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!result.isSuccess()) {
            Throwable cause = result.getSerializedThrowable()
                    .map(t -> (Throwable) t.deserializeError(getClass().getClassLoader()))
                    .orElse(new IllegalStateException("no cause"));
            throw new IllegalStateException("job " + job + " ended " + result.getApplicationStatus(), cause);
        }
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get();
    }

    public void cancel(JobID job) throws Exception {
        cluster.cancelJob(job).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!status(job).isGloballyTerminalState() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /**
     * Managed memory the TaskManager has handed out (RocksDB reserves its slot's share), from
     * the REST metrics {@code Status.Flink.Memory.Managed.Used}; -1 if they cannot be read.
     */
    public long managedMemoryUsedBytes() {
        try {
            JsonNode tms = getWhenReady("/taskmanagers");
            String id = tms.get("taskmanagers").get(0).get("id").asText();
            String path = "/taskmanagers/" + id + "/metrics?get=Status.Flink.Memory.Managed.Used";
            get(path); // the first request starts a fetch; the next one, after an update interval, sees it
            for (int attempt = 0; attempt < 20; attempt++) {
                Thread.sleep(500);
                JsonNode metrics = get(path);
                if (metrics.isArray() && metrics.size() > 0) {
                    return metrics.get(0).get("value").asLong();
                }
            }
        } catch (Exception e) {
            System.err.println("  managed memory metric not readable: " + e);
        }
        return -1;
    }

    /** The REST endpoint answers 503 until its leader is known, for a moment after the cluster starts. */
    private JsonNode getWhenReady(String path) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return get(path);
            } catch (IOException e) {
                if (attempt >= 40) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    private JsonNode get(String path) throws IOException {
        HttpURLConnection c =
                (HttpURLConnection) URI.create(restAddress + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
            return JSON.readTree(in);
        } finally {
            c.disconnect();
        }
    }

    /** Heap in use after a full collection: what live objects take, not garbage awaiting collection. */
    public static long liveHeapBytes() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set of this process (heap, RocksDB's native memory, network buffers, code), from /proc. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            FileUtils.deleteDirectoryQuietly(checkpoints.toFile());
        }
    }
}
