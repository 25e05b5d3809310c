package io.enclave.cli.provision;

import io.enclave.config.TenantConfig;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.StarRocksDialect;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

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

        boolean logsIn(TenantConfig tenant) throws SQLException;
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

        boolean roleExists = column(server.query("SHOW ROLES"), "Name").contains(role);
        findings.add(
                roleExists
                        ? Finding.inSync(id, DatabaseProvisioner.LAYER, "role " + role, "")
                        : fix(id, "role " + role, Drift.MISSING, "", starting(ddl, "CREATE ROLE ")));

        boolean userExists = column(server.query("SHOW USERS"), "User").contains(account);
        String user = "user " + account;
        if (!userExists) {
            findings.add(new Finding(
                    id,
                    DatabaseProvisioner.LAYER,
                    user,
                    Drift.MISSING,
                    "",
                    () -> server.executeSecret(database.createUserStatement())));
        } else if (!server.logsIn(tenant)) {
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
        return grants != null
                && java.util.regex.Pattern.compile(
                                "(?i)^(?=.*\\bSELECT\\b)(?=.*\\bINSERT\\b).*ON ALL TABLES IN DATABASE [`']?"
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
