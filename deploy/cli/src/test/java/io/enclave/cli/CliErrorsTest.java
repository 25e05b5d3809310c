package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DevMode;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when a command cannot run: one line {@code enclave <command>: <message>}, no
 * stack trace unless {@code --verbose}, and the exit code of the README's table.
 */
class CliErrorsTest {
    private static final Path EXAMPLES = Path.of("..", "..", "tenant-config", "examples", "tenants.yaml");

    @TempDir
    Path dir;

    /** The example copied into the temp dir, so its relative key store paths point into the temp dir. */
    private Path example() throws IOException {
        Path copy = dir.resolve("conf").resolve("tenants.yaml");
        Files.createDirectories(copy.getParent());
        Files.copy(EXAMPLES, copy);
        return copy;
    }

    private static void assertOneLine(CliRun run, String prefix) {
        assertThat(run.err().lines())
                .as(run.toString())
                .singleElement()
                .asString()
                .startsWith(prefix);
        assertThat(run.err()).as("no stack trace without --verbose").doesNotContain("\tat ", "Exception:");
    }

    @Test
    void anUnknownTenantIsAUsageErrorNamingTheTenantAndTheConfigFile() {
        CliRun run = CliRun.of("plan", "-c", EXAMPLES.toString(), "-t", "nobody");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertOneLine(run, "enclave plan: no tenant 'nobody' in " + EXAMPLES + "; its tenants are colorado_state,");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aCommandWithoutAConfigSaysHowToGiveOne() {
        CliRun run = CliRun.of("validate");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertOneLine(run, "enclave validate: no tenant config given: pass -c/--config FILE or set ENCLAVE_CONFIG");
    }

    @Test
    void aMissingKeyStoreIsKeyMaterialAndNamesTheStore() throws IOException {
        Path config = example();
        Path store = dir.resolve("conf/.enclave/keystores/colorado_state.bcfks");
        Path trust = dir.resolve("conf/.enclave/keystores/colorado_state.audit-trust.json");

        CliRun verify = CliRun.of("audit", "verify", "-c", config.toString(), "-t", "colorado_state");
        CliRun list = CliRun.of("keys", "list", "-c", config.toString(), "-t", "colorado_state");

        assertThat(verify.exit()).as(verify.toString()).isEqualTo(ExitCode.KEY_MATERIAL);
        assertOneLine(verify, "enclave audit verify: no audit trust file at " + trust);
        assertThat(list.exit()).as(list.toString()).isEqualTo(ExitCode.KEY_MATERIAL);
        assertOneLine(list, "enclave keys list: key store " + store + " does not exist");
        assertThat(store).as("nothing creates a store by looking for it").doesNotExist();
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        CliRun run = CliRun.of("audit", "verify", "-c", example().toString(), "-t", "colorado_state", "--verbose");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.KEY_MATERIAL);
        assertThat(run.err().lines().findFirst())
                .hasValueSatisfying(
                        line -> assertThat(line).startsWith("enclave audit verify: no audit trust file at "));
        assertThat(run.err())
                .contains("io.enclave.operators.crypto.KeyUnavailableException: no audit trust file", "\tat ");
    }

    @Test
    void anUnreachableDatabaseIsUnavailable() throws IOException {
        Path config = example();
        TenantConfig colorado = TenantConfigLoader.load(config, DevMode.ON).tenant("colorado_state");
        KeystoreSettings keys = colorado.keystore();
        new TenantKeyStore(
                        Path.of(keys.path()),
                        keys.password(),
                        keys.type(),
                        colorado.id(),
                        colorado.database().encryptionKeyRef())
                .init();
        String pin = AuditSigning.ensure(colorado)
                .key("colorado_state/job/v1")
                .orElseThrow()
                .fingerprint();

        CliRun run = CliRun.of(
                "audit",
                "verify",
                "-c",
                config.toString(),
                "-t",
                "colorado_state",
                "--job-key",
                pin,
                "--jdbc-url",
                "jdbc:mysql://127.0.0.1:" + closedPort() + "?connectTimeout=2000");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertOneLine(
                run,
                "enclave audit verify: cannot read the audit log of colorado_state: Communications link" + " failure");
    }

