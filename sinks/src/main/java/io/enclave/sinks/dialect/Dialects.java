package io.enclave.sinks.dialect;

import java.util.Locale;

/** The dialects a user can name on the command line. */
public enum Dialects {
    STARROCKS(new StarRocksDialect()),
    MYSQL(new MySqlDialect());

    private final SqlDialect dialect;

    Dialects(SqlDialect dialect) {
        this.dialect = dialect;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
