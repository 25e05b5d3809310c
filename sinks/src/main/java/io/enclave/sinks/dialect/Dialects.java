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

    /** The dialect a config's {@code global.database.dialect} names. */
    public static SqlDialect of(io.enclave.config.DatabaseDialect configured) {
        return configured == io.enclave.config.DatabaseDialect.MYSQL ? MYSQL.dialect : STARROCKS.dialect;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
