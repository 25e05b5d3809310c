package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each tenant names its own key store, {@code tenants.<id>.keystore}; the one shared
 * {@code global.keystore} that opened every tenant's keys is refused, not ignored.
 */
class KeystoreConfigTest {
    private static final String MINIMAL_KEYSTORE =
            "    keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: colorado-keystore-password}\n";

    @TempDir
    Path dir;

    @Test
    void eachTenantHasItsOwnStorePasswordAndType() {
        String yaml = MINIMAL.replace(MINIMAL_KEYSTORE, """
                    keystore:
                      path: /var/lib/enclave/keys/colorado_state.p12
                      password: ${COLORADO_KEYSTORE_PASSWORD}
                      type: PKCS12
                """);

        TenantConfig colorado = ConfigFixtures.parse(yaml, Map.of("COLORADO_KEYSTORE_PASSWORD", "from-the-env-1"))
                .tenant("colorado_state");

        assertThat(colorado.keystore())
                .isEqualTo(new KeystoreSettings(
                        "/var/lib/enclave/keys/colorado_state.p12",
                        Secret.of("from-the-env-1"),
                        "PKCS12",
                        colorado.keystore().signingPasswords()));
        assertThat(ConfigFixtures.parse(MINIMAL)
                        .tenant("colorado_state")
                        .keystore()
                        .type())
                .isEqualTo("BCFKS");
    }

    @Test
    void aRelativePathIsRelativeToTheConfigFileNotTheWorkingDirectory() throws IOException {
        Path configDir = Files.createDirectories(dir.resolve("etc/enclave"));
        Path file = configDir.resolve("tenants.yaml");
        Files.writeString(file, MINIMAL.replace("/var/lib/enclave/keys/colorado_state.bcfks", "keys/../keys/co.bcfks"));

        KeystoreSettings store =
                TenantConfigLoader.load(file, Map.of()).tenant("colorado_state").keystore();

        assertThat(store.path())
                .isEqualTo(configDir.resolve("keys/co.bcfks").toAbsolutePath().toString());
        assertThat(Path.of(store.path())).isAbsolute();
    }

    @Test
    void aRelativePathInTextFromNoFileIsRefusedRatherThanTakenFromTheWorkingDirectory() {
        String yaml = MINIMAL.replace("/var/lib/enclave/keys/colorado_state.bcfks", "keys/co.bcfks");

        assertThat(problems(yaml))
                .containsExactly("tenants.colorado_state.keystore.path: is a relative path, but this"
                        + " config was not read from a file whose directory it could be relative to; give an absolute path"
                        + " (line 15)");
    }

    @Test
    void anEmptyOrMissingPasswordIsAnErrorNamingTheField() {
        String fromEmptyVariable = MINIMAL.replace(
                "password: colorado-keystore-password", "password: \"${COLORADO_KEYSTORE_PASSWORD:-}\"");
        String missing = MINIMAL.replace(", password: colorado-keystore-password", "");

        // The build runs tests in development mode, which accepts weak secrets but never an empty key store password.
        String refused = "tenants.colorado_state.keystore.password: must not be empty, not even in development mode:"
                + " it guards every key in the store (line 15)";
        assertThat(problems(fromEmptyVariable)).containsExactly(refused);
        assertThat(problems(missing)).containsExactly(refused);
    }

    @Test
    void aTenantWithoutAStoreOrWithAnUnknownTypeIsRefused() {
        assertThat(problems(MINIMAL.replace(MINIMAL_KEYSTORE, "")))
                .containsExactly("tenants.colorado_state.keystore: is required (line 5)");
        assertThat(problems(MINIMAL.replace(
                        "password: colorado-keystore-password}", "password: colorado-keystore-password, type: JKS}")))
                .containsExactly("tenants.colorado_state.keystore.type: 'JKS' is not one of BCFKS, PKCS12 (line 15)");
    }

    @Test
    void theSharedGlobalStoreIsRefusedWithWhereToMoveItsKeys() {
        String yaml = MINIMAL.replace("tenants:\n", """
                  keystore:
                    path: .enclave/keystore.bcfks
                    password: ${ENCLAVE_KEYSTORE_PASSWORD:-dev-only-keystore}
                tenants:
                """);

        assertThat(problems(yaml))
                .containsExactly("global.keystore: one key store for all tenants is no longer"
                        + " accepted: each tenant now has its own at tenants.<id>.keystore; move the keys out of this store"
                        + " with `enclave keys split`, then delete global.keystore (line 4)");
        assertThat(problems(MINIMAL.replace("tenants:\n", "  keystore:\ntenants:\n")))
                .as("even an empty global.keystore is not silently ignored")
                .hasSize(1)
                .allMatch(p -> p.startsWith("global.keystore: one key store for all tenants is no longer accepted"));
    }

    @Test
    void twoTenantsMayNotShareAStorePasswordAndTheMessageDoesNotShowIt() {
        String yaml = MINIMAL + """
                  texas_state:
                    organization: Texas Division of Emergency Management
                    classification_level: INTERNAL
                    database: {schema: texas_emergency, user: texas_writer, encryption_key: texas_state_key_v1}
                    data_restrictions: {allowed_states: [TX], allowed_classifications: [PUBLIC]}
                    keystore: {path: /var/lib/enclave/keys/texas_state.bcfks, password: "${TEXAS_KEYSTORE_PASSWORD}"}
                """;

        assertThat(problems(yaml, Map.of("TEXAS_KEYSTORE_PASSWORD", "colorado-keystore-password")))
                .containsExactly(
                        "tenants.texas_state.keystore.password: is the same as the key store password of tenant colorado_state;"
                                + " each key store needs a password of its own (line 21)");
    }

    @Test
    void twoTenantsMayNotShareAStoreFile() {
        String yaml = MINIMAL + """
                  texas_state:
                    organization: Texas Division of Emergency Management
                    classification_level: INTERNAL
                    database: {schema: texas_emergency, user: texas_writer, encryption_key: texas_state_key_v1}
                    data_restrictions: {allowed_states: [TX], allowed_classifications: [PUBLIC]}
                    keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: texas-keystore-password}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.texas_state.keystore.path: key store path"
                                + " '/var/lib/enclave/keys/colorado_state.bcfks' is already used by tenant colorado_state (line 21)");
    }
}
