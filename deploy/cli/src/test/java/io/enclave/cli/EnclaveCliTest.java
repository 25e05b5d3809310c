package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user runs it: exit codes and what it prints. */
class EnclaveCliTest {
    private static final String EXAMPLES =
            Path.of("..", "..", "tenant-config", "examples", "tenants.yaml").toString();

    @TempDir
    Path dir;

    /** Every command and subcommand answers --help and --version with exit 0, before its own required input. */
    @Test
    void everyCommandAnswersHelpAndVersion() {
        picocli.CommandLine root = io.enclave.cli.EnclaveCli.commandLine();
        java.util.List<String[]> paths = new java.util.ArrayList<>();
        root.getSubcommands().forEach((name, sub) -> {
            paths.add(new String[] {name});
            sub.getSubcommands().keySet().forEach(child -> paths.add(new String[] {name, child}));
        });
        assertThat(paths).hasSizeGreaterThan(11);
        for (String[] path : paths) {
            // picocli's help command answers --help only; `help --version` shows the main help.
            for (String flag :
                    path[0].equals("help") ? new String[] {"--help"} : new String[] {"--help", "--version"}) {
                String[] args = java.util.Arrays.copyOf(path, path.length + 1);
                args[path.length] = flag;
                CliRun run = CliRun.of(args);
                assertThat(run.exit()).as(String.join(" ", args) + ": " + run).isZero();
                // The help command's own help starts with its description, then its usage.
                String help = "Usage: enclave " + String.join(" ", path);
                assertThat(run.out())
                        .as(String.join(" ", args))
                        .startsWith(
                                flag.equals("--help") ? path[0].equals("help") ? "Display help" : help : "enclave ");
            }
        }
    }

    @Test
    void validateSummarisesEachTenantAndExitsZero() {
        CliRun run = run("validate", "-c", EXAMPLES);

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("valid, 4 tenant(s)", "colorado_state", "RESTRICTED", "federal_dhs", "ALL");
    }

    @Test
    void validateExitsTwoWithEveryProblemAndItsLine() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(
                bad,
                Files.readString(Path.of(EXAMPLES))
                        .replace("allowed_states: [CO]", "allowed_states: [CO, XX]")
                        .replace("classification_level: CONFIDENTIAL", "classification_level: TOP_SECRET"));

