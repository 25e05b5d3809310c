package io.enclave.sinks.schema;

import java.io.Serializable;
import java.util.List;

/**
 * A table described once, from which every dialect derives its DDL and upsert statement and
 * the sink derives its parameter binding, so the three can never disagree on column order.
 * The primary key columns come first, as StarRocks requires of a PRIMARY KEY table.
 *
 * @param <T> the record type the table stores
 */
public record TableDefinition<T>(String name, String comment, List<Column<T>> columns, List<String> primaryKey)
        implements Serializable {

    public TableDefinition {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        for (int i = 0; i < primaryKey.size(); i++) {
            if (!columns.get(i).name().equals(primaryKey.get(i))) {
                throw new IllegalArgumentException(
                        name + ": primary key column " + primaryKey.get(i) + " must be column " + (i + 1));
            }
        }
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}
