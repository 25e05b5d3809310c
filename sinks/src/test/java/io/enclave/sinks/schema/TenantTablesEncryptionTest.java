package io.enclave.sinks.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EncryptableFields;
import io.enclave.config.EncryptedField;
import io.enclave.config.EncryptionMode;
import io.enclave.config.StreamKind;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.StarRocksDialect;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Encrypted columns are wide enough for their ciphertext, and only those change. */
class TenantTablesEncryptionTest {
    private static final List<EncryptedField> ENCRYPTED = List.of(
            new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED),
            new EncryptedField(StreamKind.DISASTERS, "placeCode", EncryptionMode.DETERMINISTIC),
            new EncryptedField(StreamKind.DISASTERS, "hash", EncryptionMode.RANDOMIZED));

    @Test
    void encryptedColumnsBecomeLongTextAndTheOthersStayAsTheyWere() {
        TableDefinition<TenantEvent> plain = TenantTables.disasterDeclarations();
        TableDefinition<TenantEvent> encrypted = TenantTables.forStream(StreamKind.DISASTERS, ENCRYPTED);

        assertThat(encrypted.columnNames()).isEqualTo(plain.columnNames());
        for (int i = 0; i < plain.columns().size(); i++) {
            Column<TenantEvent> column = encrypted.columns().get(i);
            if (List.of("designated_area", "place_code", "fema_hash").contains(column.name())) {
                assertThat(column.type()).as(column.name()).isEqualTo(ColumnType.LONG_TEXT);
                assertThat(column.comment()).contains("encrypted");
            } else {
                assertThat(column.type())
                        .as(column.name())
                        .isEqualTo(plain.columns().get(i).type());
            }
        }
        assertThat(new MySqlDialect().createTable("t_db", encrypted))
                .contains("`designated_area` MEDIUMTEXT")
                .contains("`state` VARCHAR(255)");
        assertThat(new StarRocksDialect().createTable("t_db", encrypted)).contains("`place_code` VARCHAR(1048576)");
        assertThat(TenantTables.forStream(StreamKind.WEATHER, ENCRYPTED).columns())
                .as("another stream's fields change nothing here")
                .isEqualTo(TenantTables.weatherAlerts().columns());
    }

    @ParameterizedTest
    @EnumSource(StreamKind.class)
    void everyEncryptableFieldHasATextColumn(StreamKind stream) {
        TableDefinition<TenantEvent> table = TenantTables.forStream(stream);
        for (String field : EncryptableFields.fields(stream)) {
            String column = EncryptableFields.column(stream, field).orElseThrow();
            assertThat(table.columns()).as("%s.%s", table.name(), column).anySatisfy(c -> {
                assertThat(c.name()).isEqualTo(column);
                assertThat(c.type()).isIn(ColumnType.SHORT_TEXT, ColumnType.LONG_TEXT);
            });
        }
    }
}
