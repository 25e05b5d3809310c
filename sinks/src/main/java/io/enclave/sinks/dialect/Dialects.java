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

    /** The dialect a config's {@code global.database.dialect} names, for the default StarRocks target. */
    public static SqlDialect of(io.enclave.config.DatabaseDialect configured) {
        return configured == io.enclave.config.DatabaseDialect.MYSQL ? MYSQL.dialect : STARROCKS.dialect;
    }

    /**
     * The configured dialect; StarRocks written for the configured release and replica count
     * ({@code global.database.starrocks_version}, {@code replication_num}).
     */
    public static SqlDialect of(io.enclave.config.GlobalSettings global) {
        return of(global.databaseDialect() == io.enclave.config.DatabaseDialect.MYSQL ? MYSQL : STARROCKS, global);
    }

    /** The named dialect, StarRocks written for the config's StarRocks target. */
    public static SqlDialect of(Dialects named, io.enclave.config.GlobalSettings global) {
        return named == STARROCKS ? new StarRocksDialect(global.starRocks()) : named.dialect;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
