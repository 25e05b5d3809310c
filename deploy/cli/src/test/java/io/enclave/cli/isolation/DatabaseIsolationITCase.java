package io.enclave.cli.isolation;

import static io.enclave.cli.isolation.SqlReads.count;
import static io.enclave.cli.isolation.SqlReads.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "database": one database and one account per tenant, created by
 * {@code ./enclave provision --database} on a real MariaDB that enforces grants. Tenant B's
 * account tries to read, write and alter tenant A's tables and is refused by the server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseIsolationITCase {
    @TempDir
    static Path dir;

    private static EmbeddedMariaDb db;
    private static IsolationFixture fixture;
    private static IsolationFixture.Run firstRun;

    @BeforeAll
    static void provision() throws Exception {
        db = EmbeddedMariaDb.shared();
        fixture = new IsolationFixture("diso", dir, "localhost:9092", db.rootJdbcUrl(), null);
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(fixture.alpha(), fixture.bravo())) {
                st.execute("DROP DATABASE IF EXISTS `" + t.database().schema() + "`");
                st.execute("DROP USER IF EXISTS '" + t.database().user() + "'@'%'");
            }
        }
        firstRun = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
    }

    @Test
    @Order(1)
    void provisionCreatesDatabasesTablesAccountsAndGrantsAndASecondRunChangesNothing() {
        assertThat(firstRun.exit()).as(firstRun.toString()).isZero();
        // per tenant: database, 6 tables (2 event tables, audit_log, audit_head, audit_anchor, audit_conflict), owner,
        // account, the database grant and UPDATE on each of the 2 event tables
        assertThat(firstRun.lines("CREATED"))
                .as(firstRun.toString())
                .hasSize(24)
                .anySatisfy(l -> assertThat(l).contains("owner of database diso_alpha_db"))
                .anySatisfy(l -> assertThat(l).contains("table diso_alpha_db.audit_log"))
                .anySatisfy(l -> assertThat(l).contains("user 'diso_alpha_writer'@'%'"))
                .anySatisfy(l -> assertThat(l)
                        .contains("grant SELECT, INSERT ON diso_bravo_db.* TO" + " 'diso_bravo_writer'@'%'"));

        IsolationFixture.Run second = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(second.exit()).as(second.toString()).isZero();
        // Per tenant: database, 6 tables, owner, user, SELECT+INSERT on the database, UPDATE on each event table.
        assertThat(second.lines("UNCHANGED")).hasSize(24);
        assertThat(second.lines("CREATED")).isEmpty();
        assertThat(second.lines("CHANGED")).isEmpty();
        for (String secret : fixture.secrets()) {
            assertThat(firstRun.out() + firstRun.err() + second.out() + second.err())
                    .doesNotContain(secret);
        }
    }

    @Test
    @Order(2)
    void tenantBsUserCannotSelectInsertOrAlterTenantAsTables() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String aTable = "`" + a.database().schema() + "`.`disaster_declarations`";

        // A's own user works on A's tables, so the refusals below are grants at work.
        try (Connection own = login(a);
                Statement st = own.createStatement()) {
            assertThat(count(st, aTable)).isZero();
            assertThat(st.executeUpdate("UPDATE " + aTable + " SET state = 'CO' WHERE id = 'none'"))
                    .isZero();
            // Not even A may delete (audit rows stay) or change its own schema.
            assertDenied(() -> st.execute("DELETE FROM " + aTable));
            assertDenied(() -> st.execute("ALTER TABLE " + aTable + " ADD COLUMN x INT"));
            assertDenied(() -> st.execute("SELECT user FROM mysql.user"));
        }
        try (Connection attacker = login(b);
                Statement st = attacker.createStatement()) {
            assertDenied(() -> st.executeQuery("SELECT * FROM " + aTable));
            assertDenied(() -> st.executeQuery("SELECT * FROM `" + a.database().schema() + "`.`audit_log`"));
            assertDenied(() -> st.executeUpdate("INSERT INTO " + aTable + " (id) VALUES ('forged-by-bravo')"));
            assertDenied(() -> st.executeUpdate("UPDATE " + aTable + " SET state = 'TX'"));
            assertDenied(() -> st.execute("ALTER TABLE " + aTable + " ADD COLUMN bravo_was_here INT"));
            assertDenied(() -> st.execute("DROP TABLE " + aTable));
            assertDenied(() -> st.execute("CREATE TABLE `" + a.database().schema() + "`.`bravo_table` (x INT)"));
            assertDenied(() -> st.execute("GRANT SELECT ON `" + a.database().schema() + "`.* TO '"
                    + b.database().user() + "'@'%'"));
            assertThat(strings(st, "SHOW DATABASES"))
                    .contains(b.database().schema())
                    .doesNotContain(a.database().schema());
        }
        assertThatThrownBy(() -> DriverManager.getConnection(
                                db.jdbcUrl(a.database().schema()),
                                b.database().user(),
                                b.database().password().reveal())
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("Access denied");
    }

    @Test
    @Order(3)
    void aGrantAcrossTwoTenantsIsRefusedForBothAndLeftForAHuman() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String acct = "'" + a.database().user() + "'@'%'";
        String crossing = "GRANT SELECT ON `" + b.database().schema() + "`.* TO " + acct;
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute(crossing);
        }
        // From the server alone, A's user holding a grant on B's database looks the same as a
        // second config file naming B's user (or B's database) as its own: revoking it, or
        // resetting a password, could hand one tenant's data to another. Both are refused.
        IsolationFixture.Run run = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.lines("UNEXPECTED"))
                .as(run.toString())
                .hasSize(2)
                .anySatisfy(l -> assertThat(l)
                        .contains("user " + acct)
                        .contains("refused")
                        .contains("already holds privileges on diso_bravo_db"))
                .anySatisfy(l -> assertThat(l)
                        .contains("user 'diso_bravo_writer'@'%'")
                        .contains("refused")
                        .contains("database diso_bravo_db is already granted to " + acct));
        assertThat(run.lines("REMOVED")).isEmpty();
        assertThat(run.lines("CHANGED")).isEmpty();
        assertThat(run.lines("CREATED")).isEmpty();
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("REVOKE SELECT ON `" + b.database().schema() + "`.* FROM " + acct);
        }
        IsolationFixture.Run clean = fixture.provisionDatabase(db.rootUser(), db.rootPassword(), "--dry-run");
        assertThat(clean.exit()).as(clean.toString()).isZero();
    }

    @Test
    @Order(4)
    void dryRunListsEveryDifferenceAndProvisionRepairsWhatIsTheTenants() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String acct = "'" + a.database().user() + "'@'%'";
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("GRANT PROCESS ON *.* TO " + acct);
            // The writer may UPDATE only the event tables it upserts (never an audit table): take one away.
            st.execute("REVOKE UPDATE ON `" + a.database().schema() + "`.`weather_alerts` FROM " + acct);
            st.execute("ALTER USER " + acct + " IDENTIFIED BY 'changed-by-hand'");
            st.execute("CREATE USER 'tenant_diso_alpha_spy'@'%' IDENTIFIED BY 'spy'");
        }
        // A second account of A's user name: from localhost it would even shadow the '%' one.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("CREATE USER '" + a.database().user() + "'@'localhost' IDENTIFIED BY 'second-account'");
        }

        IsolationFixture.Run dryRun = fixture.provisionDatabase(db.rootUser(), db.rootPassword(), "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(1);
        assertThat(dryRun.lines("EXTRA"))
                .as(dryRun.toString())
                .hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("grant PROCESS ON *.* TO " + acct))
                .anySatisfy(l -> assertThat(l).contains("user 'diso_alpha_writer'@'localhost'"));
        assertThat(dryRun.lines("MISSING"))
                .singleElement()
                .asString()
                .contains("grant UPDATE ON " + a.database().schema() + ".weather_alerts TO " + acct);
        assertThat(dryRun.lines("DIFFERS"))
                .singleElement()
                .asString()
                .contains("user " + acct)
                .contains("does not log in");
        assertThat(dryRun.lines("UNEXPECTED")).singleElement().asString().contains("tenant_diso_alpha_spy");

        IsolationFixture.Run repair = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(repair.lines("REMOVED")).as(repair.toString()).hasSize(2);
        assertThat(repair.lines("CREATED")).hasSize(1);
        assertThat(repair.lines("CHANGED")).hasSize(1);
        assertThat(repair.exit()).as("the spy account is left for a human").isEqualTo(1);
        try (Connection c = login(a);
                Statement st = c.createStatement()) {
            assertDenied(() -> st.executeQuery("SELECT * FROM `" + b.database().schema() + "`.`weather_alerts`"));
            assertThat(st.executeUpdate("UPDATE `" + a.database().schema() + "`.`weather_alerts` SET event = 'x'"
                            + " WHERE id = 'none'"))
                    .isZero();
        }

        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP USER 'tenant_diso_alpha_spy'@'%'");
        }
        IsolationFixture.Run clean = fixture.provisionDatabase(db.rootUser(), db.rootPassword(), "--dry-run");
        assertThat(clean.exit()).as(clean.toString()).isZero();
    }

    private static Connection login(TenantConfig tenant) throws SQLException {
        return DriverManager.getConnection(
                db.rootJdbcUrl(),
                tenant.database().user(),
                tenant.database().password().reveal());
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SQLException.class).hasMessageContaining("denied");
    }
}
