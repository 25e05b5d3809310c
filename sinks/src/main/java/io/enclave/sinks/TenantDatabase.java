package io.enclave.sinks;

import io.enclave.config.ReaderSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tenant's database as DDL: the database, its tables, the tenant's own account with
 * privileges on that database alone and, in the StarRocks dialect, the tenant's role and
 * resource group. Every identifier comes from validated config; the one value that cannot be
 * a bind parameter, the password in {@code IDENTIFIED BY}, is an escaped literal and is only
 * ever spelled out for the statement that is executed, never for printing.
 */
public final class TenantDatabase {
    /**
     * What the tenant's account may do on its whole database: read and append. No UPDATE and no
     * DELETE, so the job cannot rewrite or remove an audit row (AU-9), and no DDL or GRANT, so
     * it cannot widen its access. The event tables' upserts get UPDATE per table, see
     * {@link #UPSERT_PRIVILEGE}.
     */
    public static final List<String> PRIVILEGES = List.of("SELECT", "INSERT");

    /**
     * The one table-level privilege, on the event tables only: MySQL and MariaDB need it for
     * {@code INSERT ... ON DUPLICATE KEY UPDATE}. StarRocks needs none, as a load into a PRIMARY
     * KEY table replaces rows with the INSERT privilege alone; its audit tables are DUPLICATE
     * KEY tables, where an INSERT can only append.
     */
    public static final String UPSERT_PRIVILEGE = "UPDATE";

    /** The host part of the tenant's accounts; connections are limited by network policy, not by host. */
    public static final String ACCOUNT_HOST = "%";

    /**
     * What each of the tenant's readers ({@code tenants.<id>.readers}) may do: read its own
     * database, nothing else. Grants are the only filter {@code enclave query} has.
     */
    public static final List<String> READER_PRIVILEGES = List.of("SELECT");

    private final TenantConfig tenant;
    private final SqlDialect dialect;

    public TenantDatabase(TenantConfig tenant, SqlDialect dialect) {
        this.tenant = tenant;
        this.dialect = dialect;
    }

    /** CREATE DATABASE and CREATE TABLE statements, idempotent, in order. */
    public List<String> schemaStatements() {
        String database = tenant.database().schema();
        List<String> statements = new ArrayList<>();
        statements.add(dialect.createDatabase(database));
        for (TableDefinition<?> table : TenantTables.all(tenant.processing().encryptedFields())) {
            statements.add(createTableStatement(table));
        }
        return statements;
    }

    /** The table's CREATE TABLE as {@link #schemaStatements} has it: append-only and partitioned where due. */
    public String createTableStatement(TableDefinition<?> table) {
        String database = tenant.database().schema();
        boolean log = table.name().equals(TenantTables.auditLog().name());
        return TenantTables.APPEND_ONLY.contains(table.name())
                ? dialect.createAppendOnlyTable(database, table, log ? auditRetention() : null)
                : dialect.createTable(database, table);
    }

    /** The audit log is kept for the tenant's {@code audit_requirements.retention_days}. */
    public io.enclave.sinks.schema.DayPartitionRetention auditRetention() {
        return new io.enclave.sinks.schema.DayPartitionRetention(
                TenantTables.AUDIT_PARTITION_COLUMN, tenant.auditRequirements().retentionDays());
    }

    /**
     * The account, grant, role and resource-group statements for a DBA to review. The password
     * is a placeholder naming the config key it comes from, so the output can be pasted into a
     * ticket; the DBA substitutes the value.
     */
    public List<String> accessStatements() {
        String placeholder = "'<" + "tenants." + tenant.id() + ".database.password>'";
        List<String> statements = accessStatements(placeholder);
        statements.addAll(readerStatements());
        return statements;
    }

