package io.enclave.sinks.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.StreamKind;
import io.enclave.sinks.schema.Column;
import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MySqlDialectTest {

    private static final String DB = "colorado_state";
    private final MySqlDialect dialect = new MySqlDialect();

    static Stream<TableDefinition<?>> tables() {
        return TenantTables.all().stream();
    }

    static Stream<String> unsafe() {
        return UnsafeIdentifiers.all();
    }

    @Test
    void isNamedMysql() {
        assertThat(dialect.name()).isEqualTo("mysql");
    }

    @Test
    void mapsEveryColumnType() {
        assertThat(dialect.columnType(ColumnType.SHORT_TEXT)).isEqualTo("VARCHAR(255)");
        assertThat(dialect.columnType(ColumnType.LONG_TEXT)).isEqualTo("MEDIUMTEXT");
        assertThat(dialect.columnType(ColumnType.INT)).isEqualTo("INT");
        assertThat(dialect.columnType(ColumnType.BIGINT)).isEqualTo("BIGINT");
        assertThat(dialect.columnType(ColumnType.BOOLEAN)).isEqualTo("BOOLEAN");
        // Milliseconds survive: processing and audit times are millisecond instants.
        assertThat(dialect.columnType(ColumnType.TIMESTAMP)).isEqualTo("DATETIME(3)");
    }

    @Test
    void createDatabaseIsIdempotentQuotedAndCaseSensitive() {
        assertThat(dialect.createDatabase(DB))
                .isEqualTo("CREATE DATABASE IF NOT EXISTS `colorado_state` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    }

    @ParameterizedTest
    @MethodSource("tables")
    void createTableListsEveryColumnInOrderWithItsKey(TableDefinition<?> table) {
        String ddl = dialect.createTable(DB, table);

        assertThat(ddl).startsWith("CREATE TABLE IF NOT EXISTS `colorado_state`.`" + table.name() + "` (");
        assertThat(ddl).contains("PRIMARY KEY (" + SqlDialect.keyList(table.primaryKey()) + ")");
        assertThat(ddl).contains("ENGINE=InnoDB").contains("COLLATE=utf8mb4_bin");
        assertThat(definedColumns(ddl)).containsExactlyElementsOf(table.columnNames());
        for (Column<?> column : table.columns()) {
            String definition = "`" + column.name() + "` " + dialect.columnType(column.type())
                    + (column.nullable() ? " NULL" : " NOT NULL") + " COMMENT ";
            assertThat(ddl).as(column.name()).contains(definition);
        }
    }

    /**
     * The multi-row upsert keeps the single row's ON DUPLICATE KEY UPDATE tail, which MariaDB
     * and MySQL apply row by row: the same upsert semantics in one statement.
     */
    @Test
    void upsertRowsRepeatsTheValuesAndKeepsTheUpdateTail() {
        TableDefinition<?> table = TenantTables.disasterDeclarations();
        String single = dialect.upsert(DB, table);
        String many = dialect.upsertRows(DB, table, 4);
        String tail = single.substring(single.indexOf(") ON DUPLICATE KEY UPDATE"));
        assertThat(many).endsWith(tail).startsWith(single.substring(0, single.indexOf("VALUES (")));
        assertThat(many.split("\\), \\(", -1)).hasSize(4);
        assertThat(dialect.insertOnlyRows(DB, TenantTables.auditLog(), 2)).startsWith("INSERT IGNORE INTO ");
    }

    @Test
    void keyColumnsAndTenantTagsAreNotNull() {
        String ddl = dialect.createTable(DB, TenantTables.disasterDeclarations());
        assertThat(ddl)
                .contains("`id` VARCHAR(128) NOT NULL")
                .contains("`tenant_id` VARCHAR(255) NOT NULL")
                .contains("`processing_time` DATETIME(3) NOT NULL")
                .contains("`source_offset` BIGINT NOT NULL")
                .contains("`declaration_date` DATETIME(3) NULL")
                .contains("`ih_program_declared` BOOLEAN NULL");
    }

    @Test
    void commentsAreEscapedLiterals() {
        TableDefinition<String> table = new TableDefinition<>(
                "notes",
                "it's a \\ test",
                List.of(Column.required("id", ColumnType.SHORT_TEXT, "the 'key'", s -> s)),
                List.of("id"));
        String ddl = dialect.createTable(DB, table);
        assertThat(ddl).contains("COMMENT 'the ''key'''").endsWith("COMMENT='it''s a \\\\ test'");
    }

    @ParameterizedTest
    @MethodSource("tables")
    void upsertUpdatesEveryNonKeyColumnAndNeverTheKey(TableDefinition<?> table) {
        String sql = dialect.upsert(DB, table);

        String head = "INSERT INTO `colorado_state`.`" + table.name() + "` (";
        assertThat(sql).startsWith(head).contains(" ON DUPLICATE KEY UPDATE ");
        String insertPart = sql.substring(0, sql.indexOf(" ON DUPLICATE KEY UPDATE "));
        String updatePart =
                sql.substring(sql.indexOf(" ON DUPLICATE KEY UPDATE ") + " ON DUPLICATE KEY UPDATE ".length());

        String columnList = insertPart.substring(head.length(), insertPart.indexOf(") VALUES ("));
        assertThat(Arrays.stream(columnList.split(", "))
                        .map(c -> c.replace("`", ""))
                        .toList())
                .containsExactlyElementsOf(table.columnNames());
        assertThat(countOf(insertPart, '?')).isEqualTo(table.columns().size());

        List<String> updates = Arrays.asList(updatePart.split(", "));
        List<String> nonKey = table.columnNames().stream()
                .filter(c -> !table.primaryKey().contains(c))
                .toList();
        assertThat(updates)
                .containsExactlyElementsOf(nonKey.stream()
                        .map(c -> "`" + c + "` = VALUES(`" + c + "`)")
                        .toList());
        for (String key : table.primaryKey()) {
            assertThat(updatePart).doesNotContain("`" + key + "`");
        }
        // Values travel only as bind parameters.
        assertThat(sql).doesNotContain("'");
    }

    @ParameterizedTest
    @EnumSource(StreamKind.class)
    void upsertOfEachStreamTargetsItsTable(StreamKind stream) {
        assertThat(dialect.upsert(DB, TenantTables.forStream(stream)))
                .startsWith("INSERT INTO `colorado_state`.`" + stream.table() + "` (`id`, ");
    }

    @Test
    void auditUpsertNeverRewritesItsChainPosition() {
        String sql = dialect.upsert(DB, TenantTables.auditLog());
        // A replayed tail overwrites the row at its (tenant, sequence); it can never move a row.
        assertThat(sql.substring(sql.indexOf("ON DUPLICATE KEY UPDATE")))
                .doesNotContain("`tenant_id` = ", "`sequence` = ")
                .contains("`hash` = VALUES(`hash`)", "`record_id` = VALUES(`record_id`)");
    }

    @ParameterizedTest
    @MethodSource("unsafe")
    void quoteRefusesUnsafeIdentifiers(String identifier) {
        assertThatThrownBy(() -> SqlDialect.quote(identifier))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a safe identifier");
    }

    @ParameterizedTest
    @MethodSource("unsafe")
    void noStatementIsBuiltForAnUnsafeDatabase(String database) {
        TableDefinition<?> table = TenantTables.weatherAlerts();
        assertThatThrownBy(() -> dialect.createDatabase(database)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.createTable(database, table)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.upsert(database, table)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void grantsNameExactlyOneDatabaseBecauseTheWildcardsAreEscaped() {
        assertThat(dialect.grantDatabase("ab_c")).isEqualTo("`ab\\_c`");
        assertThat(dialect.grantDatabase("colorado_state")).isEqualTo("`colorado\\_state`");
        assertThat(dialect.grantDatabase("abxc")).isEqualTo("`abxc`");
        assertThat(MySqlDialect.escapeGrantWildcards("a%b_c\\d")).isEqualTo("a\\%b\\_c\\\\d");
    }

    @Test
    void aGrantPatternNamesOneDatabaseOnlyWhenNoWildcardIsLeftUnescaped() {
        assertThat(MySqlDialect.exactGrantDatabase("ab\\_c")).contains("ab_c");
        assertThat(MySqlDialect.exactGrantDatabase("abxc")).contains("abxc");
        assertThat(MySqlDialect.exactGrantDatabase("a\\%b")).contains("a%b");
        // What older code and hand-made grants leave behind: ab_c also matches abxc.
        assertThat(MySqlDialect.exactGrantDatabase("ab_c")).isEmpty();
        assertThat(MySqlDialect.exactGrantDatabase("ab\\_c%")).isEmpty();
        assertThat(MySqlDialect.exactGrantDatabase("%")).isEmpty();
        for (String database : List.of("ab_c", "colorado_state", "abxc")) {
            assertThat(MySqlDialect.exactGrantDatabase(MySqlDialect.escapeGrantWildcards(database)))
                    .contains(database);
        }
    }

    @ParameterizedTest
    @MethodSource("unsafe")
    void noGrantIsBuiltForAnUnsafeDatabase(String database) {
        assertThatThrownBy(() -> dialect.grantDatabase(database)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unsafeTableOrColumnNamesAreRefusedToo() {
        TableDefinition<String> badTable = new TableDefinition<>(
                "t; DROP TABLE x",
                "c",
                List.of(Column.required("id", ColumnType.SHORT_TEXT, "k", s -> s)),
                List.of("id"));
        TableDefinition<String> badColumn = new TableDefinition<>(
                "t",
                "c",
                List.of(
                        Column.required("id", ColumnType.SHORT_TEXT, "k", s -> s),
                        Column.optional("x`) VALUES (1); --", ColumnType.SHORT_TEXT, "v", s -> s)),
                List.of("id"));
        assertThatThrownBy(() -> dialect.createTable(DB, badTable)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.upsert(DB, badTable)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.createTable(DB, badColumn)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.upsert(DB, badColumn)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quoteAcceptsConfigStyleIdentifiers() {
        assertThat(SqlDialect.quote("tenant_a1")).isEqualTo("`tenant_a1`");
        assertThat(SqlDialect.qualified("tenant_a1", "audit_log")).isEqualTo("`tenant_a1`.`audit_log`");
    }

    /** Column names in the order the DDL defines them (lines that start with a quoted name). */
    static List<String> definedColumns(String ddl) {
        Matcher m = Pattern.compile("(?m)^  `([a-z0-9_]+)` ").matcher(ddl);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static int countOf(String s, char c) {
        return (int) s.chars().filter(ch -> ch == c).count();
    }
}
