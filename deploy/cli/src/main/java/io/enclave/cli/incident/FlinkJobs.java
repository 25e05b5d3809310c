package io.enclave.cli.incident;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;

/**
 * The tenant's jobs on a Flink cluster, through its REST API (the JobManager the web UI also
 * talks to): find a running job by its name, and stop it with a savepoint.
 */
public final class FlinkJobs {
    private final ClusterClient<?> client;
    private final Duration timeout;

    public FlinkJobs(ClusterClient<?> client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** The job named {@code name} that is not yet finished, failed or cancelled. */
    public Optional<JobID> running(String name) throws Exception {
        Collection<JobStatusMessage> jobs = client.listJobs().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return jobs.stream()
                .filter(j -> name.equals(j.getJobName()) && !j.getJobState().isGloballyTerminalState())
                .map(JobStatusMessage::getJobId)
                .findFirst();
    }

    /**
     * Stops the job with a savepoint, draining it first so every operator finishes (the chainer
     * writes its JOB_STOP record and every sink flushes), and waits until it is FINISHED. Kafka
     * offsets and all keyed state are in the savepoint, so a job resumed from it goes on where
     * this one stopped. Returns the savepoint's path.
     */
    public String stopWithSavepoint(JobID job, String savepointDirectory) throws Exception {
        String path = client.stopWithSavepoint(job, true, savepointDirectory, SavepointFormatType.CANONICAL)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + timeout.toNanos();
        JobStatus status = client.getJobStatus(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        while (status != JobStatus.FINISHED && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = client.getJobStatus(job).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (status != JobStatus.FINISHED) {
            throw new IllegalStateException("job " + job + " took its savepoint " + path + " but is " + status
                    + ", not FINISHED, after " + timeout.toSeconds() + "s");
        }
        return path;
    }
}
