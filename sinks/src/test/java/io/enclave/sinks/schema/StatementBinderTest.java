package io.enclave.sinks.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.RecordingPreparedStatement;
import io.enclave.sinks.RecordingPreparedStatement.Call;
import io.enclave.sinks.SinkFixtures;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementBinderTest {

    private static final TimeZone ORIGINAL = TimeZone.getDefault();

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(ORIGINAL);
    }

    static Stream<Arguments> instants() {
        return Stream.of(
                Arguments.of("2024-08-09T00:00:00.000Z", LocalDateTime.of(2024, 8, 9, 0, 0, 0)),
                Arguments.of("2024-12-08T22:46:06+00:00", LocalDateTime.of(2024, 12, 8, 22, 46, 6)),
                Arguments.of("2024-12-08T17:46:06-05:00", LocalDateTime.of(2024, 12, 8, 22, 46, 6)),
                Arguments.of("2024-12-09T04:16:06.5+05:30", LocalDateTime.of(2024, 12, 8, 22, 46, 6, 500_000_000)),
                // Crossing midnight and a year boundary in UTC.
                Arguments.of("2024-12-31T20:00:00-05:00", LocalDateTime.of(2025, 1, 1, 1, 0, 0)),
                Arguments.of(1_733_697_966_123L, LocalDateTime.of(2024, 12, 8, 22, 46, 6, 123_000_000)),
                Arguments.of(0L, LocalDateTime.of(1970, 1, 1, 0, 0, 0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns"})
    void convertsToUtcWhateverTheJvmZone(String zone) {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        instants().forEach(args -> {
            Object input = args.get()[0];
            assertThat(StatementBinder.utc(input)).as("%s in %s", input, zone).isEqualTo(args.get()[1]);
        });
    }

    @ParameterizedTest
    @MethodSource("instants")
    void timestampColumnsAreBoundAsUtcLocalDateTime(Object input, LocalDateTime expected) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
        List<Column<Object>> columns = List.of(Column.required("t", ColumnType.TIMESTAMP, "t", o -> o));
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        StatementBinder.bind(ps.statement(), columns, input);

        assertThat(ps.calls()).containsExactly(new Call("setObject", List.of(1, expected)));
    }

    @Test
    void aTimestampWithoutOffsetIsRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> StatementBinder.utc("2024-08-09T00:00:00"))
                .isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void bindsEachTypeWithItsSetterInColumnOrder() throws Exception {
        List<Column<Object[]>> columns = List.of(
                Column.required("a", ColumnType.SHORT_TEXT, "a", r -> r[0]),
                Column.optional("b", ColumnType.LONG_TEXT, "b", r -> r[1]),
                Column.optional("c", ColumnType.INT, "c", r -> r[2]),
                Column.optional("d", ColumnType.BIGINT, "d", r -> r[3]),
                Column.optional("e", ColumnType.BOOLEAN, "e", r -> r[4]),
                Column.optional("f", ColumnType.TIMESTAMP, "f", r -> r[5]));
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        StatementBinder.bind(ps.statement(), columns,
                new Object[] {"CO", "long ✓ text", 7, 5_000_000_000L, Boolean.TRUE, "2024-12-08T17:46:06-05:00"});

        assertThat(ps.calls()).containsExactly(
                new Call("setString", List.of(1, "CO")),
                new Call("setString", List.of(2, "long ✓ text")),
                new Call("setInt", List.of(3, 7)),
                new Call("setLong", List.of(4, 5_000_000_000L)),
                new Call("setBoolean", List.of(5, true)),
                new Call("setObject", List.of(6, LocalDateTime.of(2024, 12, 8, 22, 46, 6))));
    }

    @Test
    void nullsAreBoundAsTypedNulls() throws Exception {
        List<Column<Object>> columns = List.of(
                Column.optional("a", ColumnType.SHORT_TEXT, "a", r -> null),
                Column.optional("b", ColumnType.LONG_TEXT, "b", r -> null),
                Column.optional("c", ColumnType.INT, "c", r -> null),
                Column.optional("d", ColumnType.BIGINT, "d", r -> null),
                Column.optional("e", ColumnType.BOOLEAN, "e", r -> null),
                Column.optional("f", ColumnType.TIMESTAMP, "f", r -> null));
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        StatementBinder.bind(ps.statement(), columns, new Object());

        assertThat(ps.calls()).containsExactly(
                new Call("setNull", List.of(1, Types.VARCHAR)),
                new Call("setNull", List.of(2, Types.VARCHAR)),
                new Call("setNull", List.of(3, Types.INTEGER)),
                new Call("setNull", List.of(4, Types.BIGINT)),
                new Call("setNull", List.of(5, Types.BOOLEAN)),
                new Call("setNull", List.of(6, Types.TIMESTAMP)));
    }

    @Test
    void aDisasterRowBindsEveryColumnOnce() throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
        TableDefinition<TenantEvent> table = TenantTables.disasterDeclarations();
        TenantEvent event = SinkFixtures.disaster("colorado_state", "d-1", "Severe Storms", "CO", "WY");
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        StatementBinder.bind(ps.statement(), table.columns(), event);

        Map<Integer, Call> bound = ps.byIndex();
        assertThat(bound).hasSize(table.columns().size());
        assertThat(bound.keySet()).containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, table.columns().size()).boxed().toList());
        List<String> names = table.columnNames();
        assertThat(bound.get(names.indexOf("id") + 1).value()).isEqualTo("d-1");
        assertThat(bound.get(names.indexOf("states") + 1).value()).isEqualTo("CO,WY");
        assertThat(bound.get(names.indexOf("tenant_id") + 1).value()).isEqualTo("colorado_state");
        assertThat(bound.get(names.indexOf("declaration_date") + 1).value())
                .isEqualTo(LocalDateTime.of(2024, 8, 9, 0, 0));
        assertThat(bound.get(names.indexOf("incident_begin_date") + 1).value())
                .isEqualTo(LocalDateTime.of(2024, 12, 8, 22, 46, 6));
        assertThat(bound.get(names.indexOf("processing_time") + 1).value())
                .isEqualTo(LocalDateTime.of(2024, 12, 8, 22, 46, 6, 123_000_000));
        assertThat(bound.get(names.indexOf("incident_end_date") + 1))
                .isEqualTo(new Call("setNull", List.of(names.indexOf("incident_end_date") + 1, Types.TIMESTAMP)));
        assertThat(bound.get(names.indexOf("hm_program_declared") + 1).method()).isEqualTo("setNull");
        assertThat(bound.get(names.indexOf("ih_program_declared") + 1).value()).isEqualTo(true);
        assertThat(bound.get(names.indexOf("source_offset") + 1).method()).isEqualTo("setLong");
    }

    @Test
    void anAlertRowJoinsItsGeocodes() throws Exception {
        TableDefinition<TenantEvent> table = TenantTables.weatherAlerts();
        TenantEvent event = SinkFixtures.alert("colorado_state", "urn:oid:2.49.0.1.840.0.1", "Severe", "CO");
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        StatementBinder.bind(ps.statement(), table.columns(), event);

        Map<Integer, Call> bound = ps.byIndex();
        List<String> names = table.columnNames();
        assertThat(bound).hasSize(names.size());
        assertThat(bound.get(names.indexOf("same_codes") + 1).value()).isEqualTo("008031,008013");
        assertThat(bound.get(names.indexOf("ugc_codes") + 1).value()).isEqualTo("COZ039,COZ040");
        assertThat(bound.get(names.indexOf("states") + 1).value()).isEqualTo("CO");
        assertThat(bound.get(names.indexOf("expires") + 1).value()).isEqualTo(LocalDateTime.of(2024, 12, 9, 13, 0));
    }
}
