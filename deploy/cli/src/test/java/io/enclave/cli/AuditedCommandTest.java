package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
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
        Files.writeString(config, """
                global:
                  kafka: {bootstrap_servers: "127.0.0.1:1"}
                  database: {jdbc_url: "jdbc:mysql://127.0.0.1:1", dialect: mysql}
                tenants:
                  colorado_state:
                    organization: Colorado Division of Homeland Security and Emergency Management
                    classification_level: PUBLIC
                    keystore: {path: "%s", password: audited-command-test, type: PKCS12}
                    database: {schema: co_db, user: co_writer, password: co-db, encryption_key: co_key}
                    data_restrictions: {allowed_states: [CO], allowed_classifications: [PUBLIC]}
                """.formatted(keystore));
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
