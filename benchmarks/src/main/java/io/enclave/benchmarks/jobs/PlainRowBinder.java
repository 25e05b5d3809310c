package io.enclave.benchmarks.jobs;

import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TableDefinition;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/** Binds a row with no tenant check: the plain job's statement builder. */
public final class PlainRowBinder implements JdbcStatementBuilder<TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final TableDefinition<TenantEvent> table;

    public PlainRowBinder(TableDefinition<TenantEvent> table) {
        this.table = table;
    }

    @Override
    public void accept(PreparedStatement ps, TenantEvent row) throws SQLException {
        StatementBinder.bind(ps, table.columns(), row);
    }
}