    /** A connection failure that reaches the handler, not one a command words itself. */
    @Test
    void provisioningAnUnreachableDatabaseIsUnavailable() throws IOException {
        Path config = dir.resolve("mysql.yaml");
        Files.writeString(
                config,
                Files.readString(EXAMPLES)
                        .replace("${ENCLAVE_DB_DIALECT:-starrocks}", "mysql")
                        .replace(
                                "${STARROCKS_JDBC_URL:-jdbc:mysql://localhost:9030}",
                                "jdbc:mysql://127.0.0.1:" + closedPort()));

        CliRun run = CliRun.of(
                "provision", "-c", config.toString(), "--database", "--db-admin-user", "root", "--timeout", "2");

        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(run.err().lines())
                .as(run.toString())
                .hasSize(2)
                .first()
                .asString()
                .startsWith("enclave provision: waiting for the database at jdbc:mysql://127.0.0.1:")
                .endsWith(" (timeout 2s)...");
        assertThat(run.err().lines().skip(1).findFirst())
                .hasValueSatisfying(
                        line -> assertThat(line).startsWith("enclave provision: Communications link failure"));
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void anUnreachableBrokerIsUnavailableWithinTheTimeout() throws IOException {
        int port = closedPort();
        Path admin = dir.resolve("admin.properties");
        Files.writeString(admin, "bootstrap.servers=127.0.0.1:" + port + "\n");

        long start = System.nanoTime();
        CliRun run = CliRun.of(
                "provision",
                "-c",
                EXAMPLES.toString(),
                "--kafka",
                "--kafka-admin-config",
                admin.toString(),
                "--timeout",
                "3");

        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(30));
        assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(run.err().lines())
                .as(run.toString())
                .hasSize(2)
                .first()
                .asString()
                .isEqualTo(
                        "enclave provision: waiting for the Kafka cluster at 127.0.0.1:" + port + " (timeout 3s)...");
        assertThat(run.err().lines().skip(1).findFirst())
                .hasValueSatisfying(line ->
                        assertThat(line).startsWith("enclave provision: ").containsIgnoringCase("timed out"));
        assertThat(run.err()).doesNotContain("\tat ");
    }

    /** Run from any working directory, the config's relative key store path names one store, beside the config. */
    @Test
    void aRelativeKeyStorePathIsRelativeToTheConfigFileNotTheWorkingDirectory() throws IOException {
        Path config = dir.resolve("conf").resolve("tenants.yaml");
        Files.createDirectories(config.getParent());
        String relative = "stores-" + ProcessHandle.current().pid() + "/colorado.bcfks";
        Files.writeString(
                config,
                Files.readString(EXAMPLES)
                        .replace("${ENCLAVE_KEYSTORE:-.enclave/keystores/colorado_state.bcfks}", relative));
        Path beside = dir.resolve("conf").resolve(relative);

        TenantConfig colorado = TenantConfigLoader.load(config, DevMode.ON).tenant("colorado_state");
        assertThat(colorado.keystore().path()).isEqualTo(beside.toString());
        new TenantKeyStore(
                        Path.of(colorado.keystore().path()),
                        colorado.keystore().password(),
                        colorado.keystore().type(),
                        colorado.id(),
                        colorado.database().encryptionKeyRef())
                .init();

        // The test's working directory is jobs/, not the config's directory.
        CliRun list = CliRun.of("keys", "list", "-c", config.toString(), "-t", "colorado_state");

        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out())
                .contains("in BCFKS " + beside)
                .containsPattern("1 +yes")
                .doesNotContain("audit key");
        assertThat(Path.of(relative).getParent())
                .as("no second store in the working directory")
                .doesNotExist();
    }

    @Test
    void ddlTakesTheConfigsDialectAndDialectOverridesIt() throws IOException {
        Path mysql = dir.resolve("mysql.yaml");
        Files.writeString(mysql, Files.readString(EXAMPLES).replace("${ENCLAVE_DB_DIALECT:-starrocks}", "mysql"));

        CliRun fromConfig = CliRun.of("ddl", "-c", mysql.toString(), "-t", "texas_state");
        CliRun overridden = CliRun.of("ddl", "-c", mysql.toString(), "-t", "texas_state", "--dialect", "starrocks");

        assertThat(fromConfig.exit()).as(fromConfig.toString()).isZero();
        assertThat(fromConfig.out()).contains("dialect mysql", "ENGINE=InnoDB").doesNotContain("DISTRIBUTED BY");
        assertThat(overridden.out())
                .contains("dialect starrocks", "DISTRIBUTED BY HASH(`id`)")
                .doesNotContain("ENGINE=InnoDB");
    }

    @Test
    void helpSubcommandAndCompletionScript() {
        CliRun help = CliRun.of("help", "plan");
        CliRun completion = CliRun.of("generate-completion");

        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).startsWith("Usage: enclave plan").contains("-c, --config=FILE", "-t, --tenant=ID");
        assertThat(completion.exit()).as(completion.toString()).isZero();
        assertThat(completion.out())
                .contains("bash completion", "complete -F")
                .contains("validate", "plan", "provision", "keys", "audit", "decrypt", "render");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
