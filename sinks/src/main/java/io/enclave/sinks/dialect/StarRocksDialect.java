package io.enclave.sinks.dialect;

import io.enclave.sinks.schema.Column;
import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import java.util.stream.Collectors;

/**
 * StarRocks: PRIMARY KEY tables hashed on their key, where a plain INSERT of an existing key
 * replaces the row. That upsert is what makes replays after a restart harmless without XA.
 * The audit tables are DUPLICATE KEY tables instead, where an INSERT can only append.
 */
public final class StarRocksDialect implements SqlDialect {
    private final int replicationNum;

    public StarRocksDialect() {
        this(3);
    }

    public StarRocksDialect(int replicationNum) {
        this.replicationNum = replicationNum;
    }

    @Override
    public String name() {
        return "starrocks";
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type) {
            case SHORT_TEXT -> "VARCHAR(1020)"; // StarRocks counts bytes: 255 UTF-8 characters
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
                + "\nPROPERTIES (\"replication_num\" = \"" + replicationNum + "\")";
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
                + "\nPROPERTIES (\"replication_num\" = \"" + replicationNum + "\""
                + ", \"dynamic_partition.enable\" = \"true\""
                + ", \"dynamic_partition.time_unit\" = \"DAY\""
                + ", \"dynamic_partition.start\" = \"-" + retention.days() + "\""
                + ", \"dynamic_partition.end\" = \"3\""
                + ", \"dynamic_partition.prefix\" = \"p\")";
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
                .append(replicationNum)
                .append("\"");
        if (retention != null) {
            sql.append(", \"dynamic_partition.enable\" = \"true\"")
                    .append(", \"dynamic_partition.time_unit\" = \"DAY\"")
                    .append(", \"dynamic_partition.start\" = \"-")
                    .append(retention.days())
                    .append("\"")
                    .append(", \"dynamic_partition.end\" = \"3\"")
                    .append(", \"dynamic_partition.prefix\" = \"p\"");
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

    private static String quoteDouble(String comment) {
        return "\"" + comment.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
