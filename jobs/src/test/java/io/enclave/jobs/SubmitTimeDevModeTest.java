package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DevMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tenant job's and the ingest job's {@code main}, which {@code flink run} calls at submit
 * time, refuse the example's dev-only secrets and PLAINTEXT Kafka outside development mode, before
 * any graph is built.
 */
class SubmitTimeDevModeTest {
    private static final String EXAMPLE =
            Path.of("..", "tenant-config", "examples", "tenants.yaml").toString();

    /** A main's exit code and what it printed. */
    record Run(int exit, String out, String err) {}

    @FunctionalInterface
    interface Main {
        int run(PrintStream out, PrintStream err, String... args);
    }

    static Run run(Main main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = main.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theTenantJobAndTheIngestJobRefuseTheExampleAtSubmitTime() {
        TenantJob job = new TenantJob();
        job.environmentDevMode = DevMode.OFF;
        TenantIngestJob ingest = new TenantIngestJob();
        ingest.environmentDevMode = DevMode.OFF;

        for (Main main : new Main[] {job::run, ingest::run}) {
            Run run = run(main, "--config", EXAMPLE, "--tenant", "colorado_state");

            assertThat(run.exit()).as("%s", run.err()).isEqualTo(JobArguments.USAGE);
            assertThat(run.err())
                    .contains(
                            "global.kafka.security_protocol: 'PLAINTEXT' is refused outside development mode",
                            "tenants.colorado_state.keystore.password: is a development default (dev-only-...)",
                            "tenants.colorado_state.database.password: is a development default (dev-only-...)",
                            "tenants.colorado_state.keystore.signing_passwords.job: is a development default (dev-only-...)",
                            "tenants.colorado_state.keystore.signing_passwords.ingest: is a development default (dev-only-...)")
                    .doesNotContain("dev-only-colorado-db", "dev-only-colorado_state-job-signing");
        }
    }

    @Test
    void helpPrintsTheUsageAndAWrongCommandLineSaysWhatIsWrong() {
        TenantIngestJob ingest = new TenantIngestJob();

        Run help = run(ingest::run, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--config FILE", "--tenant ID", "--once", "--dev");

        Run missing = run(ingest::run, "--config", EXAMPLE);
        assertThat(missing.exit()).isEqualTo(JobArguments.USAGE);
        assertThat(missing.err()).contains("Missing required option: --tenant", "Usage:");

        Run unknown = run(new TenantJob()::run, "--config", EXAMPLE, "--tenant", "colorado_state", "--once");
        assertThat(unknown.exit()).as("--once is the ingest job's flag only").isEqualTo(JobArguments.USAGE);
        assertThat(unknown.err()).contains("Unknown option(s): --once");

        Run valuedFlag = run(new TenantJob()::run, "--config", EXAMPLE, "--tenant", "colorado_state", "--dev", "yes");
        assertThat(valuedFlag.exit()).isEqualTo(JobArguments.USAGE);
        assertThat(valuedFlag.err()).contains("--dev takes no value, got yes");
    }
}
