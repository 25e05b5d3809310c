package io.enclave.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedMariaDbITCase {

    private static EmbeddedMariaDb db;

    @BeforeAll
    static void startDb() throws SQLException {
        db = EmbeddedMariaDb.shared();
        try (Connection root = db.rootConnection();
                Statement s = root.createStatement()) {
            for (String tenant : new String[] {"tenant_a", "tenant_b"}) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + tenant);
                s.execute("CREATE TABLE IF NOT EXISTS " + tenant + ".alerts (id INT PRIMARY KEY, body VARCHAR(100))");
            }
            s.execute("INSERT IGNORE INTO tenant_b.alerts VALUES (1, 'only for b')");
            // Both host forms, as the demo grants them; '%' alone must also work (see below).
            s.execute("CREATE USER IF NOT EXISTS 'writer_a'@'%' IDENTIFIED BY 'pa'");
            s.execute("CREATE USER IF NOT EXISTS 'writer_a'@'localhost' IDENTIFIED BY 'pa'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_a.* TO 'writer_a'@'%'");
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_a.* TO 'writer_a'@'localhost'");
            s.execute("CREATE USER IF NOT EXISTS 'any_host'@'%' IDENTIFIED BY 'ph'");
        }
    }

    @Test
    void sharedIsOneServerAndCloseDoesNotStopIt() throws SQLException {
        EmbeddedMariaDb again = EmbeddedMariaDb.shared();
        again.close();
        assertThat(again).isSameAs(db);
        assertThat(db.isRunning()).isTrue();
        try (Connection c = db.rootConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(db.jdbcUrl("x"))
                .startsWith("jdbc:mysql://localhost:" + db.port() + "/x?rewriteBatchedStatements=true");
    }

    @Test
    void grantedUserWritesItsOwnDatabaseOnly() throws SQLException {
        try (Connection a = DriverManager.getConnection(db.jdbcUrl("tenant_a"), "writer_a", "pa")) {
            try (PreparedStatement insert = a.prepareStatement("REPLACE INTO alerts VALUES (?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "alert ✓ " + i);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            try (Statement s = a.createStatement();
                    ResultSet rs = s.executeQuery("SELECT body FROM alerts WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("alert ✓ 1");
            }
            try (Statement s = a.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT * FROM tenant_b.alerts"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e ->
                                assertThat(((SQLException) e).getErrorCode()).isEqualTo(1142));
            }
        }
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl("tenant_b"), "writer_a", "pa"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1044));
    }

    @Test
    void userCreatedForAnyHostLogsInFromLocalhost() throws SQLException {
        // Fails with "Access denied" if an anonymous ''@'localhost' account shadows 'any_host'@'%'.
        try (Connection c = DriverManager.getConnection(db.rootJdbcUrl(), "any_host", "ph")) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(db.rootJdbcUrl(), "any_host", "wrong"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1045));
    }

    @Test
    void rootNeedsItsPassword() {
        assertThatThrownBy(() -> DriverManager.getConnection(db.rootJdbcUrl(), "root", ""))
                .isInstanceOf(SQLException.class);
    }

    @Test
    void outageAndRestartKeepPortUsersAndData() throws SQLException {
        try (Connection root = db.rootConnection();
                Statement s = root.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS durable");
            s.execute("CREATE TABLE IF NOT EXISTS durable.t (v VARCHAR(20))");
            s.execute("INSERT INTO durable.t VALUES ('kept')");
        }
        int port = db.port();

        db.stop();
        assertThat(db.isRunning()).isFalse();
        assertThatThrownBy(db::rootConnection).isInstanceOf(SQLException.class);

        db.restart();

        assertThat(db.port()).isEqualTo(port);
        try (Connection root = db.rootConnection();
                Statement s = root.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM durable.t WHERE v = 'kept'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isPositive();
        }
        try (Connection a = DriverManager.getConnection(db.jdbcUrl("tenant_a"), "writer_a", "pa")) {
            assertThat(a.isValid(5)).isTrue();
        }
    }
}
