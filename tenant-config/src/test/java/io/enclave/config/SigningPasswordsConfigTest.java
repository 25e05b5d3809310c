package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The passwords of a tenant's audit signing key stores, {@code tenants.<id>.keystore.signing_passwords},
 * are secrets like every other: typed, from {@code ${VAR}}, refused outside development mode
 * when a development default or short, named by path and line, and each its own.
 */
class SigningPasswordsConfigTest {
    private static final String MINIMAL_KEYSTORE =
            "    keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: colorado-keystore-password}\n";
    private static final String HOW = " (" + DevMode.HOW_TO_ENABLE + ")";

    /** MINIMAL with the key store written out as a block whose signing_passwords are {@code roles} (line 19 on). */
    private static String withSigning(String roles) {
        return MINIMAL.replace(MINIMAL_KEYSTORE, """
                    keystore:
                      path: /var/lib/enclave/keys/colorado_state.bcfks
                      password: colorado-keystore-password
                      signing_passwords:
                """ + roles);
    }

    private static final String FROM_ENV = """
                    job: ${CO_JOB_SIGNING}
                    ingest: ${CO_INGEST_SIGNING}
                    cli: ${CO_CLI_SIGNING}
            """;
    private static final Map<String, String> STRONG = Map.of(
            "CO_JOB_SIGNING",
            "Kq7-colorado-job-signing",
            "CO_INGEST_SIGNING",
            "Kq7-colorado-ingest-signing",
            "CO_CLI_SIGNING",
            "Kq7-colorado-cli-signing");

    /** The problems of the signing passwords; MINIMAL has others outside development mode (no TLS, no passwords). */
    private static List<String> problems(String yaml, Map<String, String> env, DevMode mode) {
        return ConfigFixtures.lines(failure(() -> TenantConfigLoader.parse(yaml, "t.yaml", env, mode))).stream()
                .filter(p -> p.contains("signing_passwords"))
                .toList();
    }

    /** {@code yaml} made loadable outside development mode: SASL_SSL and every other password given. */
    private static TenantConfig loadOutsideDevelopmentMode(String yaml) {
        String production = yaml.replace(
                                "{bootstrap_servers: \"localhost:9092\"}",
                                "{bootstrap_servers: \"localhost:9092\", security_protocol: SASL_SSL}")
                        .replace(
                                "      user: colorado_writer\n",
                                "      user: colorado_writer\n      password: Kq7-colorado-db-password\n")
                + "    kafka: {username: tenant_colorado_state, password: Kq7-colorado-kafka-password}\n";
        return TenantConfigLoader.parse(production, "t.yaml", STRONG, DevMode.OFF)
                .tenant("colorado_state");
    }

    @Test
    void eachRolesPasswordComesFromTheEnvironmentAndAProcessKeepsOnlyItsOwn() {
        TenantConfig colorado = loadOutsideDevelopmentMode(withSigning(FROM_ENV));

        SigningPasswords all = colorado.keystore().signingPasswords();
        assertThat(List.of(all.job().reveal(), all.ingest().reveal(), all.cli().reveal()))
                .containsExactly("Kq7-colorado-job-signing", "Kq7-colorado-ingest-signing", "Kq7-colorado-cli-signing");
        SigningPasswords job = colorado.forSigner("job").keystore().signingPasswords();
        assertThat(job.job().reveal()).isEqualTo("Kq7-colorado-job-signing");
        assertThat(job.ingest().isEmpty()).isTrue();
        assertThat(job.cli().isEmpty()).isTrue();
        assertThat(colorado.forSigner("cli").keystore().signingPasswords().job().isEmpty())
                .isTrue();
        assertThat(colorado.keystore().toString()).doesNotContain("Kq7");
    }

