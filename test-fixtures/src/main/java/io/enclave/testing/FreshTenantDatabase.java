package io.enclave.testing;

import io.enclave.config.TenantConfig;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A tenant's database as provisioning leaves it, made anew so a test never sees an earlier run's rows. */
public final class FreshTenantDatabase {
    private FreshTenantDatabase() {}

    /** Drops the tenant's database, then creates it, its tables and its own user, as {@code root}. */
    public static void recreate(Connection root, TenantConfig tenant) throws SQLException {
        try (Statement st = root.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS "
                    + SqlDialect.quote(tenant.database().schema()));
        }
        TenantDatabase db = new TenantDatabase(tenant, new MySqlDialect());
        db.createSchema(root);
        db.createUser(root);
    }
}
