package io.enclave.sinks.schema;

import java.io.Serializable;

/**
 * Keep a table's rows for {@code days}, by daily partitions of a DATETIME column. Dialects that
 * can drop partitions by themselves (StarRocks dynamic partitioning) put it in the DDL; the
 * others rely on {@code ./enclave audit purge}.
 *
 * @param column the DATETIME column that partitions the table; must be the column right after the primary key
 * @param days how many days back rows are kept
 */
public record DayPartitionRetention(String column, int days) implements Serializable {
    public DayPartitionRetention {
        if (days < 1) {
            throw new IllegalArgumentException("retention must be at least one day: " + days);
        }
    }
}