    @Test
    void developmentDefaultsAndShortPasswordsAreRefusedOutsideDevelopmentModeNamingFieldAndLine() {
        String yaml = withSigning("""
                    job: ${CO_JOB_SIGNING:-dev-only-colorado_state-job-signing}
                    ingest: ${CO_INGEST_SIGNING}
                    cli: short-cli-pw
            """);

        List<String> problems = problems(yaml, Map.of("CO_INGEST_SIGNING", "Kq7-colorado-ingest-signing"), DevMode.OFF);

        assertThat(problems)
                .containsExactly(
                        "tenants.colorado_state.keystore.signing_passwords.job: is a development default (dev-only-...);"
                                + " set a real secret, or turn on development mode" + HOW + " (line 19)",
                        "tenants.colorado_state.keystore.signing_passwords.cli: is shorter than 16 characters; set a"
                                + " stronger secret, or turn on development mode" + HOW + " (line 21)");
        assertThat(String.join("\n", problems)).doesNotContain("dev-only-colorado_state", "short-cli-pw");
        // In development mode the same file loads, defaults and all.
        assertThat(TenantConfigLoader.parse(yaml, "t.yaml", Map.of("CO_INGEST_SIGNING", "x"), DevMode.ON)
                        .tenant("colorado_state")
                        .keystore()
                        .signingPasswords()
                        .cli()
                        .reveal())
                .isEqualTo("short-cli-pw");
    }

    @Test
    void outsideDevelopmentModeTheSectionIsRequiredButARoleAProcessDoesNotSignAsMayBeLeftOut() {
        assertThat(problems(MINIMAL, Map.of(), DevMode.OFF))
                .containsExactly(
                        "tenants.colorado_state.keystore.signing_passwords: is required outside development mode; set the"
                                + " passwords of the roles this process signs as (job, ingest, cli), for example from"
                                + " ${VAR}, or turn on development mode" + HOW + " (line 15)");

        // A tenant job's own config slice: only the job's password.
        SigningPasswords onlyJob = loadOutsideDevelopmentMode(withSigning("        job: ${CO_JOB_SIGNING}\n"))
                .keystore()
                .signingPasswords();
        assertThat(onlyJob.job().reveal()).isEqualTo("Kq7-colorado-job-signing");
        assertThat(onlyJob.ingest().isEmpty()).isTrue();
        assertThat(onlyJob.cli().isEmpty()).isTrue();
    }

    @Test
    void inDevelopmentModeAMissingRoleGetsItsDevelopmentDefaultButAnEmptyOneIsRefused() {
        SigningPasswords defaults = ConfigFixtures.parse(MINIMAL)
                .tenant("colorado_state")
                .keystore()
                .signingPasswords();
        assertThat(defaults.job().reveal()).isEqualTo("dev-only-colorado_state-job-signing");
        assertThat(defaults.cli().reveal()).isEqualTo("dev-only-colorado_state-cli-signing");

        assertThat(problems(withSigning("        ingest: \"${CO_INGEST_SIGNING:-}\"\n"), Map.of(), DevMode.ON))
                .containsExactly("tenants.colorado_state.keystore.signing_passwords.ingest: must not be empty, not"
                        + " even in development mode: it guards every key in the store (line 19)");
    }

    @Test
    void aRolesPasswordMayOpenNoOtherStore() {
        String yaml = withSigning("""
                    job: colorado-keystore-password
                    ingest: ${CO_INGEST_SIGNING}
                    cli: ${CO_INGEST_SIGNING}
                    root: anything
            """);

        assertThat(problems(yaml, STRONG, DevMode.OFF))
                .containsExactly(
                        "tenants.colorado_state.keystore.signing_passwords.job: is the same as the key store password of"
                                + " tenant colorado_state; each key store needs a password of its own (line 19)",
                        "tenants.colorado_state.keystore.signing_passwords.cli: is the same as the ingest signing key store"
                                + " password of tenant colorado_state; each key store needs a password of its own (line 21)",
                        "tenants.colorado_state.keystore.signing_passwords.root: unknown key 'root'; expected one of job,"
                                + " ingest, cli (line 22)");
    }
}
