package io.enclave.sinks;

import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.schema.AuditConflict;
import io.enclave.sinks.schema.StatementBinder;
import io.enclave.sinks.schema.TableDefinition;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one of a tenant's append-only audit tables without ever changing a stored row, so the
 * job's account needs only SELECT and INSERT on it (AU-9). Each flush first reads the rows the
 * batch's keys already hold: an identical row (a replay after a restore) is skipped, a
 * different one is refused, logged and recorded in {@code audit_conflict}, and the rest is
 * appended with the dialect's insert-only statement ({@code INSERT IGNORE} on MySQL/MariaDB; a
 * plain INSERT into a DUPLICATE KEY table on StarRocks). The chain has one writer per tenant
 * (parallelism 1), so nothing else appends between the read and the insert. Flushes on its
 * batch size, on its interval and on every checkpoint, like the event tables' JDBC sinks.
 *
 * @param <T> the record type
 */
public final class AppendOnlyAuditSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** How a record maps onto its append-only table and how two rows with the same key compare. */
    public interface Rows<T> extends Serializable {
        TableDefinition<T> table();

        /** The key column after {@code tenant_id}: a chain sequence. */
        String keyColumn();

        long keyOf(T row);

        String tenantOf(T row);

        /** Everything that makes the row what it is; two rows with the same key and identity are the same row. */
        String identityOf(T row);

        /** {@link #identityOf} of the stored row under the result set's cursor. */
        String storedIdentity(ResultSet rs) throws SQLException;
    }

    private final JdbcSinkOptions options;
    private final Rows<T> rows;

    public AppendOnlyAuditSink(JdbcSinkOptions options, Rows<T> rows) {
        this.options = options;
        this.rows = rows;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer<>(
                options,
                rows,
                context.getProcessingTimeService(),
                context.isObjectReuseEnabled() ? context.createInputSerializer() : null);
    }

    /** What one flush did: rows appended, identical replays skipped, conflicts refused. */
    public record Outcome(int appended, int replays, List<AuditConflict> conflicts) {}

    /**
     * Appends {@code batch} to the table through {@code c}: the whole read-compare-insert of one
     * flush, usable without Flink (tests, tools).
     */
    public static <T> Outcome append(Connection c, JdbcSinkOptions options, Rows<T> rows, List<T> batch)
            throws SQLException {
        if (batch.isEmpty()) {
            return new Outcome(0, 0, List.of());
        }
        TableDefinition<T> table = rows.table();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (T row : batch) {
            long key = rows.keyOf(row);
            min = Math.min(min, key);
            max = Math.max(max, key);
            String owner = rows.tenantOf(row);
            if (!options.tenantId().equals(owner)) {
                throw new CrossTenantWriteException(options.tenantId(), owner, table.name());
            }
        }
        Map<Long, String> stored = new HashMap<>();
        String key = SqlDialect.quote(rows.keyColumn());
        try (PreparedStatement ps =
                c.prepareStatement("SELECT * FROM " + SqlDialect.qualified(options.database(), table.name())
                        + " WHERE tenant_id = ? AND " + key + " BETWEEN ? AND ?")) {
            ps.setString(1, options.tenantId());
            ps.setLong(2, min);
            ps.setLong(3, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.putIfAbsent(rs.getLong(rows.keyColumn()), rows.storedIdentity(rs));
                }
            }
        }
        List<T> fresh = new ArrayList<>();
        List<AuditConflict> conflicts = new ArrayList<>();
        int replays = 0;
        long now = System.currentTimeMillis();
        for (T row : batch) {
            long k = rows.keyOf(row);
            String identity = rows.identityOf(row);
            String existing = stored.putIfAbsent(k, identity);
            if (existing == null) {
                fresh.add(row);
            } else if (existing.equals(identity)) {
                replays++;
            } else {
                conflicts.add(new AuditConflict(
                        options.tenantId(),
                        table.name(),
                        k,
                        sha256(existing),
                        sha256(identity),
                        now,
                        "a different " + table.name() + " row was offered at " + rows.keyColumn() + " " + k
                                + "; the stored row was kept and the offered one refused"));
            }
        }
        insertAll(c, options, table, fresh);
        insertAll(c, options, AuditConflict.table(), conflicts);
        return new Outcome(fresh.size(), replays, conflicts);
    }

    /**
     * One multi-row insert-only statement: one transaction whatever the driver URL says, so on
     * StarRocks one load and one version per tablet (see {@link BatchedUpsertSink}).
     */
    private static <R> void insertAll(Connection c, JdbcSinkOptions options, TableDefinition<R> table, List<R> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps =
                c.prepareStatement(options.dialect().insertOnlyRows(options.database(), table, rows.size()))) {
            int width = table.columns().size();
            for (int i = 0; i < rows.size(); i++) {
                StatementBinder.bind(ps, i * width, table.columns(), rows.get(i));
            }
            ps.executeUpdate();
        }
    }

    static String sha256(String identity) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** Buffers rows and appends them on batch size, interval and checkpoint; reconnects and retries on failure. */
    private static final class Writer<T> extends BufferedJdbcWriter<T> {
        private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyAuditSink.class);

        private final Rows<T> rows;

        Writer(JdbcSinkOptions options, Rows<T> rows, ProcessingTimeService time, TypeSerializer<T> copier) {
            super(options, time, copier);
            this.rows = rows;
        }

        @Override
        String target() {
            return options.database() + "." + rows.table().name();
        }

        @Override
        void writeBuffer(Connection c, List<T> buffer) throws SQLException {
            String table = target();
            Outcome outcome = append(c, options, rows, buffer);
            for (AuditConflict conflict : outcome.conflicts()) {
                LOG.error(
                        "{}: refused to overwrite the stored row at {} {} of tenant {} with a different one"
                                + " (stored {}, offered {}); recorded in audit_conflict",
                        table,
                        rows.keyColumn(),
                        conflict.sequence(),
                        conflict.tenantId(),
                        conflict.storedDigest(),
                        conflict.offeredDigest());
            }
            if (outcome.replays() > 0) {
                LOG.info(
                        "{}: {} replayed rows were already stored, identical, and were skipped",
                        table,
                        outcome.replays());
            }
        }
    }
}
