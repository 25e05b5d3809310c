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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "database", attacked through grant patterns: MySQL and MariaDB read {@code _}
 * and {@code %} in a database-level grant as wildcards, so a grant on {@code dgp_ab_c} also
 * opens {@code dgp_abxc}. Two tenants with exactly those schemas are provisioned through
 * {@code ./enclave provision --database} on a real MariaDB; each writer then tries to read and
 * write the other's tables, and a grant left in the old unescaped form must be found and revoked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseGrantPatternITCase {
    private static final String SUITE = "dgp";
    /** The {@code _} after {@code ab} sits where the other schema has an {@code x}: the pattern collides. */
    private static final String ALPHA_SCHEMA = SUITE + "_ab_c";

    private static final String BRAVO_SCHEMA = SUITE + "_abxc";

    @TempDir
    static Path dir;

    private static EmbeddedMariaDb db;
    private static IsolationFixture fixture;
    private static IsolationFixture.Run firstRun;

    @BeforeAll
    static void provision() throws Exception {
        db = EmbeddedMariaDb.shared();
        fixture = new IsolationFixture(
                SUITE,
                dir,
                "localhost:9092",
                db.rootJdbcUrl(),
                null,
                yaml -> yaml.replace("schema: " + SUITE + "_alpha_db", "schema: " + ALPHA_SCHEMA)
                        .replace("schema: " + SUITE + "_bravo_db", "schema: " + BRAVO_SCHEMA));
        assertThat(fixture.alpha().database().schema()).isEqualTo(ALPHA_SCHEMA);
        assertThat(fixture.bravo().database().schema()).isEqualTo(BRAVO_SCHEMA);
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
    void provisionGrantsEachWriterItsOwnDatabaseByAnEscapedName() throws Exception {
        assertThat(firstRun.exit()).as(firstRun.toString()).isZero();
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            assertThat(strings(
                            st, "SHOW GRANTS FOR '" + fixture.alpha().database().user() + "'@'%'"))
                    .anySatisfy(g -> assertThat(g).startsWith("GRANT SELECT, INSERT ON `dgp\\_ab\\_c`.*"))
                    .noneSatisfy(g -> assertThat(g).contains("`dgp_ab_c`.*"));
        }
        // MariaDB keeps the pattern as written, escapes and all; drift detection reads this form back.
        assertThat(schemaPrivileges(fixture.alpha())).containsOnly("dgp\\_ab\\_c");
        assertThat(schemaPrivileges(fixture.bravo())).containsOnly("dgp\\_abxc");

        IsolationFixture.Run second = fixture.provisionDatabase(db.rootUser(), db.rootPassword(), "--dry-run");
        assertThat(second.exit())
                .as("the escaped grant reads back as the tenant's own: " + second)
                .isZero();
        assertThat(second.lines("EXTRA")).isEmpty();
        assertThat(second.lines("MISSING")).isEmpty();
    }

    @Test
    @Order(2)
    void eachWriterIsDeniedSelectInsertAndUpdateOnTheOthersTablesInBothDirections() throws Exception {
        for (TenantConfig[] pair : List.of(
                new TenantConfig[] {fixture.alpha(), fixture.bravo()},
                new TenantConfig[] {fixture.bravo(), fixture.alpha()})) {
            TenantConfig attacker = pair[0];
            TenantConfig victim = pair[1];
            try (Connection c = login(attacker);
                    Statement st = c.createStatement()) {
                // The attacker's own tables work, so what follows is the grant at work, not a broken login.
                String own = "`" + attacker.database().schema() + "`.`disaster_declarations`";
                assertThat(count(st, own)).isZero();
                assertThat(st.executeUpdate("UPDATE " + own + " SET state = 'CO' WHERE id = 'none'"))
                        .isZero();

                for (String table : List.of("disaster_declarations", "audit_log")) {
                    String theirs = "`" + victim.database().schema() + "`.`" + table + "`";
                    assertDenied("SELECT", attacker, table, () -> st.executeQuery("SELECT * FROM " + theirs));
                    assertDenied(
                            "INSERT",
                            attacker,
                            table,
                            () -> st.executeUpdate("INSERT INTO " + theirs + " (tenant_id) VALUES ('forged')"));
                    assertDenied(
                            "UPDATE",
                            attacker,
                            table,
                            () -> st.executeUpdate("UPDATE " + theirs + " SET tenant_id = 'forged'"));
                }
                assertThat(strings(st, "SHOW DATABASES"))
                        .contains(attacker.database().schema())
                        .doesNotContain(victim.database().schema());
            }
        }
    }

    @Test
    @Order(3)
    void anUnescapedGrantLeftByOlderCodeIsFoundAsExtraAndRevokedByRepair() throws Exception {
        TenantConfig alpha = fixture.alpha();
        String acct = "'" + alpha.database().user() + "'@'%'";
        String bravoTable = "`" + BRAVO_SCHEMA + "`.`disaster_declarations`";
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            // Exactly what provision wrote before the fix.
            st.execute("GRANT SELECT, INSERT, UPDATE ON `" + ALPHA_SCHEMA + "`.* TO " + acct);
        }
        // The stale pattern is a real hole: alpha reads bravo's table through it.
        try (Connection c = login(alpha);
                Statement st = c.createStatement()) {
            assertThat(count(st, bravoTable)).isZero();
        }

        IsolationFixture.Run dryRun = fixture.provisionDatabase(db.rootUser(), db.rootPassword(), "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(1);
        assertThat(dryRun.lines("EXTRA"))
                .as(dryRun.toString())
                .hasSize(3)
                .allSatisfy(l -> assertThat(l)
                        .contains("ON " + ALPHA_SCHEMA + ".* TO " + acct)
                        .contains("matches databases other than " + ALPHA_SCHEMA))
                .anySatisfy(l -> assertThat(l).contains("grant SELECT"))
                .anySatisfy(l -> assertThat(l).contains("grant INSERT"))
                .anySatisfy(l -> assertThat(l).contains("grant UPDATE"));
        assertThat(dryRun.lines("MISSING")).isEmpty();

        IsolationFixture.Run repair = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(repair.exit()).as(repair.toString()).isZero();
        assertThat(repair.lines("REMOVED")).as(repair.toString()).hasSize(3);
        assertThat(schemaPrivileges(alpha)).containsOnly("dgp\\_ab\\_c");
        try (Connection c = login(alpha);
                Statement st = c.createStatement()) {
            assertDenied(
                    "SELECT", alpha, "disaster_declarations", () -> st.executeQuery("SELECT * FROM " + bravoTable));
            assertThat(count(st, "`" + ALPHA_SCHEMA + "`.`disaster_declarations`"))
                    .isZero();
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

    /** The server's own refusal: "SELECT command denied to user 'x'@'localhost' for table `db`.`t`". */
    private static void assertDenied(
            String command,
            TenantConfig attacker,
            String table,
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call)
                .as(command + " by " + attacker.id() + " on the other tenant's " + table)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(command + " command denied to user '"
                        + attacker.database().user() + "'")
                .hasMessageContaining(table);
    }

    /** The grant patterns MariaDB stores for the tenant's account, as drift detection reads them. */
    private static List<String> schemaPrivileges(TenantConfig tenant) throws SQLException {
        List<String> patterns = new ArrayList<>();
        try (Connection root = db.rootConnection();
                PreparedStatement ps = root.prepareStatement(
                        "SELECT DISTINCT TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ?")) {
            ps.setString(1, "'" + tenant.database().user() + "'@'%'");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    patterns.add(rs.getString(1));
                }
            }
        }
        return patterns;
    }
}
