package io.enclave.sinks;

import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TableDefinition;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Function;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;

/**
 * Binds rows of one tenant's table, and refuses any row that belongs to another tenant. The
 * guard upstream already drops such records; this is the sink layer's own check, so a bug
 * there cannot put one tenant's row into another tenant's database.
 *
 * @param <T> the record type
 */
public final class TenantRowBinder<T> implements JdbcStatementBuilder<T> {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final TableDefinition<T> table;
    private final TenantOf<T> tenantOf;

    /** Reads the owning tenant from a row. */
    @FunctionalInterface
    public interface TenantOf<T> extends Function<T, String>, java.io.Serializable {}

    public TenantRowBinder(String tenantId, TableDefinition<T> table, TenantOf<T> tenantOf) {
        this.tenantId = tenantId;
        this.table = table;
        this.tenantOf = tenantOf;
    }

    @Override
    public void accept(PreparedStatement ps, T row) throws SQLException {
        accept(ps, 0, row);
    }

    /** Binds the row as parameters {@code offset + 1} on: one row of a multi-row INSERT. */
    public void accept(PreparedStatement ps, int offset, T row) throws SQLException {
        String owner = tenantOf.apply(row);
        if (!tenantId.equals(owner)) {
            throw new CrossTenantWriteException(tenantId, owner, table.name());
        }
        StatementBinder.bind(ps, offset, table.columns(), row);
    }
}
