package io.enclave.cli.provision;

import io.enclave.config.ReaderSettings;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.StarRocksDialect;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A tenant's role, user, grants and resource group on StarRocks, which keeps them in no table a
 * MySQL query can read: each is read with the SHOW statement StarRocks documents for it
 * ({@code SHOW ROLES}, {@code SHOW USERS} (3.0+), {@code SHOW GRANTS FOR ROLE r},
 * {@code SHOW GRANTS FOR 'u'@'%'}, {@code SHOW RESOURCE GROUP g}) and, when missing or
 * different, fixed with the statements {@code ./enclave ddl} prints, every one idempotent. The
 * password is set only by the executed statements of {@link TenantDatabase}, never printed.
 */
final class StarRocksAccess {

    /** The server, as the admin: a query's rows with column labels, and statement execution. */
    interface Server {
        /** Column labels first, then one array per row. */
        List<String[]> query(String sql) throws SQLException;

        void execute(String sql) throws SQLException;

        void executeSecret(String sql) throws SQLException;

        /** Whether {@code user} logs in with {@code password}. */
        boolean logsIn(String user, String password) throws SQLException;
    }

    private final Server server;
    private final StarRocksDialect dialect;

    StarRocksAccess(Server server, StarRocksDialect dialect) {
        this.server = server;
        this.dialect = dialect;
    }

    List<Finding> plan(TenantConfig tenant) throws SQLException {
        TenantDatabase database = new TenantDatabase(tenant, dialect);
        List<String> ddl = database.accessStatements();
        String id = tenant.id();
        String role = database.roleName();
        String account = database.account();
        String group = database.resourceGroupName();
        List<Finding> findings = new ArrayList<>();

        List<String> roles = column(server.query("SHOW ROLES"), "Name");
        List<String> users = column(server.query("SHOW USERS"), "User");
        boolean roleExists = roles.contains(role);
        findings.add(
                roleExists
                        ? Finding.inSync(id, DatabaseProvisioner.LAYER, "role " + role, "")
                        : fix(id, "role " + role, Drift.MISSING, "", starting(ddl, "CREATE ROLE ")));

        boolean userExists = users.contains(account);
        String user = "user " + account;
        if (!userExists) {
            findings.add(new Finding(
                    id,
                    DatabaseProvisioner.LAYER,
                    user,
                    Drift.MISSING,
                    "",
                    () -> server.executeSecret(database.createUserStatement())));
        } else if (!server.logsIn(
                tenant.database().user(), tenant.database().password().reveal())) {
            findings.add(new Finding(
                    id,
                    DatabaseProvisioner.LAYER,
                    user,
                    Drift.DIFFERS,
                    "the configured password does not log in; setting it",
                    () -> server.executeSecret(database.alterPasswordStatement())));
        } else {
            findings.add(Finding.inSync(id, DatabaseProvisioner.LAYER, user, ""));
        }

        String db = tenant.database().schema();
        String privileges = String.join(", ", TenantDatabase.PRIVILEGES);
        boolean granted = roleExists
                && column(server.query("SHOW GRANTS FOR ROLE " + quoteRole(role)), "Grants").stream()
                        .anyMatch(g -> grantsOn(g, db));
        String grant = "grant " + privileges + " ON ALL TABLES IN DATABASE " + db + " TO ROLE " + role;
        findings.add(
                granted
                        ? Finding.inSync(id, DatabaseProvisioner.LAYER, grant, "")
                        : fix(id, grant, Drift.MISSING, "", starting(ddl, "GRANT " + privileges + " ")));

        boolean assigned = userExists
                && column(server.query("SHOW GRANTS FOR " + account), "Grants").stream()
                        .anyMatch(g -> g.contains("'" + role + "'") || g.contains("`" + role + "`"));
        List<String> assign = new ArrayList<>(starting(ddl, "GRANT `" + role + "` TO USER "));
        assign.addAll(starting(ddl, "SET DEFAULT ROLE "));
        String assignment = "role " + role + " TO " + account + " (default role)";
        findings.add(
                assigned
                        ? Finding.inSync(id, DatabaseProvisioner.LAYER, assignment, "")
                        : fix(id, assignment, Drift.MISSING, "", assign));

        findings.addAll(readers(tenant, database, ddl, roles, users));

        List<String[]> rows = server.query("SHOW RESOURCE GROUP `" + group + "`");
        String limits = dialect.target().cpuShareProperty() + " "
                + tenant.resourceGroup().cpuWeight() + ", mem_limit "
                + tenant.resourceGroup().memLimitPercent() + "%";
        String resource = "resource group " + group;
        if (rows.size() < 2) {
            findings.add(fix(
                    id,
                    resource,
                    Drift.MISSING,
                    limits,
                    starting(ddl, "CREATE RESOURCE GROUP ", "ALTER RESOURCE GROUP ")));
        } else if (!limitsMatch(rows, tenant)) {
            findings.add(fix(id, resource, Drift.DIFFERS, limits, starting(ddl, "ALTER RESOURCE GROUP ")));
        } else {
            findings.add(Finding.inSync(id, DatabaseProvisioner.LAYER, resource, limits));
        }
        return findings;
    }

