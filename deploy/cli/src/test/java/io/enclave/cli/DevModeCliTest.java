package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DevMode;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.SignerRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that reads a tenant config refuses the example's dev-only secrets and PLAINTEXT
 * Kafka unless development mode is on, with exit code 2 and each field and its line. Nothing
 * here reaches a server: the config is refused before any connection is opened.
 */
class DevModeCliTest {
    private static final String EXAMPLE =
            Path.of("..", "..", "tenant-config", "examples", "tenants.yaml").toString();
    private static final String PROTOCOL = "global.kafka.security_protocol: 'PLAINTEXT' is refused outside development"
            + " mode; use SASL_SSL (SASL over TLS), or turn on development mode (ENCLAVE_DEV=1 or --dev) (line 9)";
    private static final String KEYSTORE = "tenants.colorado_state.keystore.password: is a development default"
            + " (dev-only-...); set a real secret, or turn on development mode (ENCLAVE_DEV=1 or --dev) (line 29)";
    private static final String DATABASE = "tenants.colorado_state.database.password: is a development default"
            + " (dev-only-...); set a real secret, or turn on development mode (ENCLAVE_DEV=1 or --dev) (line 40)";
    /** Each role's signing key store password, which keys init, provision and rotate-signing open. */
    private static final List<String> SIGNING = List.of("job", "ingest", "cli").stream()
            .map(role -> "tenants.colorado_state.keystore.signing_passwords." + role + ": is a development default"
                    + " (dev-only-...); set a real secret, or turn on development mode (ENCLAVE_DEV=1 or --dev) (line "
                    + (34 + List.of("job", "ingest", "cli").indexOf(role)) + ")")
            .toList();

    @TempDir
    Path dir;

    /** Each command as an operator would type it against the example, minus --dev. */
    private List<List<String>> everyConfigCommand() {
        String tenant = "colorado_state";
        return List.of(
                List.of("validate", "-c", EXAMPLE),
                List.of("plan", "-c", EXAMPLE, "--tenant", tenant),
                List.of("ddl", "-c", EXAMPLE),
                List.of("provision", "-c", EXAMPLE, "--dry-run"),
                List.of("keys", "list", "--config", EXAMPLE, "--tenant", tenant),
                List.of("keys", "init", "--config", EXAMPLE, "--tenant", tenant),
                List.of("keys", "rotate-signing", "--config", EXAMPLE, "--tenant", tenant, "--role", "job"),
                List.of(
                        "decrypt",
                        "--config",
                        EXAMPLE,
                        "--tenant",
                        tenant,
                        "--table",
                        "disaster_declarations",
                        "--column",
                        "designated_area",
                        "--row-key",
                        "DR-1-CO",
                        "enc:v1:AAAA"),
                List.of("audit", "verify", "--config", EXAMPLE, "--tenant", tenant),
                List.of("audit", "purge", "--config", EXAMPLE, "--tenant", tenant),
                List.of(
                        "render",
                        "k8s",
                        "-c",
                        EXAMPLE,
                        "--out",
                        dir.resolve("k8s").toString()),
                List.of(
                        "render",
                        "compose",
                        "-c",
                        EXAMPLE,
                        "--out",
                        dir.resolve("compose").toString()),
                List.of("ingest", "-c", EXAMPLE, "--tenant", tenant),
                List.of("probe", "-c", EXAMPLE, "--as", "texas_state", "--target", tenant));
    }

    @Test
    void everyCommandRefusesTheExampleOutsideDevelopmentModeNamingFieldAndLine() {
        for (List<String> command : everyConfigCommand()) {
            CliRun run = CliRun.outsideDevMode(command.toArray(String[]::new));

            assertThat(run.exit()).as("%s\n%s", command, run).isEqualTo(ExitCode.USAGE);
            assertThat(run.err())
                    .as("%s", command)
                    .contains(PROTOCOL, KEYSTORE, DATABASE)
                    .contains(SIGNING)
                    .doesNotContain("dev-only-colorado-db", "dev-only-colorado-state-keystore", "_state-job-signing");
        }
    }

    @Test
    void theDevFlagOrEnclaveDevOneLetsTheExampleThrough() {
        for (String[] args : List.of(
                new String[] {"--dev", "validate", "-c", EXAMPLE},
                new String[] {"validate", "--dev", "-c", EXAMPLE},
                new String[] {"validate", "-c", EXAMPLE, "--dev"})) {
            CliRun run = CliRun.outsideDevMode(args);
            assertThat(run.exit()).as("%s", run).isZero();
            assertThat(run.out()).contains("valid, 4 tenant(s)");
        }
        CliRun fromEnvironment = CliRun.run(EnclaveCli.commandLine(DevMode.ON), "validate", "-c", EXAMPLE);
        assertThat(fromEnvironment.exit()).as("%s", fromEnvironment).isZero();
        // --dev counts for the one command it is given to, not for later runs.
        assertThat(CliRun.outsideDevMode("validate", "-c", EXAMPLE).exit()).isEqualTo(ExitCode.USAGE);
    }

