package io.enclave.sinks.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.ResourceGroup;
import io.enclave.config.Secret;
import io.enclave.config.StarRocksTarget;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.schema.Column;
import io.enclave.sinks.schema.ColumnType;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StarRocksDialectTest {

    private static final String DB = "colorado_state";
    private static final io.enclave.sinks.schema.DayPartitionRetention RETENTION =
            new io.enclave.sinks.schema.DayPartitionRetention("chained_at", 400);
    private final StarRocksDialect dialect = new StarRocksDialect();

    static Stream<TableDefinition<?>> tables() {
        return TenantTables.all().stream();
    }

    /** The Primary Key tables: every table but the append-only audit tables, which are DUPLICATE KEY tables. */
    static Stream<TableDefinition<?>> primaryKeyTables() {
        return tables().filter(table -> !TenantTables.APPEND_ONLY.contains(table.name()));
    }

    static Stream<String> unsafe() {
        return UnsafeIdentifiers.all();
    }

    @Test
    void isNamedStarrocks() {
        assertThat(dialect.name()).isEqualTo("starrocks");
    }

    /** StarRocks prepares SELECT statements only, and every INSERT outside a transaction is its own load. */
    @Test
    void insertsArePreparedByTheDriverOneStatementPerFlush() {
        assertThat(dialect.serverPreparesInserts()).isFalse();
        assertThat(dialect.transactionsSpanStatements()).isFalse();
        assertThat(new MySqlDialect().serverPreparesInserts()).isTrue();
    }

    @Test
    void mapsEveryColumnType() {
        assertThat(dialect.columnType(ColumnType.SHORT_TEXT)).startsWith("VARCHAR(");
        assertThat(dialect.columnType(ColumnType.LONG_TEXT)).startsWith("VARCHAR(");
        assertThat(dialect.columnType(ColumnType.INT)).isEqualTo("INT");
        assertThat(dialect.columnType(ColumnType.BIGINT)).isEqualTo("BIGINT");
        assertThat(dialect.columnType(ColumnType.BOOLEAN)).isEqualTo("BOOLEAN");
        assertThat(dialect.columnType(ColumnType.TIMESTAMP)).isEqualTo("DATETIME");
    }

    @Test
    void shortTextHoldsTwoHundredFiftyFiveUtf8Characters() {
        // StarRocks sizes VARCHAR in bytes; a 255-character code may take four bytes a character.
        int bytes = Integer.parseInt(dialect.columnType(ColumnType.SHORT_TEXT).replaceAll("\\D", ""));
        assertThat(bytes).isGreaterThanOrEqualTo(255 * 4);
    }

    /**
     * StarRocks resolves {@code ON DATABASE db} and {@code ON ALL TABLES IN DATABASE db} to the
     * one database of that name; it has no wildcard patterns there, so the name stays literal:
     * an escaped {@code colorado\\_state} would name a database that does not exist.
     */
    @Test
    void grantsNameTheDatabaseLiterallyWithoutEscapes() {
        assertThat(dialect.grantDatabase("ab_c")).isEqualTo("`ab_c`");
        assertThat(dialect.grantDatabase(DB)).isEqualTo("`colorado_state`");
        TenantConfig tenant = TenantConfig.builder("ab_c")
                .organization("Org ab_c")
                .database(new DatabaseSettings("ab_c", "ab_c_writer", Secret.of("pw"), "ab_c_key"))
                .build();
        assertThat(new TenantDatabase(tenant, dialect).accessStatements())
                .contains("GRANT SELECT, INSERT ON ALL TABLES IN DATABASE `ab_c` TO ROLE `tenant_ab_c_writer`")
                .noneMatch(statement -> statement.contains("\\"));
    }

    @ParameterizedTest
    @MethodSource("unsafe")
    void noGrantIsBuiltForAnUnsafeDatabase(String database) {
        assertThatThrownBy(() -> dialect.grantDatabase(database)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void createDatabaseIsIdempotentAndQuoted() {
        assertThat(dialect.createDatabase(DB)).isEqualTo("CREATE DATABASE IF NOT EXISTS `colorado_state`");
    }

    @ParameterizedTest
    @MethodSource("tables")
    void createTableIsAPrimaryKeyTableHashedOnItsKey(TableDefinition<?> table) {
        String ddl = dialect.createTable(DB, table);
        String key = SqlDialect.keyList(table.primaryKey());

        assertThat(ddl).startsWith("CREATE TABLE IF NOT EXISTS `colorado_state`.`" + table.name() + "` (");
        assertThat(ddl).contains("PRIMARY KEY (" + key + ")");
        assertThat(ddl).contains("DISTRIBUTED BY HASH(" + key + ")");
        assertThat(ddl).contains("PROPERTIES (\"replication_num\" = \"3\")");
        // StarRocks' clause order: key, comment, distribution, properties.
        assertThat(ddl.indexOf("PRIMARY KEY")).isLessThan(ddl.indexOf("\nCOMMENT "));
        assertThat(ddl.indexOf("\nCOMMENT ")).isLessThan(ddl.indexOf("DISTRIBUTED BY HASH"));
        assertThat(ddl.indexOf("DISTRIBUTED BY HASH")).isLessThan(ddl.indexOf("PROPERTIES"));
        // No MySQL-only syntax.
        assertThat(ddl).doesNotContain("ENGINE=InnoDB", "MEDIUMTEXT", "DATETIME(3)", "COLLATE", "ON DUPLICATE");

        List<String> defined = MySqlDialectTest.definedColumns(ddl);
        assertThat(defined).containsExactlyElementsOf(table.columnNames());
        assertThat(defined.get(0)).isEqualTo(table.primaryKey().get(0));
    }

    @Test
    void disasterTableUsesStarRocksTypes() {
        String ddl = dialect.createTable(DB, TenantTables.disasterDeclarations());
        assertThat(ddl)
                .contains("`id` VARCHAR(128) NOT NULL")
                .contains("`declaration_date` DATETIME NULL")
                .contains("`ih_program_declared` BOOLEAN NULL")
                .contains("`disaster_number` INT NULL")
                .contains("`source_offset` BIGINT NOT NULL")
                .contains("`declaration_title` VARCHAR(");
        assertThat(MySqlDialectTest.definedColumns(ddl).get(0)).isEqualTo("id");
    }

    /**
     * Every PRIMARY KEY table's widest key (the event tables'; the audit tables are DUPLICATE
     * KEY tables, which primary_key_limit_size does not bound) fits StarRocks' default
     * primary_key_limit_size of 128 bytes, computed as the BE does (PrimaryKeyEncoder::encode_exceed_limit): a one-column
     * VARCHAR key is its bytes; in a longer key each fixed-width column adds its width and each
     * VARCHAR but the last adds 2 bytes of terminator. VARCHAR(n) holds n bytes.
     */
    @ParameterizedTest
    @MethodSource("primaryKeyTables")
    void primaryKeysFitStarRocksDefaultKeyLimit(TableDefinition<?> table) {
        List<Column<?>> key = new java.util.ArrayList<>(
                table.columns().subList(0, table.primaryKey().size()));
        int bytes = 0;
        for (int i = 0; i < key.size(); i++) {
            String type = dialect.columnType(key.get(i).type());
            if (type.startsWith("VARCHAR(")) {
                bytes += Integer.parseInt(type.replaceAll("\\D", "")) + (i + 1 == key.size() ? 0 : 2);
            } else {
                bytes += switch (type) {
                    case "INT" -> 4;
                    case "BIGINT", "DATETIME" -> 8;
                    case "BOOLEAN" -> 1;
                    default -> throw new AssertionError(type);
                };
            }
        }
        assertThat(bytes).as(table.name() + " key bytes").isLessThanOrEqualTo(128);
    }

    @Test
    void replicationIsConfigurable() {
        assertThat(new StarRocksDialect(1).createTable(DB, TenantTables.auditLog()))
                .endsWith("PROPERTIES (\"replication_num\" = \"1\")");
    }

    @Test
    void replicationFollowsTheConfiguredTarget() {
        StarRocksDialect twoBackends = new StarRocksDialect(new StarRocksTarget("3.2", 2, 0));
        assertThat(twoBackends.createTable(DB, TenantTables.weatherAlerts()))
                .endsWith("PROPERTIES (\"replication_num\" = \"2\")");
        assertThat(twoBackends.createAppendOnlyTable(DB, TenantTables.auditLog(), RETENTION))
                .contains("PROPERTIES (\"replication_num\" = \"2\", ");
        assertThat(twoBackends.createAppendOnlyTable(DB, TenantTables.auditHead(), null))
                .endsWith("PROPERTIES (\"replication_num\" = \"2\")");
    }

    /**
     * Day partitions are cut in UTC, like the timestamps in them, and created back to the start
     * of the retention, so a row of any retained day has a partition from the first load on.
     */
    @Test
    void partitionedTablesCutDaysInUtcAndCreateTheRetainedHistory() {
        for (String ddl : List.of(
                dialect.createAppendOnlyTable(DB, TenantTables.auditLog(), RETENTION),
                dialect.createTable(DB, TenantTables.auditLog(), RETENTION))) {
            assertThat(ddl)
                    .contains("\"dynamic_partition.time_zone\" = \"UTC\"")
                    .contains("\"dynamic_partition.start\" = \"-400\"")
                    .contains("\"dynamic_partition.history_partition_num\" = \"400\"")
                    .contains("\"dynamic_partition.time_unit\" = \"DAY\"")
                    .startsWith("CREATE TABLE IF NOT EXISTS ");
        }
    }

    /** Before 3.3.5 the CPU share is cpu_core_limit; cpu_weight is refused there as unknown. */
    @Test
    void resourceGroupBefore335SpellsCpuCoreLimit() {
        List<String> ddl = new StarRocksDialect(new StarRocksTarget("3.3", 3, 0))
                .resourceGroupStatements(
                        "tenant_co_rg", "co_writer", List.of("tenant_co_writer"), new ResourceGroup(4, 20));
        assertThat(ddl)
                .containsExactly(
                        "CREATE RESOURCE GROUP IF NOT EXISTS `tenant_co_rg`\nTO (user='co_writer'),"
                                + " (role='tenant_co_writer')\nWITH (\"cpu_core_limit\" = \"4\", \"mem_limit\" = \"20%\")",
                        "ALTER RESOURCE GROUP `tenant_co_rg` WITH (\"cpu_core_limit\" = \"4\", \"mem_limit\" = \"20%\")");
    }

    @Test
    void resourceGroupFrom335SpellsCpuWeight() {
        for (String version : List.of("3.3.5", "3.4", "3.5")) {
            List<String> ddl = new StarRocksDialect(new StarRocksTarget(version, 3, 0))
                    .resourceGroupStatements(
                            "tenant_co_rg", "co_writer", List.of("tenant_co_writer"), new ResourceGroup(2, 30));
            assertThat(ddl).hasSize(2).allMatch(s -> s.contains("(\"cpu_weight\" = \"2\", \"mem_limit\" = \"30%\")"));
            assertThat(ddl).noneMatch(s -> s.contains("cpu_core_limit"));
        }
    }

    /**
     * Re-running the DDL must succeed and converge: every CREATE carries IF NOT EXISTS, and the
     * resource group's limits are set by an ALTER that may run any number of times.
     */
    @Test
    void everyStatementOfATenantIsIdempotent() {
        TenantConfig tenant = TenantConfig.builder("co")
                .organization("Org co")
                .database(new DatabaseSettings("co_db", "co_writer", Secret.of("pw"), "co_key"))
                .build();
        TenantDatabase database = new TenantDatabase(tenant, dialect);
        List<String> all = new java.util.ArrayList<>(database.schemaStatements());
        all.addAll(database.accessStatements());
        assertThat(all)
                .filteredOn(s -> s.startsWith("CREATE"))
                .hasSizeGreaterThan(5)
                .allMatch(s -> s.matches("(?s)CREATE (DATABASE|TABLE|ROLE|USER|RESOURCE GROUP) IF NOT EXISTS .*"));
        assertThat(all)
                .filteredOn(s -> !s.startsWith("CREATE"))
                .allMatch(s -> s.startsWith("GRANT ")
                        || s.startsWith("SET DEFAULT ROLE ")
                        || s.startsWith("ALTER RESOURCE GROUP "));
        assertThat(all).anyMatch(s -> s.startsWith("ALTER RESOURCE GROUP `tenant_co_rg` WITH ("));
    }

    @Test
    void commentsAreEscapedDoubleQuotedStrings() {
        TableDefinition<String> table = new TableDefinition<>(
                "notes",
                "say \"hi\" \\ bye",
                List.of(Column.required("id", ColumnType.SHORT_TEXT, "the \"key\"", s -> s)),
                List.of("id"));
        String ddl = dialect.createTable(DB, table);
        assertThat(ddl).contains("COMMENT \"the \\\"key\\\"\"").contains("COMMENT \"say \\\"hi\\\" \\\\ bye\"");
    }

    @ParameterizedTest
    @MethodSource("tables")
    void upsertIsAPlainInsertOfEveryColumn(TableDefinition<?> table) {
        String sql = dialect.upsert(DB, table);
        String columns = String.join(
                ", ", table.columnNames().stream().map(c -> "`" + c + "`").toList());
        String params =
                String.join(", ", java.util.Collections.nCopies(table.columns().size(), "?"));
        assertThat(sql)
                .isEqualTo("INSERT INTO `colorado_state`.`" + table.name() + "` (" + columns + ") VALUES (" + params
                        + ")");
        assertThat(sql).doesNotContain("ON DUPLICATE", "UPDATE", "REPLACE");
    }

    /** A batch is one INSERT of many rows: one StarRocks load, one version per tablet it touches. */
    @Test
    void upsertRowsIsOneMultiRowInsert() {
        TableDefinition<?> table = TenantTables.weatherAlerts();
        String group = "("
                + String.join(
                        ", ", java.util.Collections.nCopies(table.columns().size(), "?")) + ")";
        assertThat(dialect.upsertRows(DB, table, 3))
                .isEqualTo(dialect.upsert(DB, table)
                        .replace("VALUES " + group, "VALUES " + group + ", " + group + ", " + group));
        assertThat(dialect.upsertRows(DB, table, 1)).isEqualTo(dialect.upsert(DB, table));
        assertThat(dialect.insertOnlyRows(DB, TenantTables.auditLog(), 2))
                .startsWith("INSERT INTO `colorado_state`.`audit_log` (")
                .endsWith(")");
        assertThatThrownBy(() -> dialect.upsertRows(DB, table, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("unsafe")
    void noStatementIsBuiltForAnUnsafeDatabase(String database) {
        TableDefinition<?> table = TenantTables.disasterDeclarations();
        assertThatThrownBy(() -> dialect.createDatabase(database))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a safe identifier");
        assertThatThrownBy(() -> dialect.createTable(database, table)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dialect.upsert(database, table)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unsafeKeyColumnIsRefused() {
        TableDefinition<String> table = new TableDefinition<>(
                "t",
                "c",
                List.of(Column.required("id) DISTRIBUTED BY RANDOM; --", ColumnType.SHORT_TEXT, "k", s -> s)),
                List.of("id) DISTRIBUTED BY RANDOM; --"));
        assertThatThrownBy(() -> dialect.createTable(DB, table)).isInstanceOf(IllegalArgumentException.class);
    }
}