        CliRun run = run("validate", "-c", bad.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .contains("tenants.colorado_state.data_restrictions.allowed_states[1]: 'XX' is not a US state"
                        + " or territory code (line 55)")
                .contains("tenants.federal_dhs.classification_level");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void planShowsOperatorsUidsTopicsAndTables() {
        CliRun run = run("plan", "-c", EXAMPLES, "--tenant", "colorado_state");

        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .contains(
                        "tenant_colorado_state_emergency_processing",
                        "tenant_colorado_state_disasters, tenant_colorado_state_weather",
                        "tenant_colorado_state_group",
                        "colorado_emergency.audit_log",
                        "guard[colorado_state]",
                        "tenant_colorado_state_guard",
                        "encrypt[colorado_state]",
                        "tenant_colorado_state_encrypt")
                .containsPattern("encrypt +disaster_declarations\\.place_code +deterministic +AES-256-GCM-SIV"
                        + " +\\(processing\\.encrypt\\)")
                .containsPattern("encrypt +weather_alerts\\.description +randomized +AES-256-GCM +\\(");
    }

    @Test
    void planShowsWhereEachTenantsJobRunsAndTheSizeOfItsSlots() {
        assertThat(run("plan", "-c", EXAMPLES, "--tenant", "federal_dhs").out())
                .contains("slots      2 of the cluster's default size (no processing.memory_per_slot)")
                .contains("runs on    a Flink cluster of its own (dedicated_processing)");
        assertThat(run("plan", "-c", EXAMPLES, "--tenant", "colorado_state").out())
                .contains("runs on    the shared Flink cluster");
    }

    @Test
    void planSaysWhenTheEncryptedFieldsAreTheClassificationDefaults(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("defaults.yaml");
        Files.writeString(
                config,
                Files.readString(Path.of(EXAMPLES))
                        .replace(
                                "      encrypt:\n        # placeCode stays joinable within the tenant, so it is deterministic.\n"
                                        + "        disasters: [designatedArea, {field: placeCode, mode: deterministic}]\n"
                                        + "        weather: [description, instruction]\n",
                                ""));

        CliRun run = run("plan", "-c", config.toString(), "--tenant", "colorado_state");

        assertThat(run.exit()).isZero();
        assertThat(run.out())
                .containsPattern("encrypt +weather_alerts\\.area_desc +randomized +AES-256-GCM"
                        + " +\\(default for classification_level RESTRICTED\\)");
    }

    @Test
    void planOfAnUnknownTenantNamesTheKnownOnes() {
        CliRun run = run("plan", "-c", EXAMPLES, "--tenant", "kansas");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("no tenant 'kansas'", "colorado_state");
    }

    @Test
    void ddlPrintsBothDialectsForOneTenant() {
        CliRun starrocks = run("ddl", "-c", EXAMPLES, "--tenant", "texas_state");
        CliRun mysql = run("ddl", "-c", EXAMPLES, "--dialect", "mysql", "--tenant", "texas_state");

        assertThat(starrocks.out())
                .contains(
                        "CREATE DATABASE IF NOT EXISTS `texas_emergency`",
                        "PRIMARY KEY (`id`)",
                        "DISTRIBUTED BY HASH(`id`)")
                .doesNotContain("colorado");
        assertThat(mysql.out()).contains("ENGINE=InnoDB", "`texas_emergency`.`weather_alerts`", "`audit_log`");
    }

    @Test
    void ddlPrintsTheTenantsAccountRoleAndResourceGroupWithAPasswordPlaceholder() {
        CliRun starrocks = run("ddl", "-c", EXAMPLES, "--tenant", "colorado_state");
        CliRun mysql = run("ddl", "-c", EXAMPLES, "--dialect", "mysql", "--tenant", "colorado_state");

        assertThat(starrocks.out())
                .contains(
                        "CREATE ROLE IF NOT EXISTS `tenant_colorado_state_writer`",
                        "GRANT SELECT, INSERT ON ALL TABLES IN DATABASE `colorado_emergency` TO ROLE"
                                + " `tenant_colorado_state_writer`",
                        "CREATE USER IF NOT EXISTS 'colorado_writer'@'%' IDENTIFIED BY"
                                + " '<tenants.colorado_state.database.password>'",
                        "SET DEFAULT ROLE `tenant_colorado_state_writer` TO 'colorado_writer'@'%'",
                        "CREATE RESOURCE GROUP IF NOT EXISTS `tenant_colorado_state_rg`",
                        // The examples target StarRocks 3.3, which reads any 3.3 patch: before 3.3.5
                        // the CPU share is cpu_core_limit.
                        "WITH (\"cpu_core_limit\" = \"4\", \"mem_limit\" = \"20%\")",
                        "ALTER RESOURCE GROUP `tenant_colorado_state_rg` WITH (\"cpu_core_limit\" = \"4\"")
                .doesNotContain("dev-only-colorado-db")
                .doesNotContain("federal");
        // Escaped, or MySQL would also grant colorado-emergency look-alikes such as coloradoXemergency.
        assertThat(mysql.out())
                .contains(
                        "GRANT SELECT, INSERT ON `colorado\\_emergency`.* TO 'colorado_writer'@'%'",
                        "GRANT UPDATE ON `colorado_emergency`.`disaster_declarations` TO 'colorado_writer'@'%'",
                        "GRANT UPDATE ON `colorado_emergency`.`weather_alerts` TO 'colorado_writer'@'%'")
                .doesNotContain("RESOURCE GROUP")
                .doesNotContain("dev-only-colorado-db");
    }

    @Test
    void provisionWithoutAdminCredentialsSaysWhichAreMissing() {
        CliRun run = run("provision", "-c", EXAMPLES, "--kafka");

        assertThat(run.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--kafka-admin-config", "ENCLAVE_KAFKA_ADMIN_CONFIG");
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
