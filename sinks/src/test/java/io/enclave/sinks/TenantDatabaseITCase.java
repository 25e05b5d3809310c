package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.Secret;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database layer of isolation on a real MariaDB: the MySQL dialect's DDL runs (twice), and
 * each tenant's user reaches its own database only, without DELETE or DDL.
 */
class TenantDatabaseITCase {

    private static final String TENANT_A = "sinks_db_a";
    private static final String TENANT_B = "sinks_db_b";
    /** Quote and backslash check that the password literal in CREATE USER is escaped. */
    private static final String PASSWORD_A = "pa-'x\\y\"z";

    private static final String PASSWORD_B = "pb-secret";

    private static final MySqlDialect DIALECT = new MySqlDialect();

    private static EmbeddedMariaDb db;
    private static TenantConfig tenantA;
    private static TenantConfig tenantB;

    @BeforeAll
    static void createTenants() throws SQLException {
        db = EmbeddedMariaDb.shared();
        tenantA = tenant(TENANT_A, PASSWORD_A);
        tenantB = tenant(TENANT_B, PASSWORD_B);
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(tenantA, tenantB)) {
                st.execute("DROP DATABASE IF EXISTS " + t.database().schema());
                new TenantDatabase(t, DIALECT).createSchema(root);
                new TenantDatabase(t, DIALECT).createUser(root);
            }
            st.execute("INSERT INTO " + TENANT_B
                    + ".audit_log (record_id, tenant_id, sequence, chained_at, event_time, action,"
                    + " outcome, reason, job_name, operator, subtask, host, source_topic, source_partition,"
                    + " source_offset, principal, fedramp, dora, pii_involved, row_count, first_offset, last_offset,"
                    + " checkpoint_id, prev_hash, hash, signer, signature) VALUES ('b-secret', 'sinks_db_b', 1, NOW(3), NOW(3),"
                    + " 'JOB_START', 'SUCCESS', '', 'job', 'op', 0, 'h', 'cli', 0, -1, 'root', 1, 0, 0, 0, -1, -1,"
                    + " -1, 'p', 'h', 'k', 'm')");
        }
    }

    static TenantConfig tenant(String id, String password) {
        return TenantConfig.builder(id)
                .organization("Org " + id)
                .database(new DatabaseSettings(id, id + "_writer", Secret.of(password), id + "_key"))
                .build();
    }

    private static Connection connectAs(TenantConfig tenant) throws SQLException {
        return DriverManager.getConnection(
                db.jdbcUrl(tenant.database().schema()),
                tenant.database().user(),
                tenant.database().password().reveal());
    }

    @Test
    void schemaStatementsCreateTheDatabaseThenEveryTable() {
        List<String> statements = new TenantDatabase(tenantA, DIALECT).schemaStatements();
        assertThat(statements).hasSize(1 + TenantTables.all().size());
        assertThat(statements.get(0)).isEqualTo(DIALECT.createDatabase(TENANT_A));
        assertThat(statements.subList(1, statements.size()))
                .allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS `" + TENANT_A + "`."));
    }

    @Test
    void ddlCreatesEveryTableWithItsColumnsAndKey() throws SQLException {
        try (Connection root = db.rootConnection()) {
            for (TableDefinition<?> table : TenantTables.all()) {
                assertThat(columnsOf(root, TENANT_A, table.name()))
                        .as(table.name())
                        .containsExactlyElementsOf(table.columnNames());
                try (PreparedStatement ps = root.prepareStatement("SELECT column_name FROM information_schema"
                        + ".key_column_usage WHERE table_schema = ? AND table_name = ? AND constraint_name = 'PRIMARY'"
                        + " ORDER BY ordinal_position")) {
                    ps.setString(1, TENANT_A);
                    ps.setString(2, table.name());
                    assertThat(strings(ps.executeQuery())).containsExactlyElementsOf(table.primaryKey());
                }
            }
            try (PreparedStatement ps = root.prepareStatement("SELECT column_name, column_type, is_nullable FROM"
                    + " information_schema.columns WHERE table_schema = ? AND table_name = 'disaster_declarations'"
                    + " AND column_name IN ('declaration_date', 'ih_program_declared', 'tenant_id')"
                    + " ORDER BY column_name")) {
                ps.setString(1, TENANT_A);
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + " " + rs.getString(2).toLowerCase(Locale.ROOT) + " "
                                + rs.getString(3));
                    }
                }
                assertThat(rows)
                        .containsExactly(
                                "declaration_date datetime(3) YES",
                                "ih_program_declared tinyint(1) YES",
                                "tenant_id varchar(255) NO");
            }
            try (Statement st = root.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT default_collation_name FROM information_schema.schemata WHERE schema_name = '"
                                    + TENANT_A + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("utf8mb4_bin");
            }
        }
    }

    /**
     * AU-9: the job's own account appends audit rows but can neither rewrite nor remove one, nor
     * a signed head; the event tables it upserts it may still UPDATE.
     */
    @Test
    void theWritersAccountCannotUpdateOrDeleteAuditRows() throws SQLException {
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("INSERT IGNORE INTO " + TENANT_A + ".audit_head (tenant_id, sequence, head_hash, checkpoint_id,"
                    + " written_at, signer, signature) VALUES ('" + tenantA.id() + "', 1, 'h', 1, NOW(), 'k', 's')");
        }
        try (Connection a = connectAs(tenantA);
                Statement st = a.createStatement()) {
            for (String table : List.of("audit_log", "audit_head", "audit_anchor", "audit_conflict")) {
                assertDenied(() -> st.executeUpdate("UPDATE " + table + " SET tenant_id = tenant_id"));
                assertDenied(() -> st.executeUpdate("DELETE FROM " + table));
                assertDenied(() -> st.executeUpdate("REPLACE INTO " + table + " SELECT * FROM " + table));
                assertThat(count(st, "SELECT COUNT(*) FROM " + table)).isGreaterThanOrEqualTo(0);
            }
            assertThat(count(st, "SELECT COUNT(*) FROM audit_head")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE disaster_declarations SET state = state WHERE id = 'none'"))
                    .isZero();
            assertDenied(() -> st.executeUpdate("DELETE FROM disaster_declarations WHERE id = 'none'"));
        }
    }

    @Test
    void ddlAndUserCreationAreIdempotentAndKeepRows() throws SQLException {
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            int before = count(st, "SELECT COUNT(*) FROM " + TENANT_B + ".audit_log");
            TenantDatabase database = new TenantDatabase(tenantB, DIALECT);
            database.createSchema(root);
            database.createSchema(root);
            database.createUser(root);
            database.createUser(root);
            assertThat(count(st, "SELECT COUNT(*) FROM " + TENANT_B + ".audit_log"))
                    .isEqualTo(before)
                    .isEqualTo(1);
            assertThat(count(
                            st,
                            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '" + TENANT_B + "'"))
                    .isEqualTo(TenantTables.all().size());
            // One account, 'user'@'%': provisioning drops any other host's account of the same name.
            assertThat(count(st, "SELECT COUNT(*) FROM mysql.user WHERE user = '" + TENANT_B + "_writer'"))
                    .isEqualTo(1);
        }
        try (Connection b = connectAs(tenantB)) {
            assertThat(b.isValid(5)).isTrue();
        }
    }

    @Test
    void tenantUserHasOnlySelectInsertOnItsOwnDatabaseAndUpdateOnItsEventTables() throws SQLException {
        try (Connection a = connectAs(tenantA);
                Statement st = a.createStatement();
                ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            List<String> grants = strings(rs);
            assertThat(grants).hasSize(4);
            assertThat(grants).anySatisfy(g -> assertThat(g).startsWith("GRANT USAGE ON *.* TO `sinks_db_a_writer`@"));
            assertThat(grants)
                    .anySatisfy(g -> assertThat(g)
                            .startsWith("GRANT SELECT, INSERT ON `sinks\\_db\\_a`.* TO `sinks_db_a_writer`@"));
            assertThat(grants)
                    .anySatisfy(g -> assertThat(g)
                            .startsWith(
                                    "GRANT UPDATE ON `sinks_db_a`.`disaster_declarations` TO `sinks_db_a_writer`@"));
            assertThat(grants)
                    .anySatisfy(g -> assertThat(g)
                            .startsWith("GRANT UPDATE ON `sinks_db_a`.`weather_alerts` TO `sinks_db_a_writer`@"));
        }
        try (Connection a = connectAs(tenantA);
                Statement st = a.createStatement()) {
            List<String> visible = strings(st.executeQuery("SHOW DATABASES"));
            assertThat(visible).contains(TENANT_A).doesNotContain(TENANT_B, "mysql");
        }
    }

    @Test
    void tenantUserReadsAndWritesItsOwnTablesButCannotDeleteOrChangeThem() throws SQLException {
        TableDefinition<TenantEvent> table = TenantTables.disasterDeclarations();
        try (Connection a = connectAs(tenantA);
                Statement st = a.createStatement()) {
            // The dialect's upsert, bound by the sink's binder, as the tenant's own user: insert, then update.
            for (String title : List.of("first", "second")) {
                try (PreparedStatement ps = a.prepareStatement(DIALECT.upsert(TENANT_A, table))) {
                    new TenantRowBinder<>(TENANT_A, table, TenantEvent::tenantIdOf)
                            .accept(ps, SinkFixtures.disaster(TENANT_A, "own-1", title, "CO", "WY"));
                    ps.executeUpdate();
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT declaration_title, states, incident_begin_date,"
                    + " ih_program_declared FROM disaster_declarations WHERE id = 'own-1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("second");
                assertThat(rs.getString(2)).isEqualTo("CO,WY");
                assertThat(rs.getObject(3, LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 12, 8, 22, 46, 6));
                assertThat(rs.getBoolean(4)).isTrue();
                assertThat(rs.next()).isFalse();
            }
            assertThat(st.executeUpdate("UPDATE disaster_declarations SET region = 8 WHERE id = 'own-1'"))
                    .isEqualTo(1);

            assertDenied(() -> st.executeUpdate("DELETE FROM disaster_declarations WHERE id = 'own-1'"));
            assertDenied(() -> st.execute("TRUNCATE TABLE disaster_declarations"));
            assertDenied(() -> st.execute("DROP TABLE disaster_declarations"));
            assertDenied(() -> st.execute("ALTER TABLE disaster_declarations ADD COLUMN x INT"));
            assertDenied(() -> st.execute("CREATE TABLE extra (id INT PRIMARY KEY)"));
            assertDenied(() -> st.execute("DROP DATABASE " + TENANT_A));
            assertDenied(() -> st.execute("GRANT SELECT ON " + TENANT_A + ".* TO '" + TENANT_B + "_writer'@'%'"));
            assertDenied(() -> st.executeQuery("SELECT user, password FROM mysql.user"));
            assertThat(count(st, "SELECT COUNT(*) FROM disaster_declarations WHERE id = 'own-1'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void tenantUserCannotTouchAnotherTenantsDatabase() throws SQLException {
        try (Connection a = connectAs(tenantA);
                Statement st = a.createStatement()) {
            assertDenied(() -> st.executeQuery("SELECT * FROM " + TENANT_B + ".audit_log"));
            assertDenied(() -> st.executeQuery("SELECT COUNT(*) FROM `" + TENANT_B + "`.`disaster_declarations`"));
            assertDenied(() -> st.executeUpdate("INSERT INTO " + TENANT_B + ".audit_log (record_id) VALUES ('x')"));
            assertDenied(() -> st.executeUpdate("UPDATE " + TENANT_B + ".audit_log SET detail = 'forged'"));
            assertDenied(() -> st.executeUpdate("DELETE FROM " + TENANT_B + ".audit_log"));
            assertDenied(() -> st.execute("ALTER TABLE " + TENANT_B + ".audit_log ADD COLUMN x INT"));
            assertDenied(() -> st.execute("DROP TABLE " + TENANT_B + ".audit_log"));
            assertDenied(() -> st.execute("DROP DATABASE " + TENANT_B));
            assertDenied(() -> st.execute("USE " + TENANT_B));
            // The sink's own upsert, aimed at B's database, is refused by the server as well.
            TableDefinition<TenantEvent> table = TenantTables.forStream(StreamKind.WEATHER);
            assertDenied(() -> {
                try (PreparedStatement ps = a.prepareStatement(DIALECT.upsert(TENANT_B, table))) {
                    new TenantRowBinder<>(TENANT_A, table, TenantEvent::tenantIdOf)
                            .accept(ps, SinkFixtures.alert(TENANT_A, "a-1", "Severe", "CO"));
                    ps.executeUpdate();
                }
            });
        }
        assertDenied(() -> DriverManager.getConnection(
                        db.jdbcUrl(TENANT_B), tenantA.database().user(), PASSWORD_A)
                .close());
        assertDenied(() -> DriverManager.getConnection(
                        db.jdbcUrl(TENANT_B), tenantA.database().user(), PASSWORD_B)
                .close());
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            assertThat(count(st, "SELECT COUNT(*) FROM " + TENANT_B + ".audit_log"))
                    .isEqualTo(1);
            assertThat(count(st, "SELECT COUNT(*) FROM " + TENANT_B + ".weather_alerts"))
                    .isZero();
        }
    }

    /**
     * The grant older versions made, on the bare name {@code sinks_db_a}, is a pattern that also
     * opens the look-alike {@code sinks_dbxa}. Creating the user again leaves only the exact,
     * escaped grant.
     */
    @Test
    void createUserRevokesTheWildcardGrantOfOlderVersions() throws SQLException {
        String lookAlike = "`sinks_dbxa`.`secrets`";
        String account = "'" + tenantA.database().user() + "'@'%'";
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `sinks_dbxa`");
            st.execute("CREATE TABLE IF NOT EXISTS " + lookAlike + " (x INT)");
            st.execute("GRANT SELECT, INSERT, UPDATE ON `" + TENANT_A + "`.* TO " + account);
        }
        try {
            try (Connection a = connectAs(tenantA);
                    Statement st = a.createStatement()) {
                assertThat(count(st, "SELECT COUNT(*) FROM " + lookAlike))
                        .as("the old grant is a real hole")
                        .isZero();
            }

            try (Connection root = db.rootConnection()) {
                new TenantDatabase(tenantA, DIALECT).createUser(root);
            }

            try (Connection a = connectAs(tenantA);
                    Statement st = a.createStatement()) {
                assertDenied(() -> st.executeQuery("SELECT COUNT(*) FROM " + lookAlike));
                assertDenied(() -> st.executeUpdate("INSERT INTO " + lookAlike + " (x) VALUES (1)"));
                assertThat(count(st, "SELECT COUNT(*) FROM disaster_declarations WHERE id = 'none'"))
                        .isZero();
                assertThat(strings(st.executeQuery("SHOW GRANTS")))
                        .hasSize(4)
                        .noneSatisfy(g -> assertThat(g).contains("`" + TENANT_A + "`.*"));
            }
        } finally {
            try (Connection root = db.rootConnection();
                    Statement st = root.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS `sinks_dbxa`");
            }
        }
    }

    /**
     * Attack: another tenant's config names A's database and A's user with its own password.
     * The tests' and benchmarks' fresh databases run createSchema and createUser; both refuse,
     * naming what is A's, and A's own password still logs in while the thief's does not.
     */
    @Test
    void anotherTenantNamingAsDatabaseAndUserIsRefusedAndAKeepsItsPassword() throws SQLException {
        TenantConfig thief = TenantConfig.builder("sinks_db_thief")
                .organization("Org thief")
                .database(new DatabaseSettings(TENANT_A, tenantA.database().user(), Secret.of("thief-pw"), "k"))
                .build();
        try (Connection root = db.rootConnection()) {
            assertThatThrownBy(() -> new TenantDatabase(thief, DIALECT).createSchema(root))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("refused to provision tenant sinks_db_thief")
                    .hasMessageContaining("database " + TENANT_A + " was created for tenant " + TENANT_A);
            assertThatThrownBy(() -> new TenantDatabase(thief, DIALECT).createUser(root))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("refused to provision tenant sinks_db_thief");
        }
        try (Connection a = connectAs(tenantA);
                Statement st = a.createStatement()) {
            assertThat(count(st, "SELECT COUNT(*) FROM disaster_declarations WHERE id = 'none'"))
                    .isZero();
        }
        assertDenied(() -> DriverManager.getConnection(
                        db.jdbcUrl(TENANT_A), tenantA.database().user(), "thief-pw")
                .close());
    }

    @Test
    void tenantBCannotReadTenantA() throws SQLException {
        try (Connection b = connectAs(tenantB);
                Statement st = b.createStatement()) {
            assertDenied(() -> st.executeQuery("SELECT * FROM " + TENANT_A + ".disaster_declarations"));
            assertDenied(() -> st.executeUpdate("INSERT INTO " + TENANT_A + ".audit_log (record_id) VALUES ('x')"));
        }
    }

    @Test
    void unsafeTenantNamesNeverReachTheServer() {
        TenantConfig evil = TenantConfig.builder("evil")
                .database(new DatabaseSettings("evil; DROP DATABASE sinks_db_a", "evil", Secret.of("x"), "k"))
                .build();
        TenantConfig evilUser = TenantConfig.builder("evil")
                .database(new DatabaseSettings("evil", "x'@'%' IDENTIFIED BY 'y'; --", Secret.of("x"), "k"))
                .build();
        assertThatThrownBy(() -> new TenantDatabase(evil, DIALECT).schemaStatements())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> {
                    try (Connection root = db.rootConnection()) {
                        new TenantDatabase(evilUser, DIALECT).createUser(root);
                    }
                })
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Access denied: 1044 (database), 1045 (login), 1142 (table), 1227 (privilege), 1370 (routine). */
    private static void assertDenied(ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode())
                        .as("%s", e.getMessage())
                        .isIn(1044, 1045, 1142, 1227))
                .satisfies(
                        e -> assertThat(e.getMessage().toLowerCase(Locale.ROOT)).contains("denied"));
    }

    private static List<String> columnsOf(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            return strings(ps.executeQuery());
        }
    }

    private static List<String> strings(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static int count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
