package io.enclave.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * deploy/local runs on dev-only secrets in development mode (its scripts export ENCLAVE_DEV=1,
 * as the build does for tests) and says so on stderr, leaving stdout to the scripts that read it.
 */
class LocalDevModeTest {

    @Test
    void theLocalToolsSayTheyRunInDevelopmentMode() {
        CliRun run = CliRun.of(
                "local", "tenants", Path.of("..", "local", "tenants.yaml").toString());

        assertThat(run.exit()).as("%s", run.err()).isZero();
        assertThat(run.err())
                .contains("enclave local: development mode: dev-only secrets, short passwords and"
                        + " Kafka without TLS are accepted (ENCLAVE_DEV=1 or --dev)");
        assertThat(run.out()).doesNotContain("development mode").contains("colorado_state");
    }
}
