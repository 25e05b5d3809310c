package io.enclave.sinks.schema;

import io.enclave.operators.parse.IsoDateTimes;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Binds a record's column values, in table order, as parameters of the dialect's upsert. */
public final class StatementBinder {
    /** For years a DATETIME cannot hold, so the database, not the binder, words the error. */
    private static final DateTimeFormatter DATETIME_LITERAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    private StatementBinder() {}

    public static <T> void bind(PreparedStatement ps, List<Column<T>> columns, T record) throws SQLException {
        bind(ps, 0, columns, record);
    }

    /** Binds the record as parameters {@code offset + 1} on: one row of a multi-row INSERT. */
    public static <T> void bind(PreparedStatement ps, int offset, List<Column<T>> columns, T record)
            throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            Column<T> column = columns.get(i);
            Object value = column.extractor().apply(record);
            int index = offset + i + 1;
            if (value == null) {
                ps.setNull(index, sqlType(column.type()));
                continue;
            }
            switch (column.type()) {
                case SHORT_TEXT, KEY_TEXT, LONG_TEXT -> ps.setString(index, value.toString());
                case INT -> ps.setInt(index, ((Number) value).intValue());
                case BIGINT -> ps.setLong(index, ((Number) value).longValue());
                case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
                case TIMESTAMP -> ps.setString(index, utcLiteral(value));
            }
        }
    }

    /**
     * Instants are written as UTC wall-clock values, never through the JVM's zone, so the same
     * event stores the same DATETIME on every machine. Read with {@link IsoDateTimes}, whose fast
     * path the sink row's seven dates a record need.
     */
    static LocalDateTime utc(Object value) {
        if (value instanceof Long epochMillis) {
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
        }
        return IsoDateTimes.parse(value.toString())
                .withOffsetSameInstant(ZoneOffset.UTC)
                .toLocalDateTime();
    }

    /**
     * The UTC value as the text a DATETIME literal takes, {@code yyyy-MM-dd HH:mm:ss[.ffffff]},
     * which is what Connector/J sends for a {@link LocalDateTime} in its text protocol. Bound as
     * a string, because Connector/J formats a {@code LocalDateTime} with a
     * {@code DateTimeFormatter} twice per batched row (once to size the batch, once to send it),
     * which profiled as about 8 % of a tenant job's CPU end to end, with seven dates a FEMA row.
     * Digits below a microsecond are dropped, as DATETIME keeps at most six.
     */
    static String utcLiteral(Object value) {
        LocalDateTime t = utc(value);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return DATETIME_LITERAL.format(t);
        }
        int micros = t.getNano() / 1000;
        char[] c = new char[micros == 0 ? 19 : 26];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = ' ';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        if (micros != 0) {
            c[19] = '.';
            digits(c, 20, micros, 6);
        }
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int sqlType(ColumnType type) {
        return switch (type) {
            case SHORT_TEXT, KEY_TEXT, LONG_TEXT -> Types.VARCHAR;
            case INT -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case BOOLEAN -> Types.BOOLEAN;
            case TIMESTAMP -> Types.TIMESTAMP;
        };
    }
}
