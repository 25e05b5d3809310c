package io.enclave.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.cli.incident.JobPlacement;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;

/**
 * {@code dedicated_processing: true} in the demo: the example's dedicated tenant (federal_dhs)
 * gets a Flink cluster of its own, and its tasks run on a TaskManager that runs no other
 * tenant's task, as the clusters' REST APIs report it.
 */
class DemoClustersITCase {
    private static final Path EXAMPLES = Path.of("..", "..", "tenant-config", "examples", "tenants.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aDedicatedTenantsTasksRunOnATaskManagerNoOtherTenantsTaskRunsOn() throws Exception {
        EnclaveConfig config = TenantConfigLoader.load(EXAMPLES);
        TenantConfig dedicated = config.tenant("federal_dhs");
        TenantConfig shared = config.tenant("colorado_state");
        assertThat(dedicated.securityEnhancements().dedicatedProcessing()).isTrue();
        assertThat(shared.securityEnhancements().dedicatedProcessing()).isFalse();

        try (DemoClusters clusters = DemoClusters.plan(List.of(shared, dedicated), 0)) {
            for (MiniCluster cluster : clusters.all()) {
                cluster.start();
            }
            Map<TenantConfig, JobID> jobs = new LinkedHashMap<>();
            for (TenantConfig tenant : List.of(shared, dedicated)) {
                jobs.put(
                        tenant,
                        clusters.of(tenant).submitJob(idle(tenant)).get().getJobID());
            }

            Set<String> sharedTaskManagers = taskManagersOf(clusters.of(shared), jobs.get(shared));
            Set<String> dedicatedTaskManagers = taskManagersOf(clusters.of(dedicated), jobs.get(dedicated));
            assertThat(dedicatedTaskManagers).isNotEmpty().doesNotContainAnyElementsOf(sharedTaskManagers);
            // The dedicated tenant's TaskManager runs its job only: the other tenant's job is not even on its cluster.
            assertThat(jobNames(clusters.of(dedicated)))
                    .containsExactly(dedicated.names().jobName());
            assertThat(jobNames(clusters.of(shared)))
                    .containsExactly(shared.names().jobName());
            assertThat(clusters.name(clusters.of(dedicated))).isEqualTo("dedicated to federal_dhs");

            // What `enclave status` prints: each tenant's job on its own cluster, with the TaskManagers REST reports.
            URI sharedUri = DemoClusters.webUi(clusters.of(shared));
            URI dedicatedUri = DemoClusters.webUi(clusters.of(dedicated));
            JobPlacement placement =
                    new JobPlacement(sharedUri, Map.of(dedicated.id(), dedicatedUri), Duration.ofSeconds(10));
            assertThat(placement.describe(shared))
                    .containsExactly("  runs on: the shared cluster " + sharedUri + ", job " + jobs.get(shared)
                            + " RUNNING, TaskManager " + String.join(", ", sharedTaskManagers));
            assertThat(placement.describe(dedicated))
                    .containsExactly("  runs on: its own cluster (dedicated_processing) " + dedicatedUri + ", job "
                            + jobs.get(dedicated) + " RUNNING, TaskManager "
                            + String.join(", ", dedicatedTaskManagers));
            // A dedicated tenant whose cluster is not named is not looked for on the shared one as if it were its own.
            assertThat(new JobPlacement(sharedUri, Map.of(), Duration.ofSeconds(10)).describe(dedicated))
                    .containsExactly("  runs on: its own cluster (dedicated_processing), address not given; pass"
                            + " --flink-of federal_dhs=URL to see it");
            // The dedicated tenant's job found on the shared cluster is called out.
            assertThat(new JobPlacement(dedicatedUri, Map.of(dedicated.id(), sharedUri), Duration.ofSeconds(10))
                            .describe(dedicated))
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("  WARNING: job " + jobs.get(dedicated)
                                    + " of this dedicated tenant runs on the shared cluster " + dedicatedUri));
        }
    }

    /** A job named as the tenant's, at its parallelism, that idles until cancelled. */
    private static StreamGraph idle(TenantConfig tenant) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSequence(0, Long.MAX_VALUE)
                .setParallelism(tenant.processing().parallelism())
                .map(new Idle())
                .setParallelism(tenant.processing().parallelism())
                .sinkTo(new DiscardingSink<>())
                .setParallelism(tenant.processing().parallelism());
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(tenant.names().jobName());
        return graph;
    }

    /** Slow enough to leave the loaded test machine alone. */
    private static final class Idle implements MapFunction<Long, Long> {
        @Override
        public Long map(Long value) throws InterruptedException {
            Thread.sleep(200);
            return value;
        }
    }

    /** The TaskManager ids the REST API gives for every vertex of the job, once all its tasks run. */
    private static Set<String> taskManagersOf(MiniCluster cluster, JobID job) throws Exception {
        URI base = DemoClusters.webUi(cluster);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            JsonNode details = get(base, "/jobs/" + job);
            boolean running = details.path("state").asText().equals("RUNNING");
            Set<String> ids = new HashSet<>();
            for (JsonNode vertex : details.path("vertices")) {
                running &= vertex.path("status").asText().equals("RUNNING");
                for (JsonNode tm : get(
                                base,
                                "/jobs/" + job + "/vertices/"
                                        + vertex.path("id").asText() + "/taskmanagers")
                        .path("taskmanagers")) {
                    ids.add(tm.path("taskmanager-id").asText());
                }
            }
            if (running && !ids.isEmpty()) {
                return ids;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " not running after 120 s: " + details);
            }
            Thread.sleep(500);
        }
    }

    private static List<String> jobNames(MiniCluster cluster) throws Exception {
        return java.util.stream.StreamSupport.stream(
                        get(DemoClusters.webUi(cluster), "/jobs/overview")
                                .path("jobs")
                                .spliterator(),
                        false)
                .map(j -> j.path("name").asText())
                .toList();
    }

    private static JsonNode get(URI base, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
