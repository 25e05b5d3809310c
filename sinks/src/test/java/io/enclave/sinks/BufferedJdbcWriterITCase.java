package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.Secret;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink writer on MariaDB: its flushes run beside the task, one at a time, yet a
 * checkpoint's flush returns only once every row before it is written, in the order written,
 * and a flush that failed in the background fails the next flush, naming the table.
 */
class BufferedJdbcWriterITCase {
    private static final String TENANT = "writer_it";
    private static final TableDefinition<TenantEvent> TABLE = TenantTables.forStream(StreamKind.DISASTERS);
    private static EmbeddedMariaDb db;
    private static TenantConfig tenant;

    @BeforeAll
    static void createDatabase() throws SQLException {
        db = EmbeddedMariaDb.shared();
        tenant = SinkFixtures.freshTenant(db, TENANT, "pw-writer-it");
    }

    private static JdbcSinkOptions options(Secret password) {
        return JdbcSinkOptions.builder()
                .tenantId(TENANT)
                .jdbcUrl(db.jdbcUrl(TENANT))
                .database(TENANT)
                .user(tenant.database().user())
                .password(password)
                .dialect(new MySqlDialect())
                .batchSize(2)
                .batchInterval(Duration.ZERO)
                .maxRetries(0)
                .build();
    }

    private static BatchedUpsertSink.Writer<TenantEvent> writer(JdbcSinkOptions options) {
        return new BatchedUpsertSink.Writer<>(
                options,
                TABLE,
                new TenantRowBinder<>(TENANT, TABLE, TenantEvent::tenantIdOf),
                new TestProcessingTimeService(),
                null);
    }

    @Test
    void aCheckpointFlushReturnsOnceEveryRowIsWrittenInOrder() throws Exception {
        BatchedUpsertSink.Writer<TenantEvent> writer =
                writer(options(tenant.database().password()));
        // 101 versions of one key and a key per version, in batches of two: fifty size flushes go to
        // the background while rows keep coming, and the checkpoint's flush writes the last one.
        for (int version = 1; version <= 101; version++) {
            writer.write(SinkFixtures.disaster(TENANT, "o-key", "version " + version, "CO"), null);
            writer.write(SinkFixtures.disaster(TENANT, "o-row-" + version, "row " + version, "CO"), null);
        }
        writer.flush(false);

        Map<String, String> stored = stored();
        stored.keySet().removeIf(id -> !id.startsWith("o-"));
        assertThat(stored).as("every row before the checkpoint").hasSize(102);
        assertThat(stored.get("o-key"))
                .as("the versions of a key were written in order")
                .isEqualTo("version 101");
        writer.close();
        assertThat(Thread.getAllStackTraces().keySet())
                .as("the writer's flush thread ends with it")
                .noneMatch(t -> t.getName().startsWith("jdbc-flush " + TENANT + "."));
    }

    @Test
    void aFlushThatFailedInTheBackgroundFailsTheNextFlush() throws Exception {
        BatchedUpsertSink.Writer<TenantEvent> writer = writer(options(Secret.of("not-the-password")));
        // The size flushes go to the background: the writes that trigger them return.
        writer.write(SinkFixtures.disaster(TENANT, "f-1", "first", "CO"), null);
        writer.write(SinkFixtures.disaster(TENANT, "f-2", "second", "CO"), null);

        assertThatThrownBy(() -> writer.flush(false))
                .isInstanceOf(IOException.class)
                .hasMessage("Writing 2 rows to writer_it.disaster_declarations failed after 1 attempts");
        writer.close();
        assertThat(stored()).doesNotContainKeys("f-1", "f-2");
    }

    /** Rows due after a failed flush never overtake its rows: the flushes queued behind it skip. */
    @Test
    void flushesQueuedBehindAFailedOneWriteNothing() throws Exception {
        BatchedUpsertSink.Writer<TenantEvent> writer =
                writer(options(tenant.database().password()));
        assertThatThrownBy(() -> {
                    // A row of another tenant fails the first flush; the second may already be queued.
                    writer.write(SinkFixtures.disaster("another_tenant", "q-foreign", "foreign", "CO"), null);
                    writer.write(SinkFixtures.disaster(TENANT, "q-1", "first", "CO"), null);
                    writer.write(SinkFixtures.disaster(TENANT, "q-2", "second", "CO"), null);
                    writer.write(SinkFixtures.disaster(TENANT, "q-3", "third", "CO"), null);
                    writer.flush(false);
                })
                .hasStackTraceContaining("another_tenant");
        writer.close();
        assertThat(stored()).doesNotContainKeys("q-foreign", "q-1", "q-2", "q-3");
    }

    private static Map<String, String> stored() throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT id, declaration_title FROM " + TENANT + ".disaster_declarations")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }
}
