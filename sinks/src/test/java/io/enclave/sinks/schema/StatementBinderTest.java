package io.enclave.sinks.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.RecordingPreparedStatement;
import io.enclave.sinks.RecordingPreparedStatement.Call;
import io.enclave.sinks.SinkFixtures;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    void timestampColumnsAreBoundAsUtcDatetimeText(Object input, LocalDateTime expected) throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
        List<Column<Object>> columns = List.of(Column.required("t", ColumnType.TIMESTAMP, "t", o -> o));
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        StatementBinder.bind(ps.statement(), columns, input);

        assertThat(ps.calls()).containsExactly(new Call("setString", List.of(1, oracle(expected))));
    }

    @Test
    void datetimeTextMatchesTheJdkFormatterOnRandomInstants() {
        Random random = new Random(20261129);
        for (int i = 0; i < 100_000; i++) {
            long millis = random.nextLong(-30_000_000_000_000L, 253_402_300_799_999L);
            LocalDateTime utc = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
            assertThat(StatementBinder.utcLiteral(millis)).as("%d ms", millis).isEqualTo(oracle(utc));
            int nanos = random.nextInt(1_000_000_000);
            String iso = utc.withNano(nanos)
                    .atOffset(ZoneOffset.ofHours(random.nextInt(-12, 15)))
                    .toString();
            assertThat(StatementBinder.utcLiteral(iso)).as(iso).isEqualTo(oracle(StatementBinder.utc(iso)));
        }
    }

    @Test
    void datetimeTextSpellsOutAWholeSecondWithoutFraction() {
        assertThat(StatementBinder.utcLiteral("2024-12-08T17:46:06-05:00")).isEqualTo("2024-12-08 22:46:06");
        assertThat(StatementBinder.utcLiteral(1_733_697_966_123L)).isEqualTo("2024-12-08 22:46:06.123000");
        assertThat(StatementBinder.utcLiteral("0999-01-01T00:00:00.000001Z")).isEqualTo("0999-01-01 00:00:00.000001");
        assertThat(StatementBinder.utcLiteral("2024-12-08T22:46:06.123456789Z"))
                .isEqualTo("2024-12-08 22:46:06.123456");
        // Beyond what DATETIME holds: written out whole, so the database refuses it with its own error.
        assertThat(StatementBinder.utcLiteral("+10000-01-01T00:00:00Z")).isEqualTo("+10000-01-01 00:00:00.000000");
    }

    /** The DATETIME literal by the JDK's formatter: what Connector/J sends for a LocalDateTime, to the microsecond. */
    private static String oracle(LocalDateTime utc) {
        LocalDateTime micros = utc.withNano(utc.getNano() / 1000 * 1000);
        String pattern = micros.getNano() == 0 ? "uuuu-MM-dd HH:mm:ss" : "uuuu-MM-dd HH:mm:ss.SSSSSS";
        return DateTimeFormatter.ofPattern(pattern).format(micros);
    }

    @Test
    void aTimestampWithoutOffsetIsRefusedRatherThanGuessed() {
        assertThatThrownBy(() -> StatementBinder.utc("2024-08-09T00:00:00")).isInstanceOf(DateTimeParseException.class);
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

        StatementBinder.bind(ps.statement(), columns, new Object[] {
            "CO", "long ✓ text", 7, 5_000_000_000L, Boolean.TRUE, "2024-12-08T17:46:06-05:00"
        });

        assertThat(ps.calls())
                .containsExactly(
                        new Call("setString", List.of(1, "CO")),
                        new Call("setString", List.of(2, "long ✓ text")),
                        new Call("setInt", List.of(3, 7)),
                        new Call("setLong", List.of(4, 5_000_000_000L)),
                        new Call("setBoolean", List.of(5, true)),
                        new Call("setString", List.of(6, "2024-12-08 22:46:06")));
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

        assertThat(ps.calls())
                .containsExactly(
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
        assertThat(bound.keySet())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(
                                1, table.columns().size())
                        .boxed()
                        .toList());
        List<String> names = table.columnNames();
        assertThat(bound.get(names.indexOf("id") + 1).value()).isEqualTo("d-1");
        assertThat(bound.get(names.indexOf("states") + 1).value()).isEqualTo("CO,WY");
        assertThat(bound.get(names.indexOf("tenant_id") + 1).value()).isEqualTo("colorado_state");
        assertThat(bound.get(names.indexOf("declaration_date") + 1).value()).isEqualTo("2024-08-09 00:00:00");
        assertThat(bound.get(names.indexOf("incident_begin_date") + 1).value()).isEqualTo("2024-12-08 22:46:06");
        assertThat(bound.get(names.indexOf("processing_time") + 1).value()).isEqualTo("2024-12-08 22:46:06.123000");
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
        assertThat(bound.get(names.indexOf("expires") + 1).value()).isEqualTo("2024-12-09 13:00:00");
    }
}
