package io.enclave.sinks.dialect;

import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How one MySQL-protocol database spells Enclave's DDL and upserts. Identifiers come only from
 * validated config and table definitions ({@code [a-z][a-z0-9_]*}) and are quoted anyway;
 * values only ever travel as bind parameters.
 */
public interface SqlDialect extends java.io.Serializable {

    String name();

    String columnType(ColumnType type);

    String createDatabase(String database);

    String createTable(String database, TableDefinition<?> table);

    /**
     * A table whose rows are kept for a number of days. By default the DDL is the plain one and
     * retention is left to {@code ./enclave audit purge}.
     */
    default String createTable(
            String database, TableDefinition<?> table, io.enclave.sinks.schema.DayPartitionRetention retention) {
        return createTable(database, table);
    }

    /** An INSERT that overwrites the row with the same primary key, so replays never duplicate. */
    String upsert(String database, TableDefinition<?> table);

    /**
     * {@link #upsert} of {@code rows} rows in one statement: {@code INSERT ... VALUES (...), (...)}
     * with the dialect's own tail (MySQL/MariaDB: {@code ON DUPLICATE KEY UPDATE c = VALUES(c)},
     * which applies row by row, so a multi-row insert upserts exactly as single rows do). One
     * statement is one transaction on every server, whatever the driver URL says: on StarRocks
     * one load, so one new version per tablet it touches.
     */
    default String upsertRows(String database, TableDefinition<?> table, int rows) {
        return repeatValues(upsert(database, table), table, rows);
    }

    /**
     * Whether one transaction can hold several INSERTs, so a flush may be written as a few
     * statements of a fixed row count (each parsed by the driver once) and committed together.
     * True for MySQL and MariaDB; a dialect whose server makes every INSERT its own load says
     * false, and then a flush is one statement.
     */
    default boolean transactionsSpanStatements() {
        return true;
    }

    /**
     * Whether the sinks' INSERTs are prepared on the server (Connector/J's {@code
     * useServerPrepStmts}), so their values travel in the binary protocol: the driver no longer
     * escapes every value into SQL text, nor the server parses it back. On MariaDB this cut the
     * server's CPU per row by about 40 % and the driver's a little (a sink-only probe of
     * 100,000 rows, 2 December 2026). True for
     * MySQL and MariaDB; StarRocks prepares SELECT statements only (docs, "Prepared statements").
     */
    default boolean serverPreparesInserts() {
        return true;
    }

    /** {@link #insertOnly} of {@code rows} rows in one statement, see {@link #upsertRows}. */
    default String insertOnlyRows(String database, TableDefinition<?> table, int rows) {
        return repeatValues(insertOnly(database, table), table, rows);
    }

    /** Replaces the one {@code VALUES (?, ...)} group of a single-row INSERT by {@code rows} groups. */
    static String repeatValues(String singleRow, TableDefinition<?> table, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("at least one row: " + rows);
        }
        String group = "(" + placeholders(table) + ")";
        String values = "VALUES " + group;
        int at = singleRow.indexOf(values);
        if (at < 0 || singleRow.indexOf(values, at + 1) >= 0) {
            throw new IllegalArgumentException("not a single-row INSERT: " + singleRow);
        }
        StringBuilder sql = new StringBuilder(singleRow.length() + rows * (group.length() + 2));
        sql.append(singleRow, 0, at).append("VALUES ").append(group);
        for (int i = 1; i < rows; i++) {
            sql.append(", ").append(group);
        }
        return sql.append(singleRow, at + values.length(), singleRow.length()).toString();
    }

    /**
     * An append-only table (the audit tables): its rows can be added, never changed by an
     * INSERT. By default the plain DDL, whose primary key refuses a second row with the same key.
     *
     * @param retention the day partitions to keep, or null for none
     */
    default String createAppendOnlyTable(
            String database, TableDefinition<?> table, io.enclave.sinks.schema.DayPartitionRetention retention) {
        return retention == null ? createTable(database, table) : createTable(database, table, retention);
    }

    /**
     * An INSERT into an append-only table that never overwrites: a row whose key exists is left
     * as it is. The writer compares the stored row with its own to tell a replay from a conflict.
     */
    default String insertOnly(String database, TableDefinition<?> table) {
        return "INSERT INTO " + qualified(database, table.name()) + " (" + columnList(table) + ") VALUES ("
                + placeholders(table) + ")";
    }

    /**
     * The database as GRANT and REVOKE name it, quoted. Every statement that grants or revokes
     * on a tenant's database spells the name through here, so a server that reads patterns in
     * that position gets one that matches exactly this database. By default the name is taken
     * literally, as StarRocks does.
     */
    default String grantDatabase(String database) {
        return quote(database);
    }

    static String quote(String identifier) {
        if (!identifier.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a safe identifier: " + identifier);
        }
        return "`" + identifier + "`";
    }

    static String qualified(String database, String table) {
        return quote(database) + "." + quote(table);
    }

    static String columnList(TableDefinition<?> table) {
        return table.columnNames().stream().map(SqlDialect::quote).collect(Collectors.joining(", "));
    }

    static String placeholders(TableDefinition<?> table) {
        return String.join(", ", java.util.Collections.nCopies(table.columns().size(), "?"));
    }

    /** SQL string literal for DDL comments, which come from our own code, never from input. */
    static String commentLiteral(String comment) {
        return "'" + comment.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String keyList(List<String> columns) {
        return columns.stream().map(SqlDialect::quote).collect(Collectors.joining(", "));
    }
}
