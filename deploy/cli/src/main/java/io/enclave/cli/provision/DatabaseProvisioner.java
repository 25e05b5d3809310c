package io.enclave.cli.provision;

import io.enclave.config.GlobalSettings;
import io.enclave.config.ReaderSettings;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.AdminQueries;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.dialect.StarRocksDialect;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reconciles each tenant's database with its config on a MySQL-protocol server (MySQL or
 * MariaDB; StarRocks through {@link StarRocksAccess} for the account side): the database and its
 * tables, the tenant's writer account {@code 'user'@'%'} with its configured password, and exactly
 * SELECT, INSERT and UPDATE on its own database; and each of its readers
 * ({@code tenants.<id>.readers}) with its own password and SELECT alone. Any other
 * privilege of that account (global, on another schema, on a pattern such as {@code ab_c} that
 * also matches {@code abxc}, on a table, a role, GRANT OPTION) is an extra and is revoked.
 * Everything is read from the server's grant tables as the admin; identifiers come from
 * validated config, looked-up values travel as bind parameters. Before any of that, a tenant
 * whose user or database is already another's, or the admin's, is refused and left untouched
 * ({@link TenantDatabase#foreignClaims}): config files claim names independently, so only the
 * server can tell that a second file names a first file's account.
 */
public final class DatabaseProvisioner {
    static final String LAYER = "database";
    private static final String ACCESS_DENIED_STATE = "28000";

    private final Connection admin;
    private final GlobalSettings global;
    private final SqlDialect dialect;

    public DatabaseProvisioner(Connection admin, GlobalSettings global, SqlDialect dialect) {
        this.admin = admin;
        this.global = global;
        this.dialect = dialect;
    }

    public List<Finding> plan(TenantConfig tenant) throws SQLException {
        TenantDatabase database = new TenantDatabase(tenant, dialect);
        List<Finding> findings = new ArrayList<>();
        if (dialect instanceof StarRocksDialect starRocks) {
            // The database and tables as on MySQL (information_schema reads the same); the role,
            // user, grants and resource group through StarRocks' own SHOW statements. Another
            // file's tenant, or the admin, is refused first, as below.
            StarRocksAccess access = new StarRocksAccess(server(), starRocks);
            for (String reason : access.foreignClaims(tenant)) {
                findings.add(Finding.unexpected(
                        tenant.id(),
                        LAYER,
                        "user " + database.account(),
                        "refused: " + reason + "; its password, grants and database are left unchanged"));
            }
            if (!findings.isEmpty()) {
                return findings;
            }
            findings.addAll(schema(tenant, database));
            findings.addAll(access.plan(tenant));
            return findings;
        }
        // Another file's tenant, or the admin, is never provisioned onto: one UNEXPECTED line
        // per reason, and the account, its password, grants and the database stay as they are.
        for (String reason : database.foreignClaims(admin)) {
            findings.add(Finding.unexpected(
                    tenant.id(),
                    LAYER,
                    "user " + database.account(),
                    "refused: " + reason + "; its password, grants and database are left unchanged"));
        }
        if (findings.isEmpty() && unrecordedAccountThatRefusesThePassword(tenant, database)) {
            // A database from before owners were recorded: a file naming its user and schema with
            // a password that does not log in may be a second file, not a rotation; a human decides.
            findings.add(Finding.unexpected(
                    tenant.id(),
                    LAYER,
                    "user " + database.account(),
                    "refused: database "
                            + tenant.database().schema() + " records no owner yet and the configured password does not"
                            + " log in to its existing account; run provision with the tenant's own file, or set the"
                            + " password by hand, before its password is changed"));
        }
        if (!findings.isEmpty()) {
            return findings;
        }
        findings.addAll(schema(tenant, database));
        findings.addAll(account(tenant, database));
        findings.addAll(grants(tenant, database, Grantee.writer(tenant, database)));
        for (ReaderSettings reader : tenant.readers()) {
            findings.addAll(reader(tenant, database, reader));
            findings.addAll(grants(tenant, database, Grantee.reader(database, reader)));
        }
        return findings;
    }

    // ---- database and tables ----

    private List<Finding> schema(TenantConfig tenant, TenantDatabase database) throws SQLException {
        String db = tenant.database().schema();
        List<Finding> findings = new ArrayList<>();
        boolean exists = !strings("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", db)
                .isEmpty();
        findings.add(
                exists
                        ? Finding.inSync(tenant.id(), LAYER, "database " + db, "")
                        : new Finding(
                                tenant.id(),
                                LAYER,
                                "database " + db,
                                Drift.MISSING,
                                "",
                                () -> execute(dialect.createDatabase(db))));
        for (TableDefinition<?> table : TenantTables.all()) {
            String resource = "table " + db + "." + table.name();
            Set<String> live = new TreeSet<>(strings(
                    "SELECT COLUMN_NAME FROM information_schema.COLUMNS" + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                    db,
                    table.name()));
            Set<String> wanted = new TreeSet<>(table.columnNames());
            if (live.isEmpty()) {
                findings.add(new Finding(
                        tenant.id(),
                        LAYER,
                        resource,
                        Drift.MISSING,
                        wanted.size() + " columns",
                        () -> execute(database.createTableStatement(table))));
            } else if (!live.equals(wanted)) {
                Set<String> missing = new TreeSet<>(wanted);
                missing.removeAll(live);
                Set<String> extra = new TreeSet<>(live);
                extra.removeAll(wanted);
                findings.add(Finding.unexpected(
                        tenant.id(),
                        LAYER,
                        resource,
                        "columns differ: missing " + missing + ", extra " + extra
                                + "; a schema change needs a reviewed migration"));
            } else {
                findings.add(Finding.inSync(tenant.id(), LAYER, resource, wanted.size() + " columns"));
            }
        }
        if (dialect instanceof StarRocksDialect) {
            return findings; // StarRocks: no owner mark (TenantDatabase#createSchema neither)
        }
        // Recorded on the server so that another config file naming this database is refused.
        String owner = "owner of database " + db;
        findings.add(
                database.recordedOwner(admin).isPresent()
                        ? Finding.inSync(tenant.id(), LAYER, owner, "tenant " + tenant.id())
                        : new Finding(
                                tenant.id(),
                                LAYER,
                                owner,
                                Drift.MISSING,
                                "tenant " + tenant.id(),
                                () -> execute(database.recordOwnerStatement())));
        return findings;
    }

    // ---- the account ----

    private List<Finding> account(TenantConfig tenant, TenantDatabase database) throws SQLException {
        List<Finding> findings = login(
                tenant,
                tenant.database().user(),
                tenant.database().password().reveal(),
                "user " + database.account(),
                "",
                database.createUserStatement(),
                database.alterPasswordStatement(),
                "a second account of the tenant's user");
        // Exactly the tenant's prefix: tenant_fema_region_4_* starts with tenant_fema_ too, but
        // belongs to fema_region_4, whose database records it as owner, so it is not fema's.
        String prefix = tenant.names().resourcePrefix();
        List<String> longerPrefixes = new ArrayList<>();
        for (String owner : recordedOwners()) {
            String other = "tenant_" + owner + "_";
            if (!owner.equals(tenant.id()) && other.startsWith(prefix)) {
                longerPrefixes.add(other);
            }
        }
        for (String[] row : rows(
                "SELECT User, Host FROM mysql.user WHERE User LIKE ? AND User <> ?",
                prefix.replace("_", "\\_") + "%",
                tenant.database().user())) {
            if (longerPrefixes.stream().anyMatch(row[0]::startsWith)
                    || database.accountUsers().contains(row[0])) {
                continue;
            }
            findings.add(Finding.unexpected(
                    tenant.id(),
                    LAYER,
                    "user " + account(row[0], row[1]),
                    "has the tenant's prefix but is not in the config"));
        }
        return findings;
    }

    /** A reader's account: created when missing, its password set when it does not log in, other hosts dropped. */
    private List<Finding> reader(TenantConfig tenant, TenantDatabase database, ReaderSettings reader)
            throws SQLException {
        List<Finding> findings = login(
                tenant,
                reader.name(),
                reader.password().reveal(),
                "reader " + database.readerAccount(reader),
                "SELECT only on " + tenant.database().schema(),
                database.createReaderStatement(reader),
                database.alterReaderPasswordStatement(reader),
                "a second account of the tenant's reader");
        // mysql.user keeps the limit (0: none); a reader just created has none yet.
        List<String> limit = strings(
                "SELECT max_user_connections FROM mysql.user WHERE User = ? AND Host = ?",
                reader.name(),
                TenantDatabase.ACCOUNT_HOST);
        String resource = "max_user_connections " + reader.maxConnections() + " FOR " + database.readerAccount(reader);
        String wanted = Integer.toString(reader.maxConnections());
        findings.add(
                !limit.isEmpty() && wanted.equals(limit.get(0))
                        ? Finding.inSync(tenant.id(), LAYER, resource, "")
                        : new Finding(
                                tenant.id(),
                                LAYER,
                                resource,
                                limit.isEmpty() ? Drift.MISSING : Drift.DIFFERS,
                                limit.isEmpty() ? "" : "is " + ("0".equals(limit.get(0)) ? "unlimited" : limit.get(0)),
                                () -> execute(database.readerConnectionLimitStatement(reader))));
        return findings;
    }

    /**
     * One account of the tenant, {@code 'user'@'%'}: missing (created), there but its configured
     * password does not log in (set), or in line; and the same name from any other host, a
     * second account with its own password and grants, dropped. The statements hold passwords:
     * they are run, never printed.
     */
    private List<Finding> login(
            TenantConfig tenant,
            String user,
            String password,
            String resource,
            String created,
            String createStatement,
            String alterStatement,
            String otherHost)
            throws SQLException {
        List<Finding> findings = new ArrayList<>();
        List<String> hosts = strings("SELECT Host FROM mysql.user WHERE User = ?", user);
        if (!hosts.contains(TenantDatabase.ACCOUNT_HOST)) {
            findings.add(new Finding(
                    tenant.id(), LAYER, resource, Drift.MISSING, created, () -> executeSecret(createStatement)));
        } else if (!logsIn(user, password)) {
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    resource,
                    Drift.DIFFERS,
                    "the configured password does not log in; setting it",
                    () -> executeSecret(alterStatement)));
        } else {
            findings.add(Finding.inSync(tenant.id(), LAYER, resource, ""));
        }
        for (String host : hosts) {
            if (!TenantDatabase.ACCOUNT_HOST.equals(host)) {
                String other = account(user, host);
                findings.add(new Finding(
                        tenant.id(),
                        LAYER,
                        "user " + other,
                        Drift.EXTRA,
                        otherHost,
                        () -> execute("DROP USER " + other)));
            }
        }
        return findings;
    }

    /** Whether the database exists without a recorded owner while its account exists and the configured password fails. */
    private boolean unrecordedAccountThatRefusesThePassword(TenantConfig tenant, TenantDatabase database)
            throws SQLException {
        boolean schemaExists = !strings(
                        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
                        tenant.database().schema())
                .isEmpty();
        return schemaExists
                && database.recordedOwner(admin).isEmpty()
                && !strings(
                                "SELECT Host FROM mysql.user WHERE User = ? AND Host = ?",
                                tenant.database().user(),
                                TenantDatabase.ACCOUNT_HOST)
                        .isEmpty()
                && !logsIn(tenant);
    }

    private boolean logsIn(TenantConfig tenant) throws SQLException {
        return logsIn(tenant.database().user(), tenant.database().password().reveal());
    }

    private boolean logsIn(String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(global.databaseJdbcUrl(), user, password)) {
            return c.isValid(5);
        } catch (SQLException e) {
            if (ACCESS_DENIED_STATE.equals(e.getSQLState())) {
                return false;
            }
            throw new SQLException("cannot check the login of " + user + ": SQLState " + e.getSQLState() + ", error "
                    + e.getErrorCode());
        }
    }

    // ---- privileges ----

    /**
     * One of the tenant's accounts as the grant tables should show it: the privileges it holds
     * on the tenant's database, whether it upserts (UPDATE per event table), and the statement
     * that grants what is missing.
     */
    private record Grantee(
            String user,
            String account,
            List<String> privileges,
            boolean upserts,
            Function<List<String>, String> grant) {
        static Grantee writer(TenantConfig tenant, TenantDatabase database) {
            return new Grantee(
                    tenant.database().user(),
                    database.account(),
                    TenantDatabase.PRIVILEGES,
                    true,
                    database::grantStatement);
        }

        /** A reader: SELECT on the database, nothing per table, nothing else. */
        static Grantee reader(TenantDatabase database, ReaderSettings reader) {
            return new Grantee(
                    reader.name(),
                    database.readerAccount(reader),
                    TenantDatabase.READER_PRIVILEGES,
                    false,
                    missing -> database.readerGrantStatement(reader));
        }
    }

    private List<Finding> grants(TenantConfig tenant, TenantDatabase database, Grantee who) throws SQLException {
        String db = tenant.database().schema();
        String grantee = who.account();
        String account = who.account();
        List<String> wanted = who.privileges();
        List<Finding> findings = new ArrayList<>();

        Set<String> own = new LinkedHashSet<>();
        Set<String> grantable = new TreeSet<>();
        for (String[] row : rows(
                "SELECT TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE"
                        + " FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ?",
                grantee)) {
            // The server keeps the grant's pattern as it was written: ab\_c from provision, or
            // ab_c from a hand-made grant or an older Enclave, which also matches abxc. Only a
            // pattern that names exactly the tenant's database is its own; the REVOKE repeats
            // the stored pattern verbatim, since that is the only spelling that removes it.
            String schema = row[0];
            String privilege = row[1].toUpperCase(Locale.ROOT);
            Optional<String> exact = MySqlDialect.exactGrantDatabase(schema);
            boolean ownDatabase = exact.isPresent() && exact.get().equals(db);
            if (ownDatabase && wanted.contains(privilege)) {
                own.add(privilege);
            } else {
                findings.add(new Finding(
                        tenant.id(),
                        LAYER,
                        "grant " + privilege + " ON " + schema + ".* TO " + account,
                        Drift.EXTRA,
                        ownDatabase
                                ? "more than " + String.join(", ", wanted)
                                : exact.isPresent()
                                        ? "another schema"
                                        : "a pattern whose unescaped _ or % matches databases other than " + db,
                        () -> execute("REVOKE " + privilege + " ON " + quoteAny(schema) + ".* FROM " + account)));
            }
            if ("YES".equalsIgnoreCase(row[2])) {
                grantable.add(schema);
            }
        }
        // GRANT OPTION is one flag per schema, shown on each of its privileges.
        for (String schema : grantable) {
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    "grant GRANT OPTION ON " + schema + ".* TO " + account,
                    Drift.EXTRA,
                    "would let the tenant hand its access to others",
                    () -> execute("REVOKE GRANT OPTION ON " + quoteAny(schema) + ".* FROM " + account)));
        }
        List<String> missing = new ArrayList<>(wanted);
        missing.removeAll(own);
        String resource = "grant " + String.join(", ", wanted) + " ON " + db + ".* TO " + account;
        findings.add(
                missing.isEmpty()
                        ? Finding.inSync(tenant.id(), LAYER, resource, "")
                        : new Finding(
                                tenant.id(),
                                LAYER,
                                resource,
                                Drift.MISSING,
                                "missing " + String.join(", ", missing),
                                () -> execute(who.grant().apply(missing))));

        for (String privilege : strings(
                "SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES"
                        + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE <> 'USAGE'",
                grantee)) {
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    "grant " + privilege + " ON *.* TO " + account,
                    Drift.EXTRA,
                    "a global privilege reaches every tenant's database",
                    () -> execute("REVOKE " + privilege + " ON *.* FROM " + account)));
        }
        // UPDATE on each event table, for its upserts; never on an audit table (issue 15).
        Set<String> tableGrantsMissing = who.upserts() ? new TreeSet<>(TenantDatabase.upsertTables()) : new TreeSet<>();
        for (String[] row : rows(
                "SELECT TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE"
                        + " FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ?",
                grantee)) {
            if (row[0].equals(db)
                    && TenantDatabase.UPSERT_PRIVILEGE.equalsIgnoreCase(row[2])
                    && tableGrantsMissing.remove(row[1])) {
                findings.add(Finding.inSync(
                        tenant.id(), LAYER, "grant " + row[2] + " ON " + db + "." + row[1] + " TO " + account, ""));
                continue;
            }
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    "grant " + row[2] + " ON " + row[0] + "." + row[1] + " TO " + account,
                    Drift.EXTRA,
                    "a table-level grant is not in the config",
                    () -> execute("REVOKE " + row[2] + " ON " + quoteAny(row[0]) + "." + quoteAny(row[1]) + " FROM "
                            + account)));
        }
        for (String table : tableGrantsMissing) {
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    "grant " + TenantDatabase.UPSERT_PRIVILEGE + " ON " + db + "." + table + " TO " + account,
                    Drift.MISSING,
                    "the event table's upserts need it",
                    () -> execute(database.tableGrantStatement(table))));
        }
        for (String[] row : rows(
                "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, PRIVILEGE_TYPE"
                        + " FROM information_schema.COLUMN_PRIVILEGES WHERE GRANTEE = ?",
                grantee)) {
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    "grant " + row[3] + " (" + row[2] + ") ON " + row[0] + "." + row[1] + " TO " + account,
                    Drift.EXTRA,
                    "a column-level grant is not in the config",
                    () -> execute("REVOKE " + row[3] + " (" + quoteAny(row[2]) + ") ON " + quoteAny(row[0]) + "."
                            + quoteAny(row[1]) + " FROM " + account)));
        }
        for (String role : grantedRoles(who.user())) {
            findings.add(new Finding(
                    tenant.id(),
                    LAYER,
                    "role " + role + " TO " + account,
                    Drift.EXTRA,
                    "a role brings privileges the config does not give",
                    () -> execute("REVOKE " + quoteAny(role) + " FROM " + account)));
        }
        return findings;
    }

    /** Roles granted to the account: MariaDB keeps them in mysql.roles_mapping, MySQL 8 in mysql.role_edges. */
    private List<String> grantedRoles(String user) throws SQLException {
        try {
            return strings(
                    "SELECT Role FROM mysql.roles_mapping WHERE User = ? AND Host = ?",
                    user,
                    TenantDatabase.ACCOUNT_HOST);
        } catch (SQLException notMariaDb) {
            try {
                return strings(
                        "SELECT FROM_USER FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ?",
                        user,
                        TenantDatabase.ACCOUNT_HOST);
            } catch (SQLException neither) {
                return List.of();
            }
        }
    }

    /** Every tenant id recorded as the owner of a database on this server (see TenantDatabase#recordOwnerStatement). */
    private List<String> recordedOwners() throws SQLException {
        List<String> owners = new ArrayList<>();
        for (String comment : strings(
                "SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_NAME = ?"
                        + " AND TABLE_COMMENT LIKE '%(Enclave tenant %)'",
                TenantTables.auditHead().name())) {
            owners.add(comment.substring(
                    comment.lastIndexOf("(Enclave tenant ") + "(Enclave tenant ".length(), comment.length() - 1));
        }
        return owners;
    }

    // ---- helpers ----

    /** The admin connection as {@link StarRocksAccess} reads and changes the server. */
    private StarRocksAccess.Server server() {
        return new StarRocksAccess.Server() {
            @Override
            public List<String[]> query(String sql) throws SQLException {
                return AdminQueries.labelledRows(admin, sql);
            }

            @Override
            public void execute(String sql) throws SQLException {
                DatabaseProvisioner.this.execute(sql);
            }

            @Override
            public void executeSecret(String sql) throws SQLException {
                DatabaseProvisioner.this.executeSecret(sql);
            }

            @Override
            public boolean logsIn(String user, String password) throws SQLException {
                return DatabaseProvisioner.this.logsIn(user, password);
            }
        };
    }

    private static String account(String user, String host) {
        return "'" + user.replace("'", "''") + "'@'" + host.replace("'", "''") + "'";
    }

    /** Quotes a name read back from the server, which need not follow Enclave's own naming rules. */
    private static String quoteAny(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs a statement that holds a password; a failure reports the error code, never the SQL text. */
    private void executeSecret(String sql) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    "account statement failed: SQLState " + e.getSQLState() + ", error " + e.getErrorCode(),
                    e.getSQLState(),
                    e.getErrorCode());
        }
    }

    private List<String> strings(String sql, String... params) throws SQLException {
        return AdminQueries.strings(admin, sql, params);
    }

    private List<String[]> rows(String sql, String... params) throws SQLException {
        return AdminQueries.rows(admin, sql, params);
    }
}
