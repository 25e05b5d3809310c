package io.enclave.sinks.dialect;

import io.enclave.config.ResourceGroup;
import io.enclave.config.StarRocksTarget;
import io.enclave.sinks.schema.Column;
import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * StarRocks: PRIMARY KEY tables hashed on their key, where a plain INSERT of an existing key
 * replaces the row. That upsert is what makes replays after a restart harmless without XA.
 * The audit tables are DUPLICATE KEY tables instead, where an INSERT can only append.
 *
 * <p>Every statement is written for the configured {@link StarRocksTarget} and is idempotent,
 * checked against StarRocks' grammar (fe/fe-core/.../sql/parser/StarRocks.g4): CREATE DATABASE,
 * TABLE, ROLE and USER take {@code IF NOT EXISTS}; so does CREATE RESOURCE GROUP
 * ({@code createResourceGroupStatement: CREATE RESOURCE GROUP (IF NOT EXISTS)? (OR REPLACE)?
 * identifier (TO classifier ...)? WITH (...)}), although its documentation page leaves it out.
 */
public final class StarRocksDialect implements SqlDialect {
    private final StarRocksTarget target;

    public StarRocksDialect() {
        this(StarRocksTarget.DEFAULT);
    }

    /** The default release with another replica count, for clusters with fewer than three backends. */
    public StarRocksDialect(int replicationNum) {
        this(new StarRocksTarget(StarRocksTarget.DEFAULT.version(), replicationNum, 0));
    }

    public StarRocksDialect(StarRocksTarget target) {
        this.target = java.util.Objects.requireNonNull(target, "target");
    }

    public StarRocksTarget target() {
        return target;
    }

