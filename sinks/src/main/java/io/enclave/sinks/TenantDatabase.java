package io.enclave.sinks;

import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's database as DDL: the database, its tables, and (for the MySQL dialect) the
 * tenant's own user with privileges on that database alone.
 */
public final class TenantDatabase {
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
            statements.add(dialect.createTable(database, table));
        }
        return statements;
    }

    /**
     * Creates the tenant's user and grants it SELECT, INSERT and UPDATE on its own database
     * only: no global privilege, no other schema, and no DELETE or DDL.
     */
    public void createUser(Connection admin) throws SQLException {
        String user = SqlDialect.quote(tenant.database().user());
        String password = literal(tenant.database().password().reveal());
        String database = SqlDialect.quote(tenant.database().schema());
        try (Statement st = admin.createStatement()) {
            for (String host : List.of("%", "localhost")) {
                String account = user.replace('`', '\'') + "@'" + host + "'";
                st.execute("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY " + password);
                st.execute("ALTER USER " + account + " IDENTIFIED BY " + password);
                st.execute("GRANT SELECT, INSERT, UPDATE ON " + database + ".* TO " + account);
            }
        }
    }

    public void createSchema(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement()) {
            for (String sql : schemaStatements()) {
                st.execute(sql);
            }
        }
    }

    /** A string literal for DDL, where bind parameters are not allowed; the value is a password from config. */
    private static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
