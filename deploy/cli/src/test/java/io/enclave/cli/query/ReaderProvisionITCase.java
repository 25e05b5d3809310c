package io.enclave.cli.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.cli.CliRun;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.testing.TenantYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code provision --database} on a real MariaDB makes each configured reader an account of its
 * own with SELECT alone on its tenant's database, and finds the readers' drift: a missing
 * reader, a password that no longer logs in, a privilege beyond SELECT.
 */
class ReaderProvisionITCase {
    private static final String TENANT = "rprov_a";
    private static final String OTHER = "rprov_b";
    private static final String READER = "rprov_a_analyst";
    private static final String READER_PASSWORD = "rprov-analyst-pw";

    @TempDir
    static Path dir;

    private static EmbeddedMariaDb db;
    private static Path config;
    private static Path adminPassword;

    @BeforeAll
    static void cleanServer() throws Exception {
        db = EmbeddedMariaDb.shared();
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (String t : List.of(TENANT, OTHER)) {
                st.execute("DROP DATABASE IF EXISTS `" + t + "_db`");
                st.execute("DROP USER IF EXISTS '" + t + "_writer'@'%'");
            }
            st.execute("DROP USER IF EXISTS '" + READER + "'@'%'");
        }
        config = TenantYaml.global("localhost:9092", db.rootJdbcUrl())
                .tenant(
                        TENANT,
                        t -> t.database(TENANT + "_db", TENANT + "_writer", "rprov-a-writer-pw", TENANT + "_key")
                                .keystore("a.bcfks", "rprov-a-keystore", "BCFKS")
                                .set(
                                        "readers",
                                        List.of(Map.of(
                                                "name", READER, "password", READER_PASSWORD, "max_connections", 2))))
                .tenant(
                        OTHER,
                        t -> t.database(OTHER + "_db", OTHER + "_writer", "rprov-b-writer-pw", OTHER + "_key")
                                .keystore("b.bcfks", "rprov-b-keystore", "BCFKS"))
                .write(dir.resolve("tenants.yaml"));
        adminPassword = Files.writeString(dir.resolve("admin.password"), db.rootPassword() + "\n");
    }

    private static CliRun provision(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "provision",
                "-c",
                config.toString(),
                "--database",
                "--db-admin-user",
                db.rootUser(),
                "--db-admin-password-file",
                adminPassword.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static Connection asReader(String password) throws SQLException {
        return DriverManager.getConnection(db.rootJdbcUrl(), READER, password);
    }

    @Test
    void readersGetSelectOnlyOnTheirOwnDatabaseAndDriftIsFoundAndFixed() throws Exception {
        CliRun first = provision();
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out())
                .containsPattern("rprov_a\\s+database\\s+CREATED\\s+reader '" + READER + "'@'%'")
                .containsPattern("CREATED\\s+grant SELECT ON rprov_a_db.\\* TO '" + READER + "'@'%'")
                .doesNotContain(READER_PASSWORD);

        try (Connection c = asReader(READER_PASSWORD);
                Statement st = c.createStatement()) {
            st.executeQuery("SELECT COUNT(*) FROM rprov_a_db.disaster_declarations")
                    .close();
            assertThatThrownBy(() -> st.execute("INSERT INTO rprov_a_db.audit_log (record_id) VALUES ('x')"))
                    .hasMessageContaining("denied");
            assertThatThrownBy(() -> st.executeQuery("SELECT COUNT(*) FROM rprov_b_db.disaster_declarations"))
                    .hasMessageContaining("denied");
        }

        // The server holds the reader to max_connections: a third connection is refused, while
        // the other tenant's writer still connects.
        try (Connection one = asReader(READER_PASSWORD);
                Connection two = asReader(READER_PASSWORD)) {
            assertThat(one.isValid(5) && two.isValid(5)).isTrue();
            assertThatThrownBy(() -> asReader(READER_PASSWORD).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("max_user_connections");
            try (Connection other =
                    DriverManager.getConnection(db.rootJdbcUrl(), OTHER + "_writer", "rprov-b-writer-pw")) {
                assertThat(other.isValid(5)).isTrue();
            }
        }

        CliRun again = provision();
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).containsPattern("UNCHANGED\\s+reader '" + READER + "'@'%'");

        // Drift: a privilege beyond SELECT, and a password changed by hand.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("GRANT INSERT ON `rprov\\_a\\_db`.* TO '" + READER + "'@'%'");
            st.execute("ALTER USER '" + READER + "'@'%' IDENTIFIED BY 'changed-by-hand'");
            st.execute("ALTER USER '" + READER + "'@'%' WITH MAX_USER_CONNECTIONS 0");
        }
        CliRun dry = provision("--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isNotZero();
        assertThat(dry.out())
                .containsPattern("DIFFERS\\s+reader '" + READER + "'@'%'")
                .containsPattern("DIFFERS\\s+max_user_connections 2 FOR '" + READER + "'@'%'\\s+is unlimited")
                .containsPattern("EXTRA\\s+grant INSERT ON rprov\\\\_a\\\\_db.\\* TO '" + READER + "'@'%'");
        CliRun fix = provision();
        assertThat(fix.exit()).as(fix.toString()).isZero();
        try (Connection c = asReader(READER_PASSWORD);
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.execute("INSERT INTO rprov_a_db.audit_log (record_id) VALUES ('x')"))
                    .hasMessageContaining("denied");
        }

        // A reader holding a grant on another tenant's database may be that tenant's account: both
        // tenants are refused and left for a human, as a writer in that position would be.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("GRANT SELECT ON `rprov_b_db`.`weather_alerts` TO '" + READER + "'@'%'");
        }
        CliRun refused = provision();
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out())
                .contains("refused: user " + READER + " already holds privileges on rprov_b_db")
                .contains("refused: database rprov_b_db is already granted to '" + READER + "'@'%'");
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("REVOKE SELECT ON `rprov_b_db`.`weather_alerts` FROM '" + READER + "'@'%'");
        }

        // Drift: the reader dropped; provisioning finds it missing and makes it again.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP USER '" + READER + "'@'%'");
        }
        CliRun missing = provision("--dry-run");
        assertThat(missing.out()).containsPattern("MISSING\\s+reader '" + READER + "'@'%'");
        assertThat(provision().exit()).isZero();
        try (Connection c = asReader(READER_PASSWORD)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }
}
