package io.enclave.sinks;

import io.enclave.operators.audit.AuditRecord;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@link CliAuditLog} over JDBC: the same upsert and row check as the job's audit sink, one
 * statement per record, into the tenant's own database as the tenant's own user.
 */
final class JdbcCliAuditLog implements CliAuditLog {
    private final Connection connection;
    private final String upsert;
    private final TenantRowBinder<AuditRecord> binder;

    private JdbcCliAuditLog(Connection connection, String upsert, TenantRowBinder<AuditRecord> binder) {
        this.connection = connection;
        this.upsert = upsert;
        this.binder = binder;
    }

    /** Connects now, so a command learns before it acts that it could not be audited. */
    static JdbcCliAuditLog open(JdbcSinkOptions options) throws SQLException {
        // The chain in audit_log has one writer, the tenant job's chainer; commands record here.
        TableDefinition<AuditRecord> table = TenantTables.operationsAuditLog();
        Connection connection = DriverManager.getConnection(options.jdbcUrl(), options.user(),
                options.password().reveal());
        return new JdbcCliAuditLog(connection, options.dialect().upsert(options.database(), table),
                new TenantRowBinder<>(options.tenantId(), table, AuditRecord::tenantIdOf));
    }

    @Override
    public void append(AuditRecord record) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(upsert)) {
            binder.accept(ps, record);
            ps.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