    /** The demo runs in development mode whatever the environment says, and its first line says so. */
    @Test
    void theDemoTurnsDevelopmentModeOnAndSaysSo() throws IOException {
        // A broken level stops the demo before it starts any server; the dev-only secrets pass.
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(
                broken,
                Files.readString(Path.of(EXAMPLE))
                        .replace("classification_level: INTERNAL", "classification_level: SECRETISH"));

        CliRun run = CliRun.outsideDevMode("demo", "--config", broken.toString());

        assertThat(run.exit()).as("%s", run).isEqualTo(ExitCode.USAGE);
        assertThat(run.out())
                .startsWith("enclave demo: development mode: dev-only secrets, short passwords and"
                        + " Kafka without TLS are accepted");
        assertThat(run.err())
                .contains("tenants.texas_state.classification_level: 'SECRETISH' is not a classification")
                .doesNotContain("dev-only", "security_protocol");
    }

    /**
     * The trust file is written by whoever runs keys commands, so outside development mode
     * {@code audit verify} refuses to take it at its word: without a pinned job key fingerprint
     * it exits 4 before it reads the database, naming what to pin and what the file claims. A
     * malformed pin is a usage error; a pinned one gets as far as the (here unreachable) database.
     */
    @Test
    void auditVerifyRefusesAnUnpinnedTrustFileOutsideDevelopmentMode() throws IOException {
        AuditSigner job = new AuditSigner("colorado_state/job/v1", SignerRole.JOB, new byte[32]);
        Path trust = dir.resolve("colorado.audit-trust.json");
        AuditTrust.empty("colorado_state").with(job, "").write(trust);
        String[] verify = {
            "audit",
            "verify",
            "--config",
            strongConfig().toString(),
            "--tenant",
            "colorado_state",
            "--trust-file",
            trust.toString(),
            "--jdbc-url",
            "jdbc:mysql://127.0.0.1:1"
        };

        CliRun unpinned = CliRun.outsideDevMode(verify);
        assertThat(unpinned.exit()).as("%s", unpinned).isEqualTo(ExitCode.KEY_MATERIAL);
        assertThat(unpinned.err())
                .contains("no job key fingerprint is pinned for tenant colorado_state"
                        + " (tenants.colorado_state.audit_requirements.job_key_fingerprint or --job-key), so the"
                        + " trust file " + trust + ", which whoever runs keys commands writes, cannot be"
                        + " authenticated; the trust file names colorado_state/job/v1 "
                        + AuditTrust.fingerprint(job.publicKey()));

        CliRun malformed = CliRun.outsideDevMode(concat(verify, "--job-key", "sha256:1234"));
        assertThat(malformed.exit()).as("%s", malformed).isEqualTo(ExitCode.USAGE);
        assertThat(malformed.err()).contains("a job key fingerprint is sha256: and 64 hex digits");

        CliRun pinned = CliRun.outsideDevMode(concat(verify, "--job-key", AuditTrust.fingerprint(job.publicKey())));
        assertThat(pinned.exit()).as("%s", pinned).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(pinned.err()).doesNotContain("pinned");

        // The auditor's own config may hold the pin instead (the first tenant of the example is colorado_state).
        Path pinnedConfig = dir.resolve("pinned.yaml");
        Files.writeString(
                pinnedConfig,
                Files.readString(strongConfig())
                        .replaceFirst(
                                "audit_requirements:\n",
                                "audit_requirements:\n      job_key_fingerprint: "
                                        + AuditTrust.fingerprint(job.publicKey()) + "\n"));
        String[] configured = verify.clone();
        configured[3] = pinnedConfig.toString();
        CliRun fromConfig = CliRun.outsideDevMode(configured);
        assertThat(fromConfig.exit()).as("%s", fromConfig).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(fromConfig.err()).doesNotContain("pinned");

        CliRun dev = CliRun.of(verify);
        assertThat(dev.exit()).as("%s", dev).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(dev.err())
                .contains("enclave audit verify: WARNING (development mode): no job key fingerprint is pinned");
    }

    private static String[] concat(String[] args, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The example with literal strong secrets and SASL_SSL, as a deployment's file could be. */
    private Path strongConfig() throws IOException {
        Path file = dir.resolve("strong.yaml");
        Files.writeString(
                file,
                Files.readString(Path.of(EXAMPLE))
                        .replace("${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}", "SASL_SSL")
                        .replaceAll("\\$\\{([A-Z0-9_]+):-dev-only-([a-z0-9_-]+)}", "Kq7-$2-strong-secret"));
        return file;
    }

    @Test
    void aConfigWithStrongSecretsAndSaslSslPassesOutsideDevelopmentMode() throws IOException {
        CliRun run = CliRun.outsideDevMode("validate", "-c", strongConfig().toString());

        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.out()).contains("valid, 4 tenant(s)");
    }

    /** --password-env bypasses the config, so the key commands hold that password to the same rules. */
    @Test
    void aShortKeyStorePasswordFromTheEnvironmentIsRefusedOutsideDevelopmentMode() throws IOException {
        // The build sets ENCLAVE_DEV=1: a variable whose one-character value stands in for a weak password.
        CliRun run = CliRun.outsideDevMode(
                "keys",
                "list",
                "--config",
                strongConfig().toString(),
                "--tenant",
                "colorado_state",
                "--password-env",
                "ENCLAVE_DEV");

        assertThat(run.exit()).as("%s", run).isEqualTo(ExitCode.USAGE);
        assertThat(run.err())
                .contains("environment variable ENCLAVE_DEV (--password-env) is shorter than 16"
                        + " characters; set a stronger secret, or turn on development mode (ENCLAVE_DEV=1 or --dev)");
    }
}
