package io.enclave.sinks.dialect;

import io.enclave.sinks.schema.Column;
import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import java.util.Optional;
import java.util.stream.Collectors;

/** MySQL 8 and MariaDB: the stand-in for StarRocks in tests and on a developer's machine. */
public final class MySqlDialect implements SqlDialect {

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public String columnType(ColumnType type) {
        return switch (type) {
            case SHORT_TEXT -> "VARCHAR(255)";
            // Characters here: a key of at most that many bytes always fits.
            case KEY_TEXT -> "VARCHAR(" + io.enclave.operators.parse.EventParser.MAX_KEY_BYTES + ")";
            case LONG_TEXT -> "MEDIUMTEXT";
            case INT -> "INT";
            case BIGINT -> "BIGINT";
            case BOOLEAN -> "BOOLEAN";
            case TIMESTAMP -> "DATETIME(3)";
        };
    }

    /** Binary collation: 'CO' and 'co' are different values, as they are to the guard. */
    @Override
    public String createDatabase(String database) {
        return "CREATE DATABASE IF NOT EXISTS " + SqlDialect.quote(database)
                + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
    }

    @Override
    public String createTable(String database, TableDefinition<?> table) {
        String columns = table.columns().stream().map(this::columnDefinition).collect(Collectors.joining(",\n  "));
        return "CREATE TABLE IF NOT EXISTS " + SqlDialect.qualified(database, table.name()) + " (\n  "
                + columns + ",\n  PRIMARY KEY (" + SqlDialect.keyList(table.primaryKey()) + ")\n)"
                + " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT="
                + SqlDialect.commentLiteral(table.comment());
    }

    private String columnDefinition(Column<?> column) {
        return SqlDialect.quote(column.name()) + " " + columnType(column.type())
                + (column.nullable() ? " NULL" : " NOT NULL")
                + " COMMENT " + SqlDialect.commentLiteral(column.comment());
    }

    /**
     * MySQL and MariaDB read {@code _} and {@code %} in a database-level grant as wildcards, so
     * a grant on {@code ab_c} would also reach {@code abxc}. Escaped ({@code ab\_c}), the grant
     * names exactly one database. Backticks take the backslash literally, so the server's grant
     * matcher, not the SQL lexer, sees the escape.
     */
    @Override
    public String grantDatabase(String database) {
        SqlDialect.quote(database);
        return "`" + escapeGrantWildcards(database) + "`";
    }

    /** {@code \}, {@code _} and {@code %} each preceded by a backslash, as the grant matcher reads them. */
    public static String escapeGrantWildcards(String database) {
        StringBuilder escaped = new StringBuilder(database.length() + 8);
        for (char c : database.toCharArray()) {
            if (c == '\\' || c == '_' || c == '%') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /**
     * The one database a database-level grant pattern, as the server stores it, names; empty when
     * the pattern holds an unescaped {@code _} or {@code %} and so matches more names than one.
     * {@code ab\_c} and {@code abxc} name one database each; {@code ab_c} names none, because it
     * covers {@code abxc} as much as {@code ab_c}.
     */
    public static Optional<String> exactGrantDatabase(String pattern) {
        StringBuilder literal = new StringBuilder(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                literal.append(pattern.charAt(++i));
            } else if (c == '_' || c == '%') {
                return Optional.empty();
            } else {
                literal.append(c);
            }
        }
        return Optional.of(literal.toString());
    }

    /**
     * {@code INSERT IGNORE}: a row whose primary key exists stays as stored, and the statement
     * needs the INSERT privilege only. (IGNORE also turns other errors into warnings, but every
     * audit column is bound from a normalised record that fits its column.)
     */
    @Override
    public String insertOnly(String database, TableDefinition<?> table) {
        return "INSERT IGNORE INTO " + SqlDialect.qualified(database, table.name()) + " ("
                + SqlDialect.columnList(table) + ") VALUES (" + SqlDialect.placeholders(table) + ")";
    }

    /** VALUES(col) rather than a row alias, because MariaDB has no row alias syntax. */
    @Override
    public String upsert(String database, TableDefinition<?> table) {
        String updates = table.columnNames().stream()
                .filter(c -> !table.primaryKey().contains(c))
                .map(c -> SqlDialect.quote(c) + " = VALUES(" + SqlDialect.quote(c) + ")")
                .collect(Collectors.joining(", "));
        return "INSERT INTO " + SqlDialect.qualified(database, table.name()) + " (" + SqlDialect.columnList(table)
                + ") VALUES (" + SqlDialect.placeholders(table) + ") ON DUPLICATE KEY UPDATE " + updates;
    }
}
