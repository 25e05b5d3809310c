package io.enclave.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import picocli.CommandLine.Option;

/**
 * Where the tenant's Flink cluster is: its JobManager's REST address (what the web UI and
 * {@code flink run} talk to), where savepoints go, and the job jar a job is resubmitted with.
 */
final class FlinkRestOption {
    @Option(
            names = "--flink",
            paramLabel = "URL",
            defaultValue = "${env:ENCLAVE_FLINK_REST:-http://localhost:8081}",
            description = "The JobManager's REST address (default: $ENCLAVE_FLINK_REST, else ${DEFAULT-VALUE}).")
    URI rest;

    @Option(
            names = "--savepoint-dir",
            paramLabel = "DIR",
            description = "Where the stopped jobs' savepoints go, as the JobManager sees it (default: the job's"
                    + " state.savepoints.dir).")
    String savepointDirectory;

    @Option(
            names = "--job-jar",
            paramLabel = "FILE",
            description = "The lean job jar (enclave-jobs.jar) to resubmit a job with, as `flink run` does; not needed"
                    + " when the cluster already has the job classes on its class path.")
    Path jobJar;

    RestClusterClient<StandaloneClusterId> client() throws Exception {
        return new RestClusterClient<>(clientConfiguration(), StandaloneClusterId.getInstance());
    }

    /** Settings that make a job environment submit to this cluster, with the job jar when one is given. */
    Configuration remote() {
        Configuration conf = clientConfiguration();
        conf.set(DeploymentOptions.TARGET, "remote");
        if (jobJar != null) {
            conf.set(
                    PipelineOptions.JARS,
                    List.of(jobJar.toAbsolutePath().toUri().toString()));
        }
        return conf;
    }

    private Configuration clientConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, rest.getHost());
        conf.set(RestOptions.PORT, rest.getPort() > 0 ? rest.getPort() : 8081);
        return conf;
    }
}
