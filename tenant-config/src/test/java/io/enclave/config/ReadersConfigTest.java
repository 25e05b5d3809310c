package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.parse;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tenants.<id>.readers}: each reader is a database account of its own, named and
 * password-checked like the writer, entitled to decrypt only columns the tenant encrypts.
 */
class ReadersConfigTest {
    /** MINIMAL with the writer's password set and {@code readers} appended to the tenant (from line 15 on). */
    private static String withReaders(String readers) {
        return MINIMAL.replace(
                        "      user: colorado_writer\n", "      user: colorado_writer\n      password: ${CO_WRITER}\n")
                + "    readers:\n" + readers;
    }

    private static final Map<String, String> ENV = Map.of(
            "CO_WRITER", "Kq7-colorado-writer-password",
            "CO_ANALYST", "Kq7-colorado-analyst-password");

    @Test
    void readersAreBoundWithTheirEntitlementsAndDefaults() {
        TenantConfig colorado = parse(withReaders("""
                      - {name: co_analyst, password: "${CO_ANALYST}", decrypt: [disaster_declarations.designated_area], max_rows: 50, max_connections: 2}
                      - {name: co_auditor, password: other-strong-password, decrypt: all}
                      - {name: co_viewer, password: third-strong-password}
                """), ENV).tenant("colorado_state");

        assertThat(colorado.readers())
                .extracting(ReaderSettings::name)
                .containsExactly("co_analyst", "co_auditor", "co_viewer");
        ReaderSettings analyst = colorado.reader("co_analyst").orElseThrow();
        assertThat(analyst.password().reveal()).isEqualTo("Kq7-colorado-analyst-password");
        assertThat(analyst.maxRows()).isEqualTo(50);
        assertThat(analyst.maxConnections()).isEqualTo(2);
        assertThat(analyst.mayDecrypt("disaster_declarations", "designated_area"))
                .isTrue();
        assertThat(analyst.mayDecrypt("weather_alerts", "description")).isFalse();
        assertThat(colorado.reader("co_auditor").orElseThrow().mayDecrypt("weather_alerts", "description"))
                .isTrue();
        ReaderSettings viewer = colorado.reader("co_viewer").orElseThrow();
        assertThat(viewer.mayDecrypt("disaster_declarations", "designated_area"))
                .isFalse();
        assertThat(viewer.maxRows()).isEqualTo(ReaderSettings.DEFAULT_MAX_ROWS);
        assertThat(viewer.maxConnections()).isEqualTo(ReaderSettings.DEFAULT_MAX_CONNECTIONS);
        // A job's graph carries no reader password; only the CLI, which queries, keeps them.
        assertThat(colorado.forSigner("job").readers()).isEmpty();
        assertThat(colorado.forSigner("cli").readers()).hasSize(3);
    }

    private static final String OWN = "; a reader needs a password of its own, or it would open what that one opens";

    @Test
    void aReaderWithTheWritersPasswordIsRefusedNamingWhoseItIs() {
        assertThat(problems(withReaders("      - {name: co_analyst, password: \"${CO_WRITER}\"}\n"), ENV))
                .containsExactly("tenants.colorado_state.readers[0].password: is the same as the writer's password of"
                        + " tenant colorado_state (database.password)" + OWN + " (line 18)");
    }

    @Test
    void aReaderWithAKeyStorePasswordOrAnotherReadersIsRefused() {
        assertThat(problems(withReaders("""
                      - {name: co_one, password: colorado-keystore-password}
                      - {name: co_two, password: "${CO_ANALYST}"}
                      - {name: co_three, password: "${CO_ANALYST}"}
                """), ENV))
                .containsExactly(
                        "tenants.colorado_state.readers[0].password: is the same as the key store password of tenant"
                                + " colorado_state" + OWN + " (line 18)",
                        "tenants.colorado_state.readers[2].password: is the same as the password of reader co_two of"
                                + " tenant colorado_state" + OWN + " (line 20)");
    }

    @Test
    void namesFollowTheAccountRulesAndAreNoOtherAccount() {
        assertThat(problems(withReaders("""
                      - {name: "co_%", password: strong-password-one}
                      - {name: colorado_writer, password: strong-password-two}
                      - {name: root, password: strong-password-three}
                      - {name: co_a, password: strong-password-four}
                      - {name: co_a, password: strong-password-five}
                """), ENV))
                .containsExactly(
                        "tenants.colorado_state.readers[0].name: 'co_%' must match [a-z][a-z0-9_]{1,31} (line 18)",
                        "tenants.colorado_state.readers[1].name: database user 'colorado_writer' is already used by"
                                + " tenant colorado_state (line 19)",
                        "tenants.colorado_state.readers[2].name: 'root' is an administrative account; give the reader its own"
                                + " user (line 20)",
                        "tenants.colorado_state.readers[4].name: database user 'co_a' is already used by tenant"
                                + " colorado_state (line 22)");
    }

    @Test
    void decryptNamesOnlyColumnsTheTenantEncrypts() {
        String expected = "; expected one of disaster_declarations.designated_area, disaster_declarations.place_code,"
                + " weather_alerts.area_desc, weather_alerts.description, weather_alerts.instruction (line 20)";
        assertThat(problems(withReaders("""
                      - name: co_analyst
                        password: strong-password-one
                        decrypt: [disaster_declarations.designated_area, disaster_declarations.id, weather_alerts.nope]
                        max_rows: 0
                        max_connections: 0
                      - {name: co_b, password: strong-password-two, decrypt: everything, colour: red}
                """), ENV))
                .containsExactly(
                        "tenants.colorado_state.readers[0].decrypt[1]: 'disaster_declarations.id' is not an encrypted"
                                + " column of tenant colorado_state" + expected,
                        "tenants.colorado_state.readers[0].decrypt[2]: 'weather_alerts.nope' is not an encrypted"
                                + " column of tenant colorado_state" + expected,
                        "tenants.colorado_state.readers[0].max_rows: must be between 1 and 1000000, got '0' (line 21)",
                        // 0 is "no limit" to the server: refused, never passed on
                        "tenants.colorado_state.readers[0].max_connections: must be between 1 and 1000, got '0'"
                                + " (line 22)",
                        "tenants.colorado_state.readers[1].colour: unknown key 'colour'; expected one of name,"
                                + " password, decrypt, max_rows, max_connections (line 23)",
                        "tenants.colorado_state.readers[1].decrypt: 'everything' is not a list of table.column names"
                                + " or all (line 23)");
    }
}