    /**
     * Each reader's account with SELECT alone on the tenant's database, passwords as
     * placeholders. StarRocks holds the privilege on the role {@link #readerRoleName}, granted
     * to each reader and made its default role; MySQL and MariaDB grant it to each account.
     */
    private List<String> readerStatements() {
        List<String> statements = new ArrayList<>();
        if (tenant.readers().isEmpty()) {
            return statements;
        }
        String database = dialect.grantDatabase(tenant.database().schema());
        String privileges = String.join(", ", READER_PRIVILEGES);
        String role = SqlDialect.quote(readerRoleName());
        if (isStarRocks()) {
            statements.add("CREATE ROLE IF NOT EXISTS " + role);
            statements.add("GRANT " + privileges + " ON ALL TABLES IN DATABASE " + database + " TO ROLE " + role);
        }
        for (ReaderSettings reader : tenant.readers()) {
            String account = readerAccount(reader);
            String placeholder = "'<tenants." + tenant.id() + ".readers[" + reader.name() + "].password>'";
            statements.add("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + placeholder);
            if (isStarRocks()) {
                statements.add("GRANT " + role + " TO USER " + account);
                statements.add("SET DEFAULT ROLE " + role + " TO " + account);
            } else {
                statements.add(readerGrantStatement(reader));
            }
            statements.add(readerConnectionLimitStatement(reader));
        }
        return statements;
    }

    private List<String> accessStatements(String passwordLiteral) {
        // Spelled by the dialect: MySQL and MariaDB need the wildcards escaped, StarRocks not.
        String database = dialect.grantDatabase(tenant.database().schema());
        String account = account();
        String privileges = String.join(", ", PRIVILEGES);
        List<String> statements = new ArrayList<>();
        if ("starrocks".equals(dialect.name())) {
            // Privileges live on the role, so a DBA can audit one object per tenant; the default
            // role makes them active at login, which StarRocks does not do for granted roles.
            String role = SqlDialect.quote(roleName());
            statements.add("CREATE ROLE IF NOT EXISTS " + role);
            statements.add("GRANT " + privileges + " ON ALL TABLES IN DATABASE " + database + " TO ROLE " + role);
            statements.add("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + passwordLiteral);
            statements.add("GRANT " + role + " TO USER " + account);
            statements.add("SET DEFAULT ROLE " + role + " TO " + account);
            List<String> roles = new ArrayList<>(List.of(roleName()));
            if (!tenant.readers().isEmpty()) {
                roles.add(readerRoleName());
            }
            statements.addAll(((io.enclave.sinks.dialect.StarRocksDialect) dialect)
                    .resourceGroupStatements(
                            resourceGroupName(), tenant.database().user(), roles, tenant.resourceGroup()));
        } else {
            statements.add("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + passwordLiteral);
            statements.add("GRANT " + privileges + " ON " + database + ".* TO " + account);
            statements.addAll(tableGrantStatements());
        }
        return statements;
    }

    /** The tables the job upserts (the event tables): the only ones its account may UPDATE. */
    public static List<String> upsertTables() {
        return java.util.Arrays.stream(io.enclave.config.StreamKind.values())
                .map(io.enclave.config.StreamKind::table)
                .toList();
    }

    /**
     * {@code GRANT UPDATE ON db.table TO account} per event table, for MySQL and MariaDB. A
     * table-level grant names its database literally (no pattern), so the name is not escaped.
     * The tables must exist first: run after {@link #createSchema}.
     */
    public List<String> tableGrantStatements() {
        List<String> statements = new ArrayList<>();
        for (String table : upsertTables()) {
            statements.add(tableGrantStatement(table));
        }
        return statements;
    }

    /** {@code GRANT UPDATE ON db.table TO account}. */
    public String tableGrantStatement(String table) {
        return "GRANT " + UPSERT_PRIVILEGE + " ON "
                + SqlDialect.qualified(tenant.database().schema(), table) + " TO " + account();
    }

    /** The tenant's account, {@code 'user'@'%'}; the user name is validated as {@code [a-z][a-z0-9_]*}. */
    public String account() {
        SqlDialect.quote(tenant.database().user());
        return "'" + tenant.database().user() + "'@'" + ACCOUNT_HOST + "'";
    }

    /**
     * Every database account of the tenant, {@code 'user'@'%'}: its writer first, then its
     * readers in config order. What must be locked to stop the tenant's access, or checked for
     * drift, is exactly this list.
     */
    public List<String> accounts() {
        List<String> accounts = new ArrayList<>();
        accounts.add(account());
        for (ReaderSettings reader : tenant.readers()) {
            accounts.add(readerAccount(reader));
        }
        return accounts;
    }

    /** The user names of {@link #accounts()}, in the same order. */
    public List<String> accountUsers() {
        List<String> users = new ArrayList<>();
        users.add(tenant.database().user());
        tenant.readers().forEach(r -> users.add(r.name()));
        return users;
    }

    /** A reader's account, {@code 'name'@'%'}; the name is validated as the writer's is. */
    public String readerAccount(ReaderSettings reader) {
        SqlDialect.quote(reader.name());
        return "'" + reader.name() + "'@'" + ACCOUNT_HOST + "'";
    }

    /** {@code GRANT SELECT ON db.* TO reader}, the name escaped as in {@link #grantStatement}. */
    public String readerGrantStatement(ReaderSettings reader) {
        return "GRANT " + String.join(", ", READER_PRIVILEGES) + " ON "
                + dialect.grantDatabase(tenant.database().schema()) + ".* TO " + readerAccount(reader);
    }

    /**
     * The reader's {@code max_connections} as the server's own per-account limit, so a reader
     * cannot take the connections every tenant's writer needs: {@code ALTER USER ... WITH
     * MAX_USER_CONNECTIONS n} on MySQL and MariaDB, {@code SET PROPERTY FOR 'name'
     * 'max_user_connections' = 'n'} on StarRocks (a property of the user name, all hosts).
     */
    public String readerConnectionLimitStatement(ReaderSettings reader) {
        return isStarRocks()
                ? "SET PROPERTY FOR '" + reader.name() + "' 'max_user_connections' = '" + reader.maxConnections() + "'"
                : "ALTER USER " + readerAccount(reader) + " WITH MAX_USER_CONNECTIONS " + reader.maxConnections();
    }

    /** {@code CREATE USER} of a reader with its real password, for execution only; never print it. */
    public String createReaderStatement(ReaderSettings reader) {
        return "CREATE USER " + readerAccount(reader) + " IDENTIFIED BY " + passwordLiteral(reader.password());
    }

    /** {@code ALTER USER} of a reader with its real password, for execution only; never print it. */
    public String alterReaderPasswordStatement(ReaderSettings reader) {
        return "ALTER USER " + readerAccount(reader) + " IDENTIFIED BY " + passwordLiteral(reader.password());
    }

    /** The StarRocks role holding the SELECT of the tenant's readers. */
    public String readerRoleName() {
        return tenant.names().resourcePrefix() + "reader";
    }

    /**
     * {@code ALTER USER account ACCOUNT LOCK} (MySQL 5.7+, MariaDB 10.4+): no new login until
     * unlocked; the account, its password and grants stay. StarRocks has no such clause.
     */
    public static String lockStatement(String account) {
        return "ALTER USER " + account + " ACCOUNT LOCK";
    }

    /** {@code ALTER USER account ACCOUNT UNLOCK}, which reverses {@link #lockStatement}. */
    public static String unlockStatement(String account) {
        return "ALTER USER " + account + " ACCOUNT UNLOCK";
    }

    /** The StarRocks role holding the tenant's privileges. */
    public String roleName() {
        return tenant.names().resourcePrefix() + "writer";
    }

    /** The StarRocks resource group of the tenant's queries. */
    public String resourceGroupName() {
        return tenant.names().resourcePrefix() + "rg";
    }

    /**
     * {@code GRANT SELECT, INSERT ON db.* TO account} for MySQL and MariaDB, the name
     * escaped so that the grant matches this one database and no other.
     */
    public String grantStatement(List<String> privileges) {
        return "GRANT " + String.join(", ", privileges) + " ON "
                + dialect.grantDatabase(tenant.database().schema()) + ".* TO " + account();
    }

    /** {@code CREATE USER} with the real password, for execution only; never print it. */
    public String createUserStatement() {
        return "CREATE USER " + account() + " IDENTIFIED BY "
                + passwordLiteral(tenant.database().password());
    }

    /** {@code ALTER USER} with the real password, for execution only; never print it. */
    public String alterPasswordStatement() {
        return "ALTER USER " + account() + " IDENTIFIED BY "
                + passwordLiteral(tenant.database().password());
    }

    /**
     * Creates the tenant's user if needed, sets its password, and grants it SELECT and INSERT on
     * its own database and UPDATE on its event tables only: no global privilege, no other schema,
     * no UPDATE or DELETE of an audit table, no DDL.
     * For tests and the demo; {@code ./enclave provision} also removes what should not be there.
     */
    public void createUser(Connection admin) throws SQLException {
        refuseForeignClaims(admin);
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS " + account() + " IDENTIFIED BY "
                    + passwordLiteral(tenant.database().password()));
            st.execute(alterPasswordStatement());
            st.execute(grantStatement(PRIVILEGES));
            if (!isStarRocks()) {
                for (String grant : tableGrantStatements()) {
                    st.execute(grant);
                }
            }
        }
        revokeUnescapedGrant(admin);
        revokeDatabaseUpdate(admin);
        try (Statement st = admin.createStatement()) {
            for (ReaderSettings reader : tenant.readers()) {
                st.execute("CREATE USER IF NOT EXISTS " + readerAccount(reader) + " IDENTIFIED BY "
                        + passwordLiteral(reader.password()));
                st.execute(alterReaderPasswordStatement(reader));
                st.execute(readerGrantStatement(reader));
                st.execute(readerConnectionLimitStatement(reader));
            }
        }
    }

    /**
     * Before grants were escaped, Enclave granted on the bare name, a MySQL pattern that also
     * matches look-alike databases ({@code ab_c} covers {@code abxc}). Such a grant of the
     * tenant's account is revoked here, so the callers of {@link #createUser} (deploy/local,
     * tests) migrate too; {@code ./enclave provision} removes it along with every other extra.
     */
    private void revokeUnescapedGrant(Connection admin) throws SQLException {
        String schema = tenant.database().schema();
        String bareName = SqlDialect.quote(schema);
        if (dialect.grantDatabase(schema).equals(bareName)) {
            return; // the dialect names databases literally: the bare name is the exact grant
        }
        if (strings(
                        admin,
                        "SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?"
                                + " LIMIT 1",
                        account(),
                        schema)
                .isEmpty()) {
            return;
        }
        try (Statement st = admin.createStatement()) {
            st.execute("REVOKE ALL PRIVILEGES ON " + bareName + ".* FROM " + account());
        }
    }

    /**
     * Releases before issue 15 granted UPDATE on the whole database, which let the job rewrite
     * audit rows; it is revoked here for the callers of {@link #createUser}, and reported and
     * removed by {@code ./enclave provision}.
     */
    private void revokeDatabaseUpdate(Connection admin) throws SQLException {
        if (isStarRocks()
                || strings(
                                admin,
                                "SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ?"
                                        + " AND PRIVILEGE_TYPE = 'UPDATE' LIMIT 1",
                                account())
                        .isEmpty()) {
            return;
        }
        try (Statement st = admin.createStatement()) {
            st.execute("REVOKE UPDATE ON "
                    + dialect.grantDatabase(tenant.database().schema()) + ".* FROM " + account());
        }
    }

    public void createSchema(Connection admin) throws SQLException {
        refuseForeignClaims(admin);
        try (Statement st = admin.createStatement()) {
            for (String sql : schemaStatements()) {
                st.execute(sql);
            }
            if (!isStarRocks() && !recordedOwner(admin).equals(Optional.of(tenant.id()))) {
                st.execute(recordOwnerStatement());
            }
        }
    }

    // ---- who owns the account and the database on the server ----

    /** Marks the owner in the audit_head table's comment; the tenant's account cannot ALTER it. */
    private static final Pattern OWNER_MARK = Pattern.compile(" \\(Enclave tenant ([a-z][a-z0-9_]*)\\)$");

    /**
     * {@code ALTER TABLE db.audit_head COMMENT = '... (Enclave tenant id)'}: config files claim
     * schema names independently, so the server itself records which tenant created the
     * database, and a later file of another tenant naming it is refused (see {@link #foreignClaims}).
     */
    public String recordOwnerStatement() {
        TableDefinition<?> head = TenantTables.auditHead();
        return "ALTER TABLE " + SqlDialect.qualified(tenant.database().schema(), head.name()) + " COMMENT = "
                + SqlDialect.commentLiteral(head.comment() + " (Enclave tenant " + tenant.id() + ")");
    }

    /** The tenant recorded in the database's audit_head comment, if the table exists and carries one. */
    public Optional<String> recordedOwner(Connection admin) throws SQLException {
        for (String comment : strings(
                admin,
                "SELECT TABLE_COMMENT FROM information_schema.TABLES" + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?",
                tenant.database().schema(),
                TenantTables.auditHead().name())) {
            Matcher m = OWNER_MARK.matcher(comment == null ? "" : comment);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /**
     * Why the tenant's account or database must be left alone, one sentence each; empty when
     * both are free or already this tenant's. Schema and user names are claimed per config
     * file only, so a second file could name another tenant's schema (and be granted on it) or
     * its user (and reset its password), or name the admin itself. Refused when, for any of its
     * {@link #accounts()} (writer or reader): the user is the account this connection runs as,
     * or administrative (global GRANT OPTION or CREATE USER); the user already exists with a
     * global privilege and none on the tenant's database; the user holds a privilege on a
     * database other than the tenant's own (an old bare grant on its own name,
     * {@code colorado_emergency} unescaped, is still its own and is migrated); or when an
     * account that is none of the tenant's holds a privilege on the tenant's database; or the database
     * records another tenant as its owner. MySQL and MariaDB only; StarRocks has no such tables.
     */
    public List<String> foreignClaims(Connection admin) throws SQLException {
        List<String> reasons = new ArrayList<>();
        if (isStarRocks()) {
            return reasons;
        }
        String db = tenant.database().schema();
        List<String> users = accountUsers();
        List<String> accounts = accounts();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            String account = accounts.get(i);
            for (String current : strings(admin, "SELECT CURRENT_USER()")) {
                if (current.substring(0, Math.max(0, current.lastIndexOf('@'))).equals(user)) {
                    reasons.add("user " + user + " is the administrative account provisioning connects as");
                }
            }
            List<String> adminPrivileges = strings(
                    admin,
                    "SELECT DISTINCT PRIVILEGE_TYPE FROM"
                            + " information_schema.USER_PRIVILEGES WHERE GRANTEE LIKE ? AND (IS_GRANTABLE = 'YES'"
                            + " OR PRIVILEGE_TYPE = 'CREATE USER')",
                    grantees(user));
            if (!adminPrivileges.isEmpty()) {
                reasons.add("user " + user + " is administrative (holds " + String.join(", ", adminPrivileges)
                        + " or GRANT OPTION on *.*)");
            }
            List<String> foreign = new ArrayList<>();
            boolean holdsOwnDatabase = false;
            for (String[] row : rows(
                    admin,
                    "SELECT DISTINCT TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES"
                            + " WHERE GRANTEE = ? UNION SELECT DISTINCT TABLE_SCHEMA FROM"
                            + " information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ?",
                    account,
                    account)) {
                if (!isOwnDatabasePattern(row[0], db)) {
                    foreign.add(row[0]);
                } else {
                    holdsOwnDatabase = true;
                }
            }
            // An account provision made holds privileges on the tenant's database, and a global
            // privilege it gained later is removed as drift. An account with global privileges and
            // none on the tenant's database was made by someone else (a monitoring or BI login):
            // resetting its password and revoking its privileges would take it over.
            List<String> global = strings(
                    admin,
                    "SELECT DISTINCT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES"
                            + " WHERE GRANTEE = ? AND PRIVILEGE_TYPE <> 'USAGE'",
                    account);
            if (!holdsOwnDatabase && !global.isEmpty() && adminPrivileges.isEmpty()) {
                reasons.add("user " + user + " already exists with global privileges (" + String.join(", ", global)
                        + " on *.*) and none on tenant " + tenant.id() + "'s database " + db
                        + ": it is not an account Enclave made");
            }
            if (!foreign.isEmpty()) {
                reasons.add("user " + user + " already holds privileges on " + String.join(", ", foreign)
                        + ", which is not tenant " + tenant.id() + "'s database " + db
                        + "; it may be another tenant's user");
            }
        }
        List<String> others = new ArrayList<>();
        for (String[] row : rows(
                admin,
                "SELECT DISTINCT GRANTEE, TABLE_SCHEMA FROM information_schema.SCHEMA_PRIVILEGES"
                        + " UNION SELECT DISTINCT GRANTEE, TABLE_SCHEMA FROM information_schema.TABLE_PRIVILEGES"
                        + " WHERE TABLE_SCHEMA = ?",
                db)) {
            boolean ours = users.stream().anyMatch(u -> row[0].startsWith("'" + u + "'@"));
            if (isOwnDatabasePattern(row[1], db) && !ours && !others.contains(row[0])) {
                others.add(row[0]);
            }
        }
        if (!others.isEmpty()) {
            reasons.add("database " + db + " is already granted to " + String.join(", ", others)
                    + "; it may be another tenant's database");
        }
        Optional<String> owner = recordedOwner(admin);
        if (owner.isPresent() && !owner.get().equals(tenant.id())) {
            reasons.add("database " + db + " was created for tenant " + owner.get() + ", not " + tenant.id());
        }
        return reasons;
    }

    private void refuseForeignClaims(Connection admin) throws SQLException {
        List<String> reasons = foreignClaims(admin);
        if (!reasons.isEmpty()) {
            throw new SQLException("refused to provision tenant " + tenant.id() + ": " + String.join("; ", reasons));
        }
    }

    /**
     * Whether a grant's stored database pattern names exactly the tenant's database: escaped
     * ({@code ab\_c}) as Enclave grants now, or the bare name ({@code ab_c}) of older releases,
     * which is the tenant's own grant to migrate rather than a claim on some other database.
     */
    private static boolean isOwnDatabasePattern(String pattern, String db) {
        return pattern.equals(db)
                || io.enclave.sinks.dialect.MySqlDialect.exactGrantDatabase(pattern)
                        .map(db::equals)
                        .orElse(false);
    }

    /** A LIKE pattern for every {@code 'user'@'host'} grantee of the name; user names hold no quote or wildcard escapes beyond _. */
    private static String grantees(String user) {
        return "'" + user.replace("_", "\\_") + "'@%";
    }

    private boolean isStarRocks() {
        return "starrocks".equals(dialect.name());
    }

    private static List<String> strings(Connection admin, String sql, String... params) throws SQLException {
        return AdminQueries.strings(admin, sql, params);
    }

    private static List<String[]> rows(Connection admin, String sql, String... params) throws SQLException {
        return AdminQueries.rows(admin, sql, params);
    }

    /**
     * A string literal for DDL, where bind parameters are not allowed. Backslashes and quotes
     * are doubled, so a password can never end the literal and start a statement of its own.
     */
    static String passwordLiteral(Secret password) {
        return "'" + password.reveal().replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
