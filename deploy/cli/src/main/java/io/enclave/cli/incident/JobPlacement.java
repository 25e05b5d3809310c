package io.enclave.cli.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.config.TenantConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where a tenant's job runs: planned from its config ({@code dedicated_processing} gives it a
 * Flink cluster of its own, every other tenant shares one), as {@code plan} prints it, and
 * observed over the clusters' REST APIs (the job, its state and the TaskManagers its tasks were
 * deployed to), as {@code status} prints it. A dedicated tenant's job found on the shared cluster
 * is said to be there, loudly: its processing is then not its own.
 */
public final class JobPlacement {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI shared;
    private final Map<String, URI> dedicated;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param shared REST address of the cluster tenants without {@code dedicated_processing} share
     * @param dedicated REST address of each dedicated tenant's own cluster, by tenant id (those known)
     * @param timeout how long one REST call may take
     */
    public JobPlacement(URI shared, Map<String, URI> dedicated, Duration timeout) {
        this.shared = shared;
        this.dedicated = Map.copyOf(dedicated);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Whether the tenant's job must run on a cluster of its own. */
    public static boolean dedicated(TenantConfig tenant) {
        return tenant.securityEnhancements().dedicatedProcessing();
    }

    /** The planned placement, one line, for {@code plan}'s "runs on". */
    public static String planned(TenantConfig tenant) {
        return dedicated(tenant)
                ? "a Flink cluster of its own (dedicated_processing): in the demo a MiniCluster no other tenant's job is"
                        + " submitted to; on deploy/local the JobManager and TaskManager `flink-cluster.sh start --tenant "
                        + tenant.id() + "` starts, to which submit.sh sends its job only; rendered, its own"
                        + " FlinkDeployment on dedicated nodes"
                : "the shared Flink cluster (the demo's, deploy/local's); rendered, its own FlinkDeployment";
    }

    /** The tenant's job as one cluster's REST API reports it. */
    public record Observed(URI cluster, String jobId, String state, List<String> taskManagers) {}

    /** The cluster the tenant's job belongs on, if its address is known. */
    public Optional<URI> clusterOf(TenantConfig tenant) {
        return dedicated(tenant) ? Optional.ofNullable(dedicated.get(tenant.id())) : Optional.of(shared);
    }

    /** {@code status}'s lines on where the tenant's job runs; never throws for an unreachable cluster. */
    public List<String> describe(TenantConfig tenant) {
        String jobName = tenant.names().jobName();
        List<String> lines = new ArrayList<>();
        Optional<URI> home = clusterOf(tenant);
        String kind = dedicated(tenant) ? "its own cluster (dedicated_processing)" : "the shared cluster";
        if (home.isEmpty()) {
            lines.add("  runs on: its own cluster (dedicated_processing), address not given; pass --flink-of "
                    + tenant.id() + "=URL to see it");
        } else {
            try {
                Optional<Observed> seen = observe(home.get(), jobName);
                lines.add(seen.map(o -> "  runs on: " + kind + " " + o.cluster() + ", job " + o.jobId() + " "
                                + o.state() + ", TaskManager"
                                + (o.taskManagers().size() == 1 ? " " : "s ")
                                + (o.taskManagers().isEmpty() ? "(none yet)" : String.join(", ", o.taskManagers())))
                        .orElse("  runs on: " + kind + " " + home.get() + ", no running job " + jobName));
            } catch (IOException e) {
                lines.add(
                        "  runs on: unknown, " + kind + " " + home.get() + " did not answer (" + e.getMessage() + ")");
            }
        }
        if (dedicated(tenant) && !home.map(shared::equals).orElse(false)) {
            try {
                observe(shared, jobName)
                        .ifPresent(o -> lines.add("  WARNING: job " + o.jobId() + " of this dedicated tenant runs on"
                                + " the shared cluster " + shared + ", TaskManagers "
                                + String.join(", ", o.taskManagers())));
            } catch (IOException unreachable) {
                // Nothing to say about a cluster that is not there.
            }
        }
        return lines;
    }

    /**
     * The cluster's job named {@code jobName} that has not finished, failed or been cancelled, with
     * the TaskManager ids every vertex's subtasks were deployed to.
     */
    public Optional<Observed> observe(URI cluster, String jobName) throws IOException {
        for (JsonNode job : get(cluster, "/jobs/overview").path("jobs")) {
            String state = job.path("state").asText();
            if (!jobName.equals(job.path("name").asText())
                    || List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
                continue;
            }
            String id = job.path("jid").asText();
            TreeSet<String> taskManagers = new TreeSet<>();
            for (JsonNode vertex : get(cluster, "/jobs/" + id).path("vertices")) {
                String path = "/jobs/" + id + "/vertices/" + vertex.path("id").asText() + "/taskmanagers";
                for (JsonNode tm : get(cluster, path).path("taskmanagers")) {
                    taskManagers.add(tm.path("taskmanager-id").asText());
                }
            }
            return Optional.of(new Observed(cluster, id, state, List.copyOf(taskManagers)));
        }
        return Optional.empty();
    }

    private JsonNode get(URI cluster, String path) throws IOException {
        URI uri = URI.create(cluster.toString().replaceAll("/+$", "") + path);
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("GET " + path + " answered " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw e.getMessage() == null ? new IOException(e.getClass().getSimpleName(), e) : e;
        }
    }
}
