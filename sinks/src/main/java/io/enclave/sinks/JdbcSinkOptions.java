package io.enclave.sinks;

import com.mysql.cj.conf.ConnectionUrl;
import io.enclave.config.GlobalSettings;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and how a tenant's sinks write: the tenant's own database and user, the dialect, and
 * batching. Built from config; the password stays a {@link io.enclave.config.Secret} until the
 * driver needs it.
 */
public final class JdbcSinkOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final String jdbcUrl;
    private final String database;
    private final String user;
    private final io.enclave.config.Secret password;
    private final SqlDialect dialect;
    private final int batchSize;
    private final Duration batchInterval;
    private final int maxRetries;
    private final Duration minFlushSpacing;

    /**
     * StarRocks makes every flush a load and a new version of each tablet it touches; size
     * triggered flushes are held this far apart (see {@link BatchedUpsertSink} for the rule).
     */
    public static final Duration STARROCKS_MIN_FLUSH_SPACING = Duration.ofSeconds(1);

    private JdbcSinkOptions(Builder b) {
        this.tenantId = Objects.requireNonNull(b.tenantId, "tenantId");
        this.jdbcUrl = Objects.requireNonNull(b.jdbcUrl, "jdbcUrl");
        this.database = Objects.requireNonNull(b.database, "database");
        this.user = Objects.requireNonNull(b.user, "user");
        this.password = Objects.requireNonNull(b.password, "password");
        this.dialect = Objects.requireNonNull(b.dialect, "dialect");
        this.batchSize = b.batchSize;
        this.batchInterval = b.batchInterval;
        this.maxRetries = b.maxRetries;
        this.minFlushSpacing = b.minFlushSpacing != null
                ? b.minFlushSpacing
                : "starrocks".equals(dialect.name()) ? STARROCKS_MIN_FLUSH_SPACING : Duration.ZERO;
    }

    /** Options for a tenant from its config: its database under the global frontend, as its own user. */
    public static JdbcSinkOptions forTenant(GlobalSettings global, TenantConfig tenant) {
        return forTenant(global, tenant, io.enclave.sinks.dialect.Dialects.of(global));
    }

    /** As {@link #forTenant(GlobalSettings, TenantConfig)}, in a dialect other than the configured one. */
    public static JdbcSinkOptions forTenant(GlobalSettings global, TenantConfig tenant, SqlDialect dialect) {
        return builder()
                .tenantId(tenant.id())
                .jdbcUrl(global.jdbcUrlFor(tenant.database().schema()))
                .database(tenant.database().schema())
                .user(tenant.database().user())
                .password(tenant.database().password())
                .dialect(dialect)
                .batchSize(tenant.processing().batchSize())
                .batchInterval(tenant.processing().batchInterval())
                .maxRetries(tenant.processing().maxRetries())
                .build();
    }

    /**
     * Opens a connection as the sinks write: as the tenant's user, with the INSERTs prepared on
     * the server where the dialect allows it ({@link SqlDialect#serverPreparesInserts()}) and
     * the JDBC URL does not say otherwise: a {@code useServerPrepStmts} in the URL is the
     * operator's and wins (Connector/J itself would let the property given here win).
     */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password.reveal());
        if (dialect.serverPreparesInserts() && !urlSets(SERVER_PREPARE)) {
            properties.setProperty(SERVER_PREPARE, "true");
        }
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    private static final String SERVER_PREPARE = "useServerPrepStmts";

    /** Whether the JDBC URL names the Connector/J option {@code key}, as the driver parses the URL. */
    private boolean urlSets(String key) {
        return ConnectionUrl.getConnectionUrlInstance(jdbcUrl, null).getOriginalProperties().keySet().stream()
                .anyMatch(key::equalsIgnoreCase);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String tenantId() {
        return tenantId;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public io.enclave.config.Secret password() {
        return password;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration batchInterval() {
        return batchInterval;
    }

    public int maxRetries() {
        return maxRetries;
    }

    /** The least time between two size-triggered flushes: 1 s for StarRocks, none otherwise, unless set. */
    public Duration minFlushSpacing() {
        return minFlushSpacing;
    }

    @Override
    public String toString() {
        return "JdbcSinkOptions{" + tenantId + " " + user + "@" + jdbcUrl + " " + dialect.name() + "}";
    }

    /** Builder for {@link JdbcSinkOptions}. */
    public static final class Builder {
        private String tenantId;
        private String jdbcUrl;
        private String database;
        private String user;
        private io.enclave.config.Secret password = io.enclave.config.Secret.of("");
        private SqlDialect dialect;
        private int batchSize = 5_000;
        private Duration batchInterval = Duration.ofSeconds(5);
        private int maxRetries = 5;
        private Duration minFlushSpacing;

        public Builder tenantId(String v) {
            tenantId = v;
            return this;
        }

        public Builder jdbcUrl(String v) {
            jdbcUrl = v;
            return this;
        }

        public Builder database(String v) {
            database = v;
            return this;
        }

        public Builder user(String v) {
            user = v;
            return this;
        }

        public Builder password(io.enclave.config.Secret v) {
            password = v;
            return this;
        }

        public Builder dialect(SqlDialect v) {
            dialect = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder batchInterval(Duration v) {
            batchInterval = v;
            return this;
        }

        public Builder maxRetries(int v) {
            maxRetries = v;
            return this;
        }

        /** Overrides the dialect's default spacing of size-triggered flushes. */
        public Builder minFlushSpacing(Duration v) {
            minFlushSpacing = v;
            return this;
        }

        public JdbcSinkOptions build() {
            return new JdbcSinkOptions(this);
        }
    }
}
