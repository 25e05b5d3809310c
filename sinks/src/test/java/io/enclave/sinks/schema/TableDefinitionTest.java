package io.enclave.sinks.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.StreamKind;
import io.enclave.sinks.dialect.SqlDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TableDefinitionTest {

    private static final Column<String> ID = Column.required("id", ColumnType.SHORT_TEXT, "key", s -> s);
    private static final Column<String> REGION = Column.required("region", ColumnType.INT, "region", s -> 1);
    private static final Column<String> NOTE = Column.optional("note", ColumnType.LONG_TEXT, "note", s -> null);

    static Stream<TableDefinition<?>> tables() {
        return TenantTables.all().stream();
    }

    @Test
    void primaryKeyMustBeTheFirstColumn() {
        assertThatThrownBy(() -> new TableDefinition<>("alerts", "c", List.of(NOTE, ID), List.of("id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alerts")
                .hasMessageContaining("primary key column id must be column 1");
    }

    @Test
    void compositeKeyMustLeadInItsOwnOrder() {
        assertThat(new TableDefinition<>("t", "c", List.of(ID, REGION, NOTE), List.of("id", "region")).primaryKey())
                .containsExactly("id", "region");
        assertThatThrownBy(() -> new TableDefinition<>("t", "c", List.of(ID, REGION, NOTE), List.of("region", "id")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region must be column 1");
        assertThatThrownBy(() -> new TableDefinition<>("t", "c", List.of(ID, NOTE, REGION), List.of("id", "region")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region must be column 2");
    }

    @Test
    void keepsItsOwnImmutableCopies() {
        List<Column<String>> columns = new ArrayList<>(List.of(ID, NOTE));
        List<String> key = new ArrayList<>(List.of("id"));
        TableDefinition<String> table = new TableDefinition<>("t", "c", columns, key);
        columns.add(REGION);
        key.clear();

        assertThat(table.columnNames()).containsExactly("id", "note");
        assertThat(table.primaryKey()).containsExactly("id");
        assertThatThrownBy(() -> table.columns().add(REGION)).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @MethodSource("tables")
    void everyTenantTableIsWellFormed(TableDefinition<?> table) {
        assertThat(table.primaryKey()).isNotEmpty();
        assertThat(table.columnNames().subList(0, table.primaryKey().size())).isEqualTo(table.primaryKey());
        assertThat(table.columns().get(0).nullable()).as("key column nullable").isFalse();
        assertThat(new HashSet<>(table.columnNames())).hasSameSizeAs(table.columnNames());
        assertThat(table.columnNames()).contains("tenant_id");
        SqlDialect.quote(table.name());
        table.columnNames().forEach(SqlDialect::quote);
        assertThat(table.comment()).isNotBlank();
        table.columns().forEach(c -> assertThat(c.comment()).as(c.name()).isNotBlank());
    }

    @ParameterizedTest
    @EnumSource(StreamKind.class)
    void eventTablesEndWithTheTenantTags(StreamKind stream) {
        TableDefinition<?> table = TenantTables.forStream(stream);
        assertThat(table.name()).isEqualTo(stream.table());
        List<String> names = table.columnNames();
        assertThat(names.subList(names.size() - 10, names.size()))
                .containsExactly(
                        "tenant_id",
                        "states",
                        "data_classification",
                        "isolation_boundary",
                        "data_owner",
                        "processing_time",
                        "source_topic",
                        "source_partition",
                        "source_offset",
                        "content_hash");
        table.columns().stream()
                .filter(c -> names.indexOf(c.name()) >= names.size() - 10)
                .forEach(c -> assertThat(c.nullable()).as(c.name()).isFalse());
    }

    @Test
    void allTablesInCreationOrder() {
        assertThat(TenantTables.all())
                .extracting(TableDefinition::name)
                .containsExactly(
                        "disaster_declarations",
                        "weather_alerts",
                        "audit_log",
                        "audit_head",
                        "audit_anchor",
                        "audit_conflict");
    }

    @ParameterizedTest
    @MethodSource("tables")
    void survivesJavaSerializationAsTheSinkShipsIt(TableDefinition<?> table) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(table);
        }
        Object copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = in.readObject();
        }
        assertThat(copy).isInstanceOf(TableDefinition.class);
        TableDefinition<?> restored = (TableDefinition<?>) copy;
        assertThat(restored.columnNames()).isEqualTo(table.columnNames());
        assertThat(restored.primaryKey()).isEqualTo(table.primaryKey());
    }
}
