package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Red-team attack: the database counterpart of the Kafka cross-file attack. Schema and user
 * names are claimed per file only, and {@code provision --database} checks nothing on the live
 * server, so a second config file that names the first tenant's schema, or its database user,
 * is provisioned onto it.
 */
class DatabaseCrossFileTakeoverITCase {
    private static final String SUITE = "dxf";

    @TempDir
    static Path dir;

    private static EmbeddedMariaDb db;
    private static IsolationFixture victims;

    @BeforeAll
    static void provisionVictims() throws Exception {
        db = EmbeddedMariaDb.shared();
        victims = new IsolationFixture(SUITE, dir, "localhost:9092", db.rootJdbcUrl(), null);
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(victims.alpha(), victims.bravo())) {
                st.execute("DROP DATABASE IF EXISTS `" + t.database().schema() + "`");
                st.execute("DROP USER IF EXISTS '" + t.database().user() + "'@'%'");
            }
            st.execute("DROP USER IF EXISTS 'dxf_thief_alpha_writer'@'%'");
            st.execute("DROP DATABASE IF EXISTS `dxf_thief_alpha_db`");
            st.execute("DROP DATABASE IF EXISTS `dxf_thief2_alpha_db`");
        }
        IsolationFixture.Run run = victims.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(run.exit()).as(run.toString()).isZero();
        try (Connection c = login(
                        victims.alpha().database().user(),
                        victims.alpha().database().password().reveal());
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO `dxf_alpha_db`.`audit_log` (record_id) VALUES ('victim-row')");
        } catch (SQLException ignored) {
            // the row is only decoration; the grant is what is attacked
        }
    }

    @Test
    void aSecondFileNamingTheVictimsSchemaGetsNoGrantOnIt() throws Exception {
        Path thiefFile = dir.resolve("dxf_thief-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("dxf_thief", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("schema: dxf_thief_alpha_db", "schema: dxf_alpha_db"));
        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--database",
                "--db-admin-user",
                db.rootUser(),
                "--db-admin-password-file",
                IsolationFixture.passwordFile(db.rootPassword()));
        System.out.println("THIEF SCHEMA RUN: " + thief);
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .anySatisfy(l -> assertThat(l)
                        .contains("refused: database dxf_alpha_db is already granted to" + " 'dxf_alpha_writer'@'%'"))
                .anySatisfy(l -> assertThat(l).contains("database dxf_alpha_db was created for tenant dxf_alpha"));
        assertThatThrownBy(() -> {
                    try (Connection c = login("dxf_thief_alpha_writer", "alpha-db-'pw\"\\x");
                            Statement st = c.createStatement()) {
                        st.executeQuery("SELECT COUNT(*) FROM `dxf_alpha_db`.`disaster_declarations`")
                                .close();
                        System.out.println("THIEF READ THE VICTIM'S TABLE");
                    }
                })
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("denied");
    }

    @Test
    void aSecondFileNamingTheVictimsUserAndSchemaCannotTakeTheAccountOver() throws Exception {
        String victimUser = victims.bravo().database().user();
        Path thiefFile = dir.resolve("dxf_thief2-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("dxf_thief2", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxf_thief2_alpha_writer", "user: " + victimUser)
                        .replace("schema: dxf_thief2_alpha_db", "schema: dxf_bravo_db")
                        .replace("password: \"alpha-db-'pw\\\"\\\\x\"", "password: thief-chosen-db-password"));
        assertThat(Files.readString(thiefFile)).contains("user: " + victimUser, "thief-chosen-db-password");
        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--database",
                "--db-admin-user",
                db.rootUser(),
                "--db-admin-password-file",
                IsolationFixture.passwordFile(db.rootPassword()));
        System.out.println("THIEF USER RUN: " + thief);
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .singleElement()
                .asString()
                .contains("user '" + victimUser + "'@'%'")
                .contains("refused: database dxf_bravo_db was created for tenant dxf_bravo, not dxf_thief2_alpha");
        assertThat(thief.lines("CHANGED")).isEmpty();
        assertThatThrownBy(() -> {
                    try (Connection c = login(victimUser, "thief-chosen-db-password");
                            Statement st = c.createStatement()) {
                        st.executeQuery("SELECT COUNT(*) FROM `dxf_bravo_db`.`disaster_declarations`")
                                .close();
                        System.out.println("THIEF LOGGED IN AS THE VICTIM'S DATABASE USER");
                    }
                })
                .isInstanceOf(SQLException.class);
        // and the victim's own password still works
        try (Connection c =
                login(victimUser, victims.bravo().database().password().reveal())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void aSecondFileNamingOnlyTheVictimsUserNeitherResetsItsPasswordNorRevokesItsGrants() throws Exception {
        String victimUser = victims.alpha().database().user();
        Path thiefFile = dir.resolve("dxf_thief3-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("dxf_thief3", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxf_thief3_alpha_writer", "user: " + victimUser)
                        .replace("password: \"alpha-db-'pw\\\"\\\\x\"", "password: thief-chosen-db-password"));
        assertThat(Files.readString(thiefFile)).contains("user: " + victimUser, "thief-chosen-db-password");
        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--database",
                "--db-admin-user",
                db.rootUser(),
                "--db-admin-password-file",
                IsolationFixture.passwordFile(db.rootPassword()));
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .singleElement()
                .asString()
                .contains("refused: user " + victimUser + " already holds privileges on dxf\\_alpha\\_db");
        assertThat(thief.lines("REMOVED")).isEmpty();
        // The victim still logs in with its own password and still reads its own table.
        try (Connection c =
                        login(victimUser, victims.alpha().database().password().reveal());
                Statement st = c.createStatement()) {
            st.executeQuery("SELECT COUNT(*) FROM `dxf_alpha_db`.`disaster_declarations`")
                    .close();
        }
    }

    @Test
    void aFileNamingAnAccountWithOnlyGlobalPrivilegesLeavesItsPasswordAndPrivilegesAlone() throws Exception {
        // A monitoring login someone else made: global SELECT and PROCESS, no grant on any database.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP USER IF EXISTS 'dxf_monitor'@'%'");
            st.execute("CREATE USER 'dxf_monitor'@'%' IDENTIFIED BY 'monitor-own-password'");
            st.execute("GRANT SELECT, PROCESS ON *.* TO 'dxf_monitor'@'%'");
            st.execute("DROP DATABASE IF EXISTS `dxf_thief5_alpha_db`");
        }
        Path thiefFile = dir.resolve("dxf_thief5-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("dxf_thief5", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxf_thief5_alpha_writer", "user: dxf_monitor")
                        .replace("password: \"alpha-db-'pw\\\"\\\\x\"", "password: thief-chosen-db-password"));
        assertThat(Files.readString(thiefFile)).contains("user: dxf_monitor", "thief-chosen-db-password");
        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--database",
                "--db-admin-user",
                db.rootUser(),
                "--db-admin-password-file",
                IsolationFixture.passwordFile(db.rootPassword()));
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .anySatisfy(l -> assertThat(l)
                        .contains("refused: user dxf_monitor already exists with global privileges (")
                        .contains("it is not an account Enclave made"));
        assertThat(thief.lines("REMOVED")).as(thief.toString()).isEmpty();
        assertThatThrownBy(
                        () -> login("dxf_monitor", "thief-chosen-db-password").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("denied");
        try (Connection c = login("dxf_monitor", "monitor-own-password");
                Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            rs.next();
            assertThat(rs.getString(1)).as("its global grant is still there").contains("GRANT SELECT, PROCESS ON *.*");
        }
    }

    @Test
    void aFileNamingTheAdminAccountLeavesItsPasswordAndPrivilegesAlone() throws Exception {
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP USER IF EXISTS 'dxf_dba'@'%'");
            st.execute("CREATE USER 'dxf_dba'@'%' IDENTIFIED BY 'dba-own-password'");
            st.execute("GRANT ALL PRIVILEGES ON *.* TO 'dxf_dba'@'%' WITH GRANT OPTION");
            st.execute("DROP DATABASE IF EXISTS `dxf_thief4_alpha_db`");
        }
        Path thiefFile = dir.resolve("dxf_thief4-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("dxf_thief4", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxf_thief4_alpha_writer", "user: dxf_dba")
                        .replace("password: \"alpha-db-'pw\\\"\\\\x\"", "password: thief-chosen-db-password"));
        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--database",
                "--db-admin-user",
                "dxf_dba",
                "--db-admin-password-file",
                IsolationFixture.passwordFile("dba-own-password"));
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .anySatisfy(l -> assertThat(l)
                        .contains("refused: user dxf_dba is the administrative account" + " provisioning connects as"))
                .anySatisfy(l -> assertThat(l).contains("user dxf_dba is administrative"));
        try (Connection c = login("dxf_dba", "dba-own-password");
                Statement st = c.createStatement()) {
            st.executeQuery("SELECT COUNT(*) FROM mysql.user").close();
        }
        assertThatThrownBy(() -> login("dxf_dba", "thief-chosen-db-password").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("denied");
    }

    /**
     * Item 6 of the review: fema's run listed fema_region_4's users (tenant_fema_region_4_*)
     * as "has the tenant's prefix" and exited 3. Each database records its tenant, so only
     * users under exactly the tenant's own prefix are listed.
     */
    @Test
    void aTenantWhoseIdIsAPrefixOfAnothersDoesNotListTheOthersUsers() throws Exception {
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (String id : List.of("dxp_alpha", "dxp_bravo", "dxp_alpha_alpha", "dxp_alpha_bravo")) {
                st.execute("DROP DATABASE IF EXISTS `" + id + "_db`");
                st.execute("DROP USER IF EXISTS 'tenant_" + id + "_writer'@'%'");
            }
        }
        Path region = dir.resolve("dxp_alpha-tenants.yaml");
        Files.writeString(
                region,
                IsolationFixture.yaml("dxp_alpha", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxp_alpha_alpha_writer", "user: tenant_dxp_alpha_alpha_writer")
                        .replace("user: dxp_alpha_bravo_writer", "user: tenant_dxp_alpha_bravo_writer"));
        Path state = dir.resolve("dxp-tenants.yaml");
        Files.writeString(
                state,
                IsolationFixture.yaml("dxp", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxp_alpha_writer", "user: tenant_dxp_alpha_writer")
                        .replace("user: dxp_bravo_writer", "user: tenant_dxp_bravo_writer"));
        for (Path file : List.of(region, state)) {
            IsolationFixture.Run run = IsolationFixture.cli(
                    "provision",
                    "-c",
                    file.toString(),
                    "--database",
                    "--db-admin-user",
                    db.rootUser(),
                    "--db-admin-password-file",
                    IsolationFixture.passwordFile(db.rootPassword()));
            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.lines("UNEXPECTED")).as(run.toString()).isEmpty();
        }
        // A user under dxp_alpha's own prefix that nobody configured is still listed.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("CREATE USER 'tenant_dxp_alpha_spy'@'%' IDENTIFIED BY 'spy'");
        }
        try {
            IsolationFixture.Run run = IsolationFixture.cli(
                    "provision",
                    "-c",
                    state.toString(),
                    "--database",
                    "--dry-run",
                    "--db-admin-user",
                    db.rootUser(),
                    "--db-admin-password-file",
                    IsolationFixture.passwordFile(db.rootPassword()));
            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.lines("UNEXPECTED"))
                    .as(run.toString())
                    .singleElement()
                    .asString()
                    .contains("tenant_dxp_alpha_spy")
                    .contains("has the tenant's prefix");
        } finally {
            try (Connection root = db.rootConnection();
                    Statement st = root.createStatement()) {
                st.execute("DROP USER 'tenant_dxp_alpha_spy'@'%'");
            }
        }
    }

    /**
     * The upgrade window: a database provisioned before owners were recorded carries none, so
     * a second file naming its user and schema is caught by the password that does not log in.
     */
    @Test
    void aDatabaseWithoutARecordedOwnerIsNotHandedToAFileWhosePasswordFails() throws Exception {
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP USER IF EXISTS 'dxf_old_writer'@'%'");
            st.execute("DROP DATABASE IF EXISTS `dxf_old_db`");
            // What an older Enclave left: the database, its tables, the account and its grant, no owner.
            st.execute("CREATE DATABASE `dxf_old_db`");
            st.execute("CREATE TABLE `dxf_old_db`.`audit_head` (tenant_id VARCHAR(64) PRIMARY KEY)");
            st.execute("CREATE USER 'dxf_old_writer'@'%' IDENTIFIED BY 'old-own-password'");
            st.execute("GRANT SELECT, INSERT, UPDATE ON `dxf\\_old\\_db`.* TO 'dxf_old_writer'@'%'");
        }
        Path thiefFile = dir.resolve("dxf_thief5-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("dxf_thief5", "localhost:9092", db.rootJdbcUrl(), dir)
                        .replace("user: dxf_thief5_alpha_writer", "user: dxf_old_writer")
                        .replace("schema: dxf_thief5_alpha_db", "schema: dxf_old_db")
                        .replace("password: \"alpha-db-'pw\\\"\\\\x\"", "password: thief-chosen-db-password"));
        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--database",
                "--db-admin-user",
                db.rootUser(),
                "--db-admin-password-file",
                IsolationFixture.passwordFile(db.rootPassword()));
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .singleElement()
                .asString()
                .contains("refused: database dxf_old_db records no owner yet");
        try (Connection c = login("dxf_old_writer", "old-own-password")) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    private static Connection login(String user, String password) throws SQLException {
        return DriverManager.getConnection(db.rootJdbcUrl(), user, password);
    }
}
