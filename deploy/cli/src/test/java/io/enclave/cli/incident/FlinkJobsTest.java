package io.enclave.cli.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.junit.jupiter.api.Test;

/** Which job of a name release may resume from the quarantine's savepoint, as the JobManager lists them. */
class FlinkJobsTest {
    private static final String NAME = "enclave-colorado_state";

    @Test
    void aJobSubmittedAfterTheQuarantinedOneRefusesWhateverItsState() {
        JobStatusMessage older = new JobStatusMessage(new JobID(), NAME, JobStatus.FINISHED, 1_000);
        JobStatusMessage quarantined = new JobStatusMessage(new JobID(), NAME, JobStatus.FINISHED, 2_000);
        assertThat(FlinkJobs.submittedLater(List.of(older, quarantined), quarantined))
                .isEmpty();

        for (JobStatus state : List.of(JobStatus.CANCELED, JobStatus.FAILED, JobStatus.FINISHED)) {
            // Resumed after the quarantine by hand, then cancelled or failed: it wrote what it read meanwhile.
            JobStatusMessage resumed = new JobStatusMessage(new JobID(), NAME, state, 3_000);
            assertThat(FlinkJobs.submittedLater(List.of(older, quarantined, resumed), quarantined))
                    .hasValueSatisfying(why -> assertThat(why)
                            .contains(resumed.getJobId().toString())
                            .contains(state.name())
                            .contains("started later"));
        }
    }
}