    /**
     * The readers' role (SELECT on every table of the tenant's database), each reader's user with
     * its configured password, and the role as each reader's default role.
     */
    private List<Finding> readers(
            TenantConfig tenant, TenantDatabase database, List<String> ddl, List<String> roles, List<String> users)
            throws SQLException {
        List<Finding> findings = new ArrayList<>();
        if (tenant.readers().isEmpty()) {
            return findings;
        }
        String id = tenant.id();
        String role = database.readerRoleName();
        String db = tenant.database().schema();
        boolean roleExists = roles.contains(role);
        findings.add(
                roleExists
                        ? Finding.inSync(id, DatabaseProvisioner.LAYER, "role " + role, "")
                        : fix(
                                id,
                                "role " + role,
                                Drift.MISSING,
                                "",
                                List.of("CREATE ROLE IF NOT EXISTS `" + role + "`")));
        String grantSql = "GRANT " + String.join(", ", TenantDatabase.READER_PRIVILEGES)
                + " ON ALL TABLES IN DATABASE `" + db + "` TO ROLE `" + role + "`";
        boolean granted = roleExists
                && column(server.query("SHOW GRANTS FOR ROLE " + quoteRole(role)), "Grants").stream()
                        .anyMatch(g -> grantsOn(g, db, TenantDatabase.READER_PRIVILEGES));
        String grant = "grant " + String.join(", ", TenantDatabase.READER_PRIVILEGES) + " ON ALL TABLES IN DATABASE "
                + db + " TO ROLE " + role;
        findings.add(
                granted
                        ? Finding.inSync(id, DatabaseProvisioner.LAYER, grant, "")
                        : fix(id, grant, Drift.MISSING, "", starting(ddl, grantSql)));
        for (ReaderSettings reader : tenant.readers()) {
            String account = database.readerAccount(reader);
            String user = "user " + account;
            boolean exists = users.contains(account);
            if (!exists) {
                findings.add(new Finding(
                        id,
                        DatabaseProvisioner.LAYER,
                        user,
                        Drift.MISSING,
                        "reader",
                        () -> server.executeSecret(database.createReaderStatement(reader))));
            } else if (!server.logsIn(reader.name(), reader.password().reveal())) {
                findings.add(new Finding(
                        id,
                        DatabaseProvisioner.LAYER,
                        user,
                        Drift.DIFFERS,
                        "the configured password does not log in; setting it",
                        () -> server.executeSecret(database.alterReaderPasswordStatement(reader))));
            } else {
                findings.add(Finding.inSync(id, DatabaseProvisioner.LAYER, user, "reader"));
            }
            String limit = exists
                    ? value(server.query("SHOW PROPERTY FOR '" + reader.name() + "' LIKE 'max_user_connections'"))
                    : null;
            String limitResource = "max_user_connections " + reader.maxConnections() + " FOR " + account;
            findings.add(
                    Integer.toString(reader.maxConnections()).equals(limit)
                            ? Finding.inSync(id, DatabaseProvisioner.LAYER, limitResource, "")
                            : fix(
                                    id,
                                    limitResource,
                                    exists ? Drift.DIFFERS : Drift.MISSING,
                                    limit == null ? "" : "is " + limit,
                                    List.of(database.readerConnectionLimitStatement(reader))));
            boolean assigned = exists
                    && column(server.query("SHOW GRANTS FOR " + account), "Grants").stream()
                            .anyMatch(g -> rolesGranted(g).contains(role));
            String assignment = "role " + role + " TO " + account + " (default role)";
            findings.add(
                    assigned
                            ? Finding.inSync(id, DatabaseProvisioner.LAYER, assignment, "")
                            : fix(
                                    id,
                                    assignment,
                                    Drift.MISSING,
                                    "",
                                    starting(
                                            ddl,
                                            "GRANT `" + role + "` TO USER " + account,
                                            "SET DEFAULT ROLE `" + role + "` TO " + account)));
        }
        return findings;
    }

