package io.enclave.benchmarks.jobs;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publish-to-row latency of a tenant's job, read from the database: a trigger stamps each row
 * inserted into the tenant's tables with the server's clock at insert ({@code SYSDATE(6)}, per
 * row, not per statement), and each row's stamp is compared with the Kafka record timestamp its
 * message was published with. Both clocks are this machine's.
 */
final class RowLatency {
    private RowLatency() {}

    /** The latencies of the rows of one measurement, sorted, and when the first and last were written. */
    record Measured(List<Double> sortedMs, long firstWrittenUs, long lastWrittenUs) {
        double percentile(double q) {
            return EndToEndBenchmark.percentile(sortedMs, q);
        }

        double maxMs() {
            return sortedMs.isEmpty() ? Double.NaN : sortedMs.get(sortedMs.size() - 1);
        }

        /** Rows over the time from the first row written to the last. */
        double rowsPerSec() {
            return sortedMs.size() < 2 ? Double.NaN : (sortedMs.size() - 1) / ((lastWrittenUs - firstWrittenUs) / 1e6);
        }
    }

    /** From now on every row inserted into {@code tenant}'s tables is stamped with the server's clock. */
    static void stampInserts(Connection root, TenantConfig tenant) throws SQLException {
        String database = tenant.database().schema();
        try (Statement st = root.createStatement()) {
            for (StreamKind stream : StreamKind.values()) {
                String table = SqlDialect.qualified(database, stream.table());
                st.execute("ALTER TABLE " + table + " ADD COLUMN bench_written_us BIGINT NULL");
                st.execute("CREATE TRIGGER " + SqlDialect.qualified(database, stream.table() + "_bench_written")
                        + " BEFORE INSERT ON " + table
                        + " FOR EACH ROW SET NEW.bench_written_us = ROUND(UNIX_TIMESTAMP(SYSDATE(6)) * 1000000)");
            }
        }
    }

    /** The stamped rows whose key is in {@code sentAt} (key → record timestamp in ms). */
    static Measured read(Connection root, TenantConfig tenant, Map<String, Long> sentAt) throws SQLException {
        List<Double> latencies = new ArrayList<>(sentAt.size());
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        try (Statement st = root.createStatement()) {
            for (StreamKind stream : StreamKind.values()) {
                try (ResultSet rs = st.executeQuery("SELECT id, bench_written_us FROM "
                        + SqlDialect.qualified(tenant.database().schema(), stream.table())
                        + " WHERE bench_written_us IS NOT NULL")) {
                    while (rs.next()) {
                        Long sent = sentAt.get(rs.getString(1));
                        if (sent != null) {
                            long written = rs.getLong(2);
                            latencies.add(written / 1000.0 - sent);
                            first = Math.min(first, written);
                            last = Math.max(last, written);
                        }
                    }
                }
            }
        }
        latencies.sort(Double::compare);
        return new Measured(latencies, first, last);
    }
}
