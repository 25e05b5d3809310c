package io.enclave.testing;

import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The first column of a query in a tenant's own database, read as text: what a test asserts on. */
public final class TenantColumn {
    private TenantColumn() {}

    public static List<String> read(Connection root, TenantConfig tenant, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = root.createStatement()) {
            st.execute("USE " + SqlDialect.quote(tenant.database().schema()));
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }
}