    /**
     * Why the tenant's accounts or database must be left alone, one sentence each; empty when
     * they are free or already the tenant's. Config files claim names independently, and
     * StarRocks keeps no owner mark, so this reads who holds what: one of the tenant's users is
     * the admin provisioning connects as; one of its existing users holds a role other than the
     * tenant's own or a privilege of its own; or another user or role holds a privilege on the
     * tenant's database. Otherwise provision would reset another's password, or grant the
     * tenant's roles on another tenant's database.
     */
    List<String> foreignClaims(TenantConfig tenant) throws SQLException {
        TenantDatabase database = new TenantDatabase(tenant, dialect);
        String db = tenant.database().schema();
        Set<String> ownRoles = Set.of(database.roleName(), database.readerRoleName());
        List<String> ownAccounts = database.accounts();
        List<String> reasons = new ArrayList<>();
        String current = "";
        List<String[]> me = server.query("SELECT CURRENT_USER()");
        if (me.size() > 1 && me.get(1).length > 0 && me.get(1)[0] != null) {
            current = me.get(1)[0];
        }
        List<String> users = column(server.query("SHOW USERS"), "User");
        for (String account : ownAccounts) {
            String user = account.substring(0, account.lastIndexOf('@'));
            if (current.startsWith(user + "@")) {
                reasons.add("user " + user + " is the administrative account provisioning connects as");
            }
            if (!users.contains(account)) {
                continue;
            }
            for (String g : column(server.query("SHOW GRANTS FOR " + account), "Grants")) {
                List<String> granted = rolesGranted(g);
                if (granted.isEmpty()) {
                    if (g != null && !g.isBlank()) {
                        reasons.add("user " + account + " already holds a privilege of its own (" + g
                                + "); it is not an account Enclave made");
                    }
                    continue;
                }
                for (String role : granted) {
                    if (!ownRoles.contains(role) && !"public".equals(role)) {
                        reasons.add("user " + account + " already holds role " + role + ", which is not tenant "
                                + tenant.id() + "'s; it may be another tenant's user or an administrator");
                    }
                }
            }
        }
        for (String role : column(server.query("SHOW ROLES"), "Name")) {
            if (ownRoles.contains(role)) {
                // The role names come from the tenant id alone, so another file reusing the id finds the
                // first file's roles: they must hold nothing but this tenant's privileges on its database.
                List<String> allowed =
                        role.equals(database.roleName()) ? TenantDatabase.PRIVILEGES : TenantDatabase.READER_PRIVILEGES;
                for (String g : column(server.query("SHOW GRANTS FOR ROLE " + quoteRole(role)), "Grants")) {
                    if (g != null && !g.isBlank() && !onlyOn(g, db, allowed)) {
                        reasons.add("role " + role + " already holds " + g + ", not only its own "
                                + String.join(", ", allowed) + " on database " + db
                                + "; it may be another tenant's role (a config reusing tenant id " + tenant.id() + ")");
                    }
                }
                continue;
            }
            if (BUILT_IN_ROLES.contains(role)) {
                continue;
            }
            for (String g : column(server.query("SHOW GRANTS FOR ROLE " + quoteRole(role)), "Grants")) {
                if (names(g, db)) {
                    reasons.add("database " + db + " is already granted to role " + role
                            + "; it may be another tenant's database");
                    break;
                }
            }
        }
        for (String account : users) {
            if (ownAccounts.contains(account)) {
                continue;
            }
            for (String g : column(server.query("SHOW GRANTS FOR " + account), "Grants")) {
                for (String role : rolesGranted(g)) {
                    if (ownRoles.contains(role)) {
                        reasons.add("role " + role + " is already granted to user " + account + ", not one of tenant "
                                + tenant.id() + "'s accounts; it may be another tenant's role");
                    }
                }
            }
            if (account.startsWith("'root'@")) {
                continue;
            }
            for (String g : column(server.query("SHOW GRANTS FOR " + account), "Grants")) {
                if (rolesGranted(g).isEmpty() && names(g, db)) {
                    reasons.add("database " + db + " is already granted to user " + account
                            + "; it may be another tenant's database");
                    break;
                }
            }
        }
        return reasons;
    }

