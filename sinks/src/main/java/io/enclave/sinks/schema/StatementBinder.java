package io.enclave.sinks.schema;

import io.enclave.operators.parse.IsoDateTimes;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** Binds a record's column values, in table order, as parameters of the dialect's upsert. */
public final class StatementBinder {
    private StatementBinder() {}

    public static <T> void bind(PreparedStatement ps, List<Column<T>> columns, T record) throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            Column<T> column = columns.get(i);
            Object value = column.extractor().apply(record);
            int index = i + 1;
            if (value == null) {
                ps.setNull(index, sqlType(column.type()));
                continue;
            }
            switch (column.type()) {
                case SHORT_TEXT, LONG_TEXT -> ps.setString(index, value.toString());
                case INT -> ps.setInt(index, ((Number) value).intValue());
                case BIGINT -> ps.setLong(index, ((Number) value).longValue());
                case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
                case TIMESTAMP -> ps.setObject(index, utc(value));
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
        return IsoDateTimes.parse(value.toString()).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }

    private static int sqlType(ColumnType type) {
        return switch (type) {
            case SHORT_TEXT, LONG_TEXT -> Types.VARCHAR;
            case INT -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case BOOLEAN -> Types.BOOLEAN;
            case TIMESTAMP -> Types.TIMESTAMP;
        };
    }
}
