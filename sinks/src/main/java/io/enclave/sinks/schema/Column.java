package io.enclave.sinks.schema;

import java.io.Serializable;
import java.util.function.Function;

/**
 * One column of a tenant table and how its value is read from a record.
 *
 * @param <T> the record type the table stores
 */
public record Column<T>(String name, ColumnType type, boolean nullable, String comment, Extractor<T> extractor)
        implements Serializable {

    /** Reads a column's value from a record; the reference is shipped with the sink, so it is serializable. */
    @FunctionalInterface
    public interface Extractor<T> extends Function<T, Object>, Serializable {}

    public static <T> Column<T> required(String name, ColumnType type, String comment, Extractor<T> extractor) {
        return new Column<>(name, type, false, comment, extractor);
    }

    public static <T> Column<T> optional(String name, ColumnType type, String comment, Extractor<T> extractor) {
        return new Column<>(name, type, true, comment, extractor);
    }
}