    /** StarRocks' system-defined roles, which hold no grant naming a tenant's database by design. */
    private static final Set<String> BUILT_IN_ROLES =
            Set.of("root", "cluster_admin", "db_admin", "user_admin", "security_admin", "public");

    /**
     * The roles a {@code SHOW GRANTS} row grants ({@code GRANT 'r1', 'r2' TO 'u'@'%'}), empty for a
     * privilege row ({@code GRANT SELECT ON ... TO USER ...}).
     */
    static List<String> rolesGranted(String grant) {
        List<String> roles = new ArrayList<>();
        if (grant == null) {
            return roles;
        }
        java.util.regex.Matcher m = ROLE_GRANT.matcher(grant.strip());
        if (!m.matches()) {
            return roles;
        }
        java.util.regex.Matcher role = QUOTED.matcher(m.group(1));
        while (role.find()) {
            roles.add(role.group(2));
        }
        return roles;
    }

    private static final java.util.regex.Pattern ROLE_GRANT =
            java.util.regex.Pattern.compile("(?i)^GRANT\\s+((?:['`][^'`]+['`]\\s*,?\\s*)+)\\s+TO\\s+(?!ROLE\\b).*$");
    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("(['`])([^'`]+)\\1");

    /** Whether a privilege row names database {@code db}, in any of StarRocks' object forms. */
    static boolean names(String grant, String db) {
        if (grant == null) {
            return false;
        }
        String quoted = "[`']?" + java.util.regex.Pattern.quote(db) + "[`']?";
        return java.util.regex.Pattern.compile("(?i)(\\bDATABASE\\s+" + quoted + "(\\s|,|$)|\\bON\\s+(TABLE|VIEW|"
                        + "MATERIALIZED VIEW|FUNCTION)\\s+(default_catalog\\.)?" + quoted
                        + "\\.|\\bON\\s+(DATABASE\\s+)?"
                        + quoted + "\\.)")
                .matcher(grant)
                .find();
    }

