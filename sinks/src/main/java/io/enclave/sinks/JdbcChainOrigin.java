package io.enclave.sinks;

import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.ChainOrigin;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ChainOrigin} over JDBC: the last row of the tenant's {@code audit_log}, read as the
 * tenant's own database user when its job starts without checkpoint state, and the rotations stored before it.
 */
public final class JdbcChainOrigin implements ChainOrigin {
    private static final long serialVersionUID = 1L;

    private final JdbcSinkOptions options;

    public JdbcChainOrigin(JdbcSinkOptions options) {
        this.options = options;
    }

    @Override
    public Set<String> recentRecordIds(String tenantId, int limit) throws Exception {
        String sql = "SELECT record_id FROM " + SqlDialect.qualified(options.database(), "audit_log")
                + " WHERE tenant_id = ? ORDER BY sequence DESC LIMIT " + limit;
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(
                        options.jdbcUrl(), options.user(), options.password().reveal());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    @Override
    public List<AuditRecord> storedRotations(String tenantId) throws Exception {
        String sql = "SELECT * FROM " + SqlDialect.qualified(options.database(), "audit_log")
                + " WHERE tenant_id = ? AND action = 'SIGNING_KEY_ROTATED' ORDER BY sequence";
        List<AuditRecord> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(
                        options.jdbcUrl(), options.user(), options.password().reveal());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(AuditVerifier.read(rs));
                }
            }
        }
        return rows;
    }

    @Override
    public Optional<AuditRecord> lastStored(String tenantId) throws Exception {
        String sql = "SELECT * FROM " + SqlDialect.qualified(options.database(), "audit_log")
                + " WHERE tenant_id = ? ORDER BY sequence DESC LIMIT 1";
        try (Connection c = DriverManager.getConnection(
                        options.jdbcUrl(), options.user(), options.password().reveal());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(AuditVerifier.read(rs)) : Optional.empty();
            }
        }
    }
}
