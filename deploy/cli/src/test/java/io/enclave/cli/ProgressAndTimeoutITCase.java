package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedMariaDb;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long work shows its progress on stderr only, and a wait that outlasts {@code --timeout} ends
 * in exit 3 with the line that said what it waited for and one line that says it gave up.
 */
class ProgressAndTimeoutITCase {
    private static final Path EXAMPLES = Path.of("..", "..", "tenant-config", "examples", "tenants.yaml");

    @TempDir
    Path dir;

    @Test
    void provisioningShowsItsProgressOnStderrAndLeavesStdoutToTheReport() throws Exception {
        try (EmbeddedMariaDb database = EmbeddedMariaDb.start(0)) {
            Path config = config("127.0.0.1:9", database.rootJdbcUrl());
            Path password = dir.resolve("admin-password");
            Files.writeString(password, database.rootPassword() + "\n");
            int tenants = TenantConfigLoader.load(config).tenants().size();

            CliRun run = CliRun.of(
                    "provision",
                    "-c",
                    config.toString(),
                    "--database",
                    "--db-admin-user",
                    database.rootUser(),
                    "--db-admin-password-file",
                    password.toString());

            assertThat(run.exit()).as(run.toString()).isZero();
            String done = tenants + "/" + tenants + " tenants";
            assertThat(run.err().lines())
                    .as(run.toString())
                    .anySatisfy(line -> assertThat(line)
                            .startsWith("enclave provision: database 100%")
                            .contains(done));
            assertThat(run.out()).as(run.toString()).isNotBlank().doesNotContain(" tenants", "enclave provision:");
        }
    }

    @Test
    void ingestOnceGivesUpOnAnUnreachableBrokerAfterTheTimeout() throws IOException {
        int port = closedPort();
        Path config = config("127.0.0.1:" + port, "jdbc:mysql://127.0.0.1:9");

        long start = System.nanoTime();
        CliRun run = CliRun.of("ingest", "-c", config.toString(), "-t", "colorado_state", "--once", "--timeout", "2");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(run.err().lines())
                .as(run.toString())
                .hasSize(2)
                .first()
                .asString()
                .startsWith("enclave ingest: waiting for the Kafka broker at 127.0.0.1:" + port + " to know ")
                .endsWith(" (timeout 2s)...");
        assertThat(run.err().lines().skip(1).findFirst())
                .hasValueSatisfying(
                        line -> assertThat(line).startsWith("enclave ingest: ").contains("2000 ms"));
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void theDemoGivesUpOnAStartUpStepThatOutlastsTheTimeout() throws IOException {
        long start = System.nanoTime();
        // The embedded broker and database take seconds to start, more than the one second allowed; which step
        // outlasts it first depends on the machine (a warm broker may make it), so either may be named.
        CliRun run = CliRun.of("demo", "-c", example().toString(), "--timeout", "1", "--duration", "1");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(run.err().lines())
                .as(run.toString())
                .contains("enclave demo: start-up: waiting for the embedded Kafka broker (timeout 1s)...")
                .last()
                .asString()
                .matches(
                        "enclave demo: gave up waiting for the embedded (Kafka broker|MariaDB) after 1s \\(--timeout\\)");
        assertThat(run.out())
                .as(run.toString())
                .contains("Starting embedded Kafka")
                .doesNotContain("waiting for");
    }

    /** The example with the given broker and database, in the temp dir so its key stores land there. */
    private Path config(String bootstrap, String jdbcUrl) throws IOException {
        Path config = dir.resolve("tenants.yaml");
        Files.writeString(
                config,
                Files.readString(EXAMPLES)
                        .replace("${KAFKA_BOOTSTRAP:-localhost:9092}", bootstrap)
                        .replace("${ENCLAVE_DB_DIALECT:-starrocks}", "mysql")
                        .replace("${STARROCKS_JDBC_URL:-jdbc:mysql://localhost:9030}", jdbcUrl));
        return config;
    }

    private Path example() throws IOException {
        Path copy = dir.resolve("demo.yaml");
        Files.copy(EXAMPLES, copy);
        return copy;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
