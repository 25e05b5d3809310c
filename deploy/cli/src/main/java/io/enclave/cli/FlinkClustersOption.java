package io.enclave.cli;

import io.enclave.cli.incident.JobPlacement;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The Flink clusters {@code status} asks where each tenant's job runs: the shared one every tenant
 * without {@code dedicated_processing} is submitted to, and each dedicated tenant's own.
 */
final class FlinkClustersOption {
    @Option(
            names = "--flink",
            paramLabel = "URL",
            defaultValue = "${env:ENCLAVE_FLINK_REST:-http://localhost:8081}",
            description = "REST address of the shared cluster's JobManager (default: $ENCLAVE_FLINK_REST, else"
                    + " ${DEFAULT-VALUE}).")
    URI shared;

    @Option(
            names = "--flink-of",
            paramLabel = "ID=URL",
            description = "REST address of a dedicated tenant's own cluster (deploy/local: `flink-cluster.sh status"
                    + " --tenant ID` prints it); repeatable.")
    Map<String, URI> dedicated = new LinkedHashMap<>();

    JobPlacement placement(Duration timeout) {
        return new JobPlacement(shared, dedicated, timeout);
    }
}
