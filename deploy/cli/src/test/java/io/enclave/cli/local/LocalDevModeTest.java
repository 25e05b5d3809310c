package io.enclave.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/local runs on dev-only secrets in development mode (its scripts export ENCLAVE_DEV=1,
 * as the build does for tests) and says so on stderr, leaving stdout to the scripts that read it.
 */
class LocalDevModeTest {

    @Test
    void theLocalToolsSayTheyRunInDevelopmentMode() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine tools = new CommandLine(new LocalTools());
        tools.setOut(new PrintWriter(out, true));
        tools.setErr(new PrintWriter(err, true));

        int exit = tools.execute("tenants", Path.of("..", "local", "tenants.yaml").toString());

        assertThat(exit).as("%s", err).isZero();
        assertThat(err.toString()).contains("enclave local: development mode: dev-only secrets, short passwords and"
                + " Kafka without TLS are accepted (ENCLAVE_DEV=1)");
        assertThat(out.toString()).doesNotContain("development mode").contains("colorado_state");
    }
}
