package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.testing.TenantYaml;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audited command that cannot reach its tenant's audit topic does nothing: it says why and
 * exits 3, before a key is made or a value decrypted, after saying what it waits for and how long.
 */
class AuditedCommandTest {

    @TempDir
    Path dir;

    @Test
    void keysInitWithoutItsAuditTopicCreatesNoKeyAndSaysWhy() throws Exception {
        Path keystore = dir.resolve("keys.p12");
        Path config = dir.resolve("tenants.yaml");
        TenantYaml.global("127.0.0.1:1", "jdbc:mysql://127.0.0.1:1")
                .tenant(
                        "colorado_state",
                        t -> t.organization("Colorado Division of Homeland Security and Emergency Management")
                                .classification("PUBLIC")
                                .keystore(keystore.toString(), "audited-command-test", "PKCS12")
                                .database("co_db", "co_writer", "co-db", "co_key"))
                .write(config);
        long start = System.nanoTime();
        CliRun init = CliRun.of(
                "keys", "init", "--config", config.toString(), "--tenant", "colorado_state", "--timeout", "2");

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                .as("--timeout is kept")
                .isLessThan(java.time.Duration.ofSeconds(20));
        assertThat(init.exit()).as(init.err()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(init.err())
                .startsWith("enclave keys init: waiting for the audit topic tenant_colorado_state_audit"
                        + " at 127.0.0.1:1 (timeout 2s)...\n")
                .doesNotContain("\tat ");
        assertThat(init.err())
                .contains("cannot submit the audit record of keys init to the audit trail of tenant "
                        + "colorado_state: cannot reach the audit topic tenant_colorado_state_audit at 127.0.0.1:1");
        assertThat(init.out()).isEmpty();
        assertThat(keystore).as("no key is made that could not be audited").doesNotExist();
    }
}
