package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.enclave.embedded.EmbeddedMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code probe} calls "denied" on a real MariaDB: the server's privilege refusals, and not
 * the other errors that share their SQLState 42000, such as a syntax error.
 */
class ProbeDenialITCase {
    private static final String TARGET = "probe_denial_target";
    private static final String ATTACKER = "probe_denial_attacker";
    /** A database the attacker holds no privilege on at all. */
    private static final String UNGRANTED = "probe_denial_ungranted";

    private static final String PASSWORD = "pw-probe-denial";

    private static EmbeddedMariaDb database;

    @BeforeAll
    static void twoSchemasAndAnAttackerWithGrantsOnItsOwnOnly() throws SQLException {
        database = EmbeddedMariaDb.shared();
        root(
                "DROP DATABASE IF EXISTS " + TARGET,
                "DROP DATABASE IF EXISTS " + ATTACKER,
                "DROP DATABASE IF EXISTS " + UNGRANTED,
                "CREATE DATABASE " + TARGET,
                "CREATE DATABASE " + ATTACKER,
                "CREATE DATABASE " + UNGRANTED,
                "CREATE TABLE " + TARGET
                        + ".disaster_declarations (id VARCHAR(64) PRIMARY KEY, secret_col VARCHAR(64))",
                "DROP USER IF EXISTS '" + ATTACKER + "'@'%'",
                "CREATE USER '" + ATTACKER + "'@'%' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL ON " + ATTACKER + ".* TO '" + ATTACKER + "'@'%'",
                // One column of the target's table, so a read of another column is a column-level refusal.
                "GRANT SELECT (id) ON " + TARGET + ".disaster_declarations TO '" + ATTACKER + "'@'%'");
    }

    @Test
    void aTableTheAttackerHasNoGrantOnIsDenied() {
        SQLException e = asAttacker("INSERT INTO " + TARGET + ".disaster_declarations (id) VALUES ('x')");
        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1142);
        assertThat(ProbeCommand.isAccessDenied(e)).isTrue();
    }

    @Test
    void aColumnTheAttackerHasNoGrantOnIsDenied() {
        SQLException e = asAttacker("SELECT secret_col FROM " + TARGET + ".disaster_declarations");
        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1143);
        assertThat(ProbeCommand.isAccessDenied(e)).isTrue();
    }

    @Test
    void aDatabaseTheAttackerHasNoGrantOnIsDenied() {
        SQLException e = asAttacker("USE " + UNGRANTED);
        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1044);
        assertThat(ProbeCommand.isAccessDenied(e)).isTrue();
    }

    @Test
    void aSyntaxErrorSharesSqlState42000ButIsNotADenial() {
        SQLException e = asAttacker("SELEC COUNT(*) FROM " + TARGET + ".disaster_declarations");
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("42000");
        assertThat(e.getErrorCode()).isEqualTo(1064);
        assertThat(ProbeCommand.isAccessDenied(e))
                .as("a syntax error proves nothing about isolation")
                .isFalse();
    }

    @Test
    void aRefusedLoginIsNotADenialBecauseTheAttackerNeverGotToTry() {
        SQLException e = catchThrowableOfType(
                SQLException.class,
                () -> DriverManager.getConnection(database.jdbcUrl(ATTACKER), ATTACKER, "wrong-password")
                        .close());
        assertThat(e.getErrorCode()).as(e.getMessage()).isEqualTo(1045);
        assertThat(ProbeCommand.isAccessDenied(e)).isFalse();
    }

    private static SQLException asAttacker(String sql) {
        return catchThrowableOfType(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection(database.jdbcUrl(ATTACKER), ATTACKER, PASSWORD);
                    Statement st = c.createStatement()) {
                st.execute(sql);
            }
        });
    }

    private static void root(String... sql) throws SQLException {
        try (Connection c = database.rootConnection();
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
