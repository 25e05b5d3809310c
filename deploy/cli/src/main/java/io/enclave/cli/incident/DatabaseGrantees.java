package io.enclave.cli.incident;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The accounts of a MySQL or MariaDB server that can reach a tenant's database, as the server's
 * grant tables say, not as the config says: a reader dropped from the config keeps its account
 * and its grants until someone removes them, and a quarantine must lock it too.
 *
 * <p>An account counts when it holds a database-level grant whose pattern matches the tenant's
 * database ({@code mysql.db} stores {@code tenant\_db}, {@code tenant_db} or {@code tenant%}: its
 * {@code _} and {@code %} are wildcards unless escaped, so the database name is matched against it
 * with {@code LIKE}), or a table, column or routine grant in that database, or a MariaDB role
 * (host {@code ''}) that holds one. The grant tables are read rather than
 * {@code information_schema.SCHEMA_PRIVILEGES}, whose GRANTEE joins user and host into one
 * unescaped string. Accounts with global privileges only (the DBA's) and the admin running the
 * command are left out: locking them would lock the operator out.
 */
public final class DatabaseGrantees {
    private static final String GRANTS = "SELECT User, Host FROM mysql.db WHERE ? LIKE Db"
            + " UNION SELECT User, Host FROM mysql.tables_priv WHERE Db = ?"
            + " UNION SELECT User, Host FROM mysql.columns_priv WHERE Db = ?"
            + " UNION SELECT User, Host FROM mysql.procs_priv WHERE Db = ?";

    private DatabaseGrantees() {}

    /** The accounts, {@code 'user'@'host'}, that hold a grant on {@code schema}, the admin's own excepted. */
    public static List<String> of(Connection db, String schema) throws SQLException {
        Set<String> accounts = new LinkedHashSet<>();
        Deque<String[]> holders = new ArrayDeque<>();
        try (PreparedStatement ps = db.prepareStatement(GRANTS)) {
            for (int i = 1; i <= 4; i++) {
                ps.setString(i, schema);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holders.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        Set<String> rolesSeen = new LinkedHashSet<>();
        while (!holders.isEmpty()) {
            String[] holder = holders.poll();
            if (holder[1].isEmpty()) {
                // A MariaDB role: its members reach the database through it, and a role cannot be locked.
                if (rolesSeen.add(holder[0])) {
                    holders.addAll(roleMembers(db, holder[0]));
                }
                continue;
            }
            accounts.add(account(holder[0], holder[1]));
        }
        accounts.remove(currentAccount(db));
        return new ArrayList<>(accounts);
    }

    /** {@code 'user'@'host'}, quoted for a statement: quotes and backslashes doubled. */
    public static String account(String user, String host) {
        return quote(user) + "@" + quote(host);
    }

    /** Whether the account is locked now ({@code SHOW CREATE USER} ends in {@code ACCOUNT LOCK}). */
    public static boolean isLocked(Connection db, String account) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SHOW CREATE USER " + account)) {
            return rs.next() && rs.getString(1).contains(" ACCOUNT LOCK");
        }
    }

    /** The user part of an account that {@link #account} quoted. */
    public static String user(String account) {
        String quoted = account.substring(0, account.lastIndexOf("@'"));
        return quoted.substring(1, quoted.length() - 1).replace("''", "'").replace("\\\\", "\\");
    }

    private static String quote(String part) {
        return "'" + part.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static List<String[]> roleMembers(Connection db, String role) throws SQLException {
        List<String[]> members = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT User, Host FROM mysql.roles_mapping WHERE Role = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        } catch (SQLException e) {
            // MySQL keeps no mysql.roles_mapping; its roles are accounts (host '%') and are locked as such.
        }
        return members;
    }

    private static String currentAccount(Connection db) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT CURRENT_USER()")) {
            rs.next();
            String current = rs.getString(1);
            int at = current.lastIndexOf('@');
            return account(current.substring(0, at), current.substring(at + 1));
        }
    }
}
