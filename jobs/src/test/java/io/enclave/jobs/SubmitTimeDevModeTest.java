package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DevMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The tenant job's and the ingest job's {@code main}, which {@code flink run} calls at submit
 * time, refuse the example's dev-only secrets and PLAINTEXT Kafka outside development mode, before
 * any graph is built.
 */
class SubmitTimeDevModeTest {
    private static final String EXAMPLE = Path.of("..", "tenant-config", "examples", "tenants.yaml").toString();

    @Test
    void theTenantJobAndTheIngestJobRefuseTheExampleAtSubmitTime() {
        TenantJob job = new TenantJob();
        job.environmentDevMode = DevMode.OFF;
        TenantIngestJob ingest = new TenantIngestJob();
        ingest.environmentDevMode = DevMode.OFF;

        for (Callable<Integer> main : List.<Callable<Integer>>of(job, ingest)) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(main);
            cli.setErr(new PrintWriter(err, true));

            int exit = cli.execute("--config", EXAMPLE, "--tenant", "colorado_state");

            assertThat(exit).as("%s", err).isNotZero();
            assertThat(err.toString()).contains(
                    "global.kafka.security_protocol: 'PLAINTEXT' is refused outside development mode",
                    "tenants.colorado_state.keystore.password: is a development default (dev-only-...)",
                    "tenants.colorado_state.database.password: is a development default (dev-only-...)",
                    "tenants.colorado_state.keystore.signing_passwords.job: is a development default (dev-only-...)",
                    "tenants.colorado_state.keystore.signing_passwords.ingest: is a development default (dev-only-...)")
                    .doesNotContain("dev-only-colorado-db", "dev-only-colorado_state-job-signing");
        }
    }
}
