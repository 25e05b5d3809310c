package io.enclave.sinks.dialect;

import io.enclave.sinks.schema.Column;
import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import java.util.stream.Collectors;

/**
 * StarRocks: PRIMARY KEY tables hashed on their key, where a plain INSERT of an existing key
 * replaces the row. That upsert is what makes replays after a restart harmless without XA.
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
    public String createTable(String database, TableDefinition<?> table,
            io.enclave.sinks.schema.DayPartitionRetention retention) {
        java.util.List<String> key = new java.util.ArrayList<>(table.primaryKey());
        if (!table.columns().get(key.size()).name().equals(retention.column())) {
            throw new IllegalArgumentException(table.name() + ": partition column " + retention.column()
                    + " must follow the primary key");
        }
        key.add(retention.column());
        String columns = table.columns().stream().map(this::columnDefinition).collect(Collectors.joining(",\n  "));
        return "CREATE TABLE IF NOT EXISTS " + SqlDialect.qualified(database, table.name()) + " (\n  "
                + columns + "\n)\nPRIMARY KEY (" + SqlDialect.keyList(key) + ")\nCOMMENT " + quoteDouble(table.comment())
                + "\nPARTITION BY RANGE(" + SqlDialect.quote(retention.column()) + ") ()"
                + "\nDISTRIBUTED BY HASH(" + SqlDialect.keyList(table.primaryKey()) + ")"
                + "\nPROPERTIES (\"replication_num\" = \"" + replicationNum + "\""
                + ", \"dynamic_partition.enable\" = \"true\""
                + ", \"dynamic_partition.time_unit\" = \"DAY\""
                + ", \"dynamic_partition.start\" = \"-" + retention.days() + "\""
                + ", \"dynamic_partition.end\" = \"3\""
                + ", \"dynamic_partition.prefix\" = \"p\")";
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