    /**
     * Whether a role's grant row grants only some of {@code privileges}, on every table of
     * database {@code db} and nothing else: what provisioning itself grants a tenant's role.
     */
    static boolean onlyOn(String grant, String db, List<String> privileges) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)^GRANT\\s+([A-Z_ ,]+?)\\s+ON ALL TABLES IN"
                        + " DATABASE [`']?" + java.util.regex.Pattern.quote(db) + "[`']?\\s+TO\\s+ROLE\\s+\\S+\\s*$")
                .matcher(grant.strip());
        if (!m.matches()) {
            return false;
        }
        for (String privilege : m.group(1).split("\\s*,\\s*")) {
            if (!privileges.contains(privilege.strip().toUpperCase(java.util.Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the group's first classifier row shows the configured CPU share and memory limit.
     * StarRocks prints mem_limit as a percentage ({@code 20.0%}) and the CPU share under the
     * release's name; a column it does not print counts as different, and the ALTER that
     * follows is harmless.
     */
    private boolean limitsMatch(List<String[]> rows, TenantConfig tenant) {
        String[] labels = rows.get(0);
        String[] first = rows.get(1);
        String cpu = value(labels, first, dialect.target().cpuShareProperty());
        String mem = value(labels, first, "mem_limit");
        return cpu != null
                && mem != null
                && Integer.toString(tenant.resourceGroup().cpuWeight()).equals(cpu.trim())
                && Double.parseDouble(mem.replace("%", "").trim())
                        == tenant.resourceGroup().memLimitPercent();
    }

    /** A role's grant row names SELECT and INSERT on every table of exactly the tenant's database. */
    static boolean grantsOn(String grants, String db) {
        return grantsOn(grants, db, TenantDatabase.PRIVILEGES);
    }

    /**
     * A role's grant row names every one of {@code privileges} on every table of exactly database
     * {@code db}; that it names nothing more is {@link #onlyOn}'s check, made before planning.
     */
    static boolean grantsOn(String grants, String db, List<String> privileges) {
        StringBuilder each = new StringBuilder();
        for (String privilege : privileges) {
            each.append("(?=.*\\b").append(privilege).append("\\b)");
        }
        return grants != null
                && java.util.regex.Pattern.compile("(?i)^" + each + ".*ON ALL TABLES IN DATABASE [`']?"
                                + java.util.regex.Pattern.quote(db) + "[`']?(\\s|$)")
                        .matcher(grants)
                        .find();
    }

    private Finding fix(String id, String resource, Drift drift, String detail, List<String> statements) {
        return new Finding(id, DatabaseProvisioner.LAYER, resource, drift, detail, () -> {
            for (String sql : statements) {
                server.execute(sql);
            }
        });
    }

    /** The ddl statements that start with one of the prefixes, in order; at least one must. */
    private static List<String> starting(List<String> ddl, String... prefixes) {
        List<String> picked = new ArrayList<>();
        for (String sql : ddl) {
            for (String prefix : prefixes) {
                if (sql.startsWith(prefix)) {
                    picked.add(sql);
                    break;
                }
            }
        }
        if (picked.isEmpty()) {
            throw new IllegalStateException("no access statement starts with " + List.of(prefixes));
        }
        return picked;
    }

    private static List<String> column(List<String[]> rows, String label) {
        List<String> values = new ArrayList<>();
        if (rows.isEmpty()) {
            return values;
        }
        int index = indexOf(rows.get(0), label);
        for (String[] row : rows.subList(1, rows.size())) {
            values.add(index < 0 ? null : row[index]);
        }
        return values;
    }

    /** The Value of a {@code SHOW PROPERTY ... LIKE} answer's one row, or null. */
    private static String value(List<String[]> rows) {
        List<String> values = column(rows, "Value");
        return values.isEmpty() ? null : values.get(0);
    }

    private static String value(String[] labels, String[] row, String label) {
        int index = indexOf(labels, label);
        return index < 0 ? null : row[index];
    }

    private static int indexOf(String[] labels, String label) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].equalsIgnoreCase(label)) {
                return i;
            }
        }
        return -1;
    }

    private static String quoteRole(String role) {
        return "'" + role + "'";
    }
}
