package io.enclave.sinks;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/** What a tenant's database holds right now: rows per table and audited rejections by reason. */
public record TenantTableCounts(long disasters, long weather, Map<String, Long> rejectedByReason) {

    public long accepted() {
        return disasters + weather;
    }

    public long rejected() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public static TenantTableCounts read(Connection connection, TenantConfig tenant) throws SQLException {
        String db = tenant.database().schema();
        Map<String, Long> reasons = new TreeMap<>();
        try (Statement st = connection.createStatement()) {
            long disasters = count(st, SqlDialect.qualified(db, StreamKind.DISASTERS.table()));
            long weather = count(st, SqlDialect.qualified(db, StreamKind.WEATHER.table()));
            try (ResultSet rs = st.executeQuery("SELECT reason, COUNT(*) FROM " + SqlDialect.qualified(db, "audit_log")
                    + " WHERE action = 'RECORD_REJECTED' GROUP BY reason")) {
                while (rs.next()) {
                    reasons.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new TenantTableCounts(disasters, weather, reasons);
        }
    }

    private static long count(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
