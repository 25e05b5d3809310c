package io.enclave.cli.incident;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobMessageParameters;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatistics;
import org.apache.flink.runtime.rest.messages.checkpoints.CheckpointingStatisticsHeaders;

/**
 * The tenant's jobs on a Flink cluster, through its REST API (the JobManager the web UI also
 * talks to): find a running job by its name, stop it with a savepoint, and check a recorded
 * savepoint against the job's checkpoint history before a release resumes from it.
 */
public final class FlinkJobs {
    private final RestClusterClient<?> client;
    private final Duration timeout;

    public FlinkJobs(RestClusterClient<?> client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /** The job named {@code name} that is not yet finished, failed or cancelled. */
    public Optional<JobID> running(String name) throws Exception {
        return named(name).stream()
                .filter(j -> !j.getJobState().isGloballyTerminalState())
                .map(JobStatusMessage::getJobId)
                .findFirst();
    }

    /**
     * Stops the job with a savepoint and waits until it is FINISHED. Without draining: a drain
     * sends the watermark to the end of time first, which fires every event-time timer (detection
     * windows would be dropped half counted) as if no event could come any more, and a job resumed
     * from that savepoint would count and alert again from nothing. Stopped without a drain, the
     * savepoint is a checkpoint like any other (the sinks flush and the rows are summarised at its
     * barrier), keyed state and open windows are in it, and Kafka offsets too, so a job resumed
     * from it goes on where this one stopped. Returns the savepoint's path.
     */
    public String stopWithSavepoint(JobID job, String savepointDirectory) throws Exception {
        String path = client.stopWithSavepoint(job, false, savepointDirectory, SavepointFormatType.CANONICAL)
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

    /**
     * Why {@code savepoint} is not the one a quarantine took of job {@code jobId} named {@code name}, per the
     * JobManager; empty when it is. It is when that job is FINISHED and no job of that name
     * started after it (whatever that one's state: {@link #submittedLater}), and the latest
     * completed savepoint in its checkpoint history ({@code /jobs/:id/checkpoints}) is {@code savepoint}: an older
     * savepoint of the same job, or the last savepoint of an older job, would replay records already written.
     */
    public Optional<String> notTheQuarantineSavepoint(String name, String jobId, String savepoint) throws Exception {
        List<JobStatusMessage> jobs = named(name);
        Optional<JobStatusMessage> stopped = jobs.stream()
                .filter(j -> j.getJobId().toHexString().equals(jobId))
                .findFirst();
        if (stopped.isEmpty()) {
            return Optional.of("Flink does not know job " + jobId + " named " + name
                    + " (the JobManager restarted, or its jobstore.expiration-time passed), so its savepoint"
                    + " cannot be checked");
        }
        if (stopped.get().getJobState() != JobStatus.FINISHED) {
            return Optional.of(
                    "job " + jobId + " is " + stopped.get().getJobState() + ", not FINISHED with a savepoint");
        }
        Optional<String> later = submittedLater(jobs, stopped.get());
        if (later.isPresent()) {
            return later;
        }
        JobMessageParameters parameters =
                CheckpointingStatisticsHeaders.getInstance().getUnresolvedMessageParameters();
        parameters.jobPathParameter.resolve(stopped.get().getJobId());
        CheckpointingStatistics stats = client.sendRequest(
                        CheckpointingStatisticsHeaders.getInstance(), parameters, EmptyRequestBody.getInstance())
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        CheckpointStatistics.CompletedCheckpointStatistics latest =
                stats.getLatestCheckpoints().getSavepointStatistics();
        if (latest == null) {
            return Optional.of("Flink records no completed savepoint of job " + jobId);
        }
        if (!latest.getExternalPath().equals(savepoint)) {
            return Optional.of("the last savepoint job " + jobId + " completed is " + latest.getExternalPath()
                    + " (checkpoint " + latest.getId() + "), not " + savepoint);
        }
        return Optional.empty();
    }

    /**
     * Why {@code stopped} is not the last job of its name, if it is not: any job among {@code jobs} (one name) that
     * started after it, whatever its state (running, FINISHED, CANCELED, FAILED), ran from some state after the
     * quarantine's savepoint and wrote what it read, so restoring that savepoint would replay all of it.
     */
    static Optional<String> submittedLater(List<JobStatusMessage> jobs, JobStatusMessage stopped) {
        return jobs.stream()
                .filter(j -> !j.getJobId().equals(stopped.getJobId()))
                .filter(j -> j.getStartTime() >= stopped.getStartTime())
                .max(Comparator.comparingLong(JobStatusMessage::getStartTime))
                .map(j -> "job " + stopped.getJobId() + " is not the last " + stopped.getJobName() + ": " + j.getJobId()
                        + " (" + j.getJobState() + ") started later");
    }

    private List<JobStatusMessage> named(String name) throws Exception {
        return client.listJobs().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(j -> name.equals(j.getJobName()))
                .toList();
    }
}