    @Override
    public String name() {
        return "starrocks";
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type) {
            case SHORT_TEXT -> "VARCHAR(1020)"; // StarRocks counts bytes: 255 UTF-8 characters
            // Bytes too, the same bytes primary_key_limit_size counts.
            case KEY_TEXT -> "VARCHAR(" + io.enclave.operators.parse.EventParser.MAX_KEY_BYTES + ")";
            case LONG_TEXT -> "VARCHAR(1048576)";
            case INT -> "INT";
            case BIGINT -> "BIGINT";
            case BOOLEAN -> "BOOLEAN";
            case TIMESTAMP -> "DATETIME";
        };
    }

    @Override
    public String createDatabase(String database) {
        return "CREATE DATABASE IF NOT EXISTS " + SqlDialect.quote(database);
    }

    @Override
    public String createTable(String database, TableDefinition<?> table) {
        String columns = table.columns().stream().map(this::columnDefinition).collect(Collectors.joining(",\n  "));
        String key = SqlDialect.keyList(table.primaryKey());
        return "CREATE TABLE IF NOT EXISTS " + SqlDialect.qualified(database, table.name()) + " (\n  "
                + columns + "\n)\nPRIMARY KEY (" + key + ")\nCOMMENT " + quoteDouble(table.comment())
                + "\nDISTRIBUTED BY HASH(" + key + ")"
                + "\nPROPERTIES (\"replication_num\" = \"" + target.replicationNum() + "\")";
    }

    /**
     * Dynamic partitioning by day: StarRocks creates tomorrow's partitions and drops those older
     * than the retention itself. A PRIMARY KEY table must hold its partition column in its key,
     * so the key gains that column; the rows' chain position stays unique, since a replayed row
     * carries the same event time as the one it overwrites.
     */
    @Override
    public String createTable(
            String database, TableDefinition<?> table, io.enclave.sinks.schema.DayPartitionRetention retention) {
        java.util.List<String> key = new java.util.ArrayList<>(table.primaryKey());
        if (!table.columns().get(key.size()).name().equals(retention.column())) {
            throw new IllegalArgumentException(
                    table.name() + ": partition column " + retention.column() + " must follow the primary key");
        }
        key.add(retention.column());
        String columns = table.columns().stream().map(this::columnDefinition).collect(Collectors.joining(",\n  "));
        return "CREATE TABLE IF NOT EXISTS " + SqlDialect.qualified(database, table.name()) + " (\n  "
                + columns + "\n)\nPRIMARY KEY (" + SqlDialect.keyList(key) + ")\nCOMMENT "
                + quoteDouble(table.comment())
                + "\nPARTITION BY RANGE(" + SqlDialect.quote(retention.column()) + ") ()"
                + "\nDISTRIBUTED BY HASH(" + SqlDialect.keyList(table.primaryKey()) + ")"
                + "\nPROPERTIES (\"replication_num\" = \"" + target.replicationNum() + "\""
                + dynamicPartitionProperties(retention) + ")";
    }

    /**
     * Day partitions in UTC, the zone {@code event_time} and {@code chained_at} are written in
     * (StarRocks would otherwise cut days at the frontend's system zone), kept for the
     * retention and, through {@code history_partition_num} (StarRocks 2.5.2+), created back to
     * the start of the retention at CREATE TABLE: a replayed or late row of any day still kept
     * has a partition to land in, instead of failing its whole load. Property names from
     * StarRocks' DynamicPartitionProperty; history_partition_num must be at least 0
     * (DynamicPartitionUtil.checkHistoryPartitionNum).
     */
    private static String dynamicPartitionProperties(io.enclave.sinks.schema.DayPartitionRetention retention) {
        return ", \"dynamic_partition.enable\" = \"true\""
                + ", \"dynamic_partition.time_unit\" = \"DAY\""
                + ", \"dynamic_partition.time_zone\" = \"UTC\""
                + ", \"dynamic_partition.start\" = \"-" + retention.days() + "\""
                + ", \"dynamic_partition.end\" = \"3\""
                + ", \"dynamic_partition.history_partition_num\" = \"" + retention.days() + "\""
                + ", \"dynamic_partition.prefix\" = \"p\"";
    }

    /**
     * A DUPLICATE KEY table: in a PRIMARY KEY table an INSERT of an existing key replaces the
     * row, so the INSERT privilege alone could rewrite history; a DUPLICATE KEY table only
     * appends. A replayed identical row is skipped by the writer, which reads the key first,
     * and {@code audit verify} treats an identical duplicate as one row and a different one as
     * a conflict. With retention, partitioned by day like {@link #createTable(String,
     * TableDefinition, io.enclave.sinks.schema.DayPartitionRetention)}; a DUPLICATE KEY table
     * needs no partition column in its key.
     */
    @Override
    public String createAppendOnlyTable(
            String database, TableDefinition<?> table, io.enclave.sinks.schema.DayPartitionRetention retention) {
        String columns = table.columns().stream().map(this::columnDefinition).collect(Collectors.joining(",\n  "));
        String key = SqlDialect.keyList(table.primaryKey());
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ")
                .append(SqlDialect.qualified(database, table.name()))
                .append(" (\n  ")
                .append(columns)
                .append("\n)\nDUPLICATE KEY (")
                .append(key)
                .append(")\nCOMMENT ")
                .append(quoteDouble(table.comment()));
        if (retention != null) {
            sql.append("\nPARTITION BY RANGE(")
                    .append(SqlDialect.quote(retention.column()))
                    .append(") ()");
        }
        sql.append("\nDISTRIBUTED BY HASH(")
                .append(key)
                .append(")")
                .append("\nPROPERTIES (\"replication_num\" = \"")
                .append(target.replicationNum())
                .append("\"");
        if (retention != null) {
            sql.append(dynamicPartitionProperties(retention));
        }
        return sql.append(")").toString();
    }

    private String columnDefinition(Column<?> column) {
        return SqlDialect.quote(column.name()) + " " + columnType(column.type())
                + (column.nullable() ? " NULL" : " NOT NULL")
                + " COMMENT " + quoteDouble(column.comment());
    }

    @Override
    public String upsert(String database, TableDefinition<?> table) {
        return "INSERT INTO " + SqlDialect.qualified(database, table.name()) + " (" + SqlDialect.columnList(table)
                + ") VALUES (" + SqlDialect.placeholders(table) + ")";
    }

    /**
     * The tenant's resource group, idempotently: {@code CREATE RESOURCE GROUP IF NOT EXISTS}
     * makes it on the first run and is a no-op after; the {@code ALTER RESOURCE GROUP ... WITH}
     * that follows sets the configured limits every time, so a changed config converges
     * (OR REPLACE would drop and recreate the group under running queries instead). The CPU
     * share is spelled for the release, see {@link StarRocksTarget#cpuShareProperty()}; it may
     * not exceed the backends' average core count, which StarRocks checks (ResourceGroupAnalyzer)
     * and config validation checks too when {@code global.database.be_cpu_cores} is set.
     * {@code mem_limit} must lie in (0, 1], written as a percentage.
     */
    public List<String> resourceGroupStatements(String group, String user, List<String> roles, ResourceGroup limits) {
        SqlDialect.quote(user);
        roles.forEach(SqlDialect::quote);
        String name = SqlDialect.quote(group);
        String properties = "(\"" + target.cpuShareProperty() + "\" = \"" + limits.cpuWeight()
                + "\", \"mem_limit\" = \"" + limits.memLimitPercent() + "%\")";
        // The classifier matches the tenant's user, so every query of its job and readers
        // runs in its own group: one tenant's queries cannot starve another's.
        return List.of(
                "CREATE RESOURCE GROUP IF NOT EXISTS " + name
                        + "\nTO (user='" + user + "')"
                        + roles.stream().map(role -> ", (role='" + role + "')").collect(Collectors.joining())
                        + "\nWITH " + properties,
                "ALTER RESOURCE GROUP " + name + " WITH " + properties);
    }

    private static String quoteDouble(String comment) {
        return "\"" + comment.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * StarRocks makes every INSERT outside an SQL transaction its own load, and its SQL
     * transactions (3.5 on) allow several INSERTs into one table only on shared-data clusters from
     * 4.0 (docs, "SQL Transaction"): so one flush is one statement, one version per tablet.
     */
    @Override
    public boolean transactionsSpanStatements() {
        return false;
    }

    /** StarRocks prepares SELECT statements only (3.2 on; docs, "Prepared statements"). */
    @Override
    public boolean serverPreparesInserts() {
        return false;
    }
}
