package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event sink's write on MariaDB: a flush is one transaction of multi-row statements
 * prepared on the server once per row count, on a URL without {@code rewriteBatchedStatements},
 * and it upserts exactly as single rows did.
 */
class BatchedUpsertSinkITCase {
    private static final String TENANT = "batched_it";
    private static EmbeddedMariaDb db;
    private static TenantConfig tenant;

    @BeforeAll
    static void createDatabase() throws SQLException {
        db = EmbeddedMariaDb.shared();
        tenant = SinkFixtures.freshTenant(db, TENANT, "pw-batched");
    }

    private static JdbcSinkOptions options() {
        return JdbcSinkOptions.builder()
                .tenantId(TENANT)
                // Connector/J's own rewrite off: the statement must be one INSERT by itself.
                .jdbcUrl(db.jdbcUrl(TENANT).replace("rewriteBatchedStatements=true", "rewriteBatchedStatements=false"))
                .database(TENANT)
                .user(tenant.database().user())
                .password(tenant.database().password())
                .dialect(new MySqlDialect())
                .build();
    }

    @Test
    void aFlushIsOneTransactionThatUpsertsLikeSingleRows() throws Exception {
        TableDefinition<TenantEvent> table = TenantTables.forStream(StreamKind.DISASTERS);
        TenantRowBinder<TenantEvent> binder = new TenantRowBinder<>(TENANT, table, TenantEvent::tenantIdOf);
        JdbcSinkOptions options = options();
        assertThat(options.jdbcUrl()).doesNotContain("rewriteBatchedStatements=true");
        try (Connection c = options.connect()) {
            List<TenantEvent> first = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                first.add(SinkFixtures.disaster(TENANT, "d-" + i, "first " + i, "CO"));
            }
            BatchedUpsertSink.Statements statements = new BatchedUpsertSink.Statements();
            long executes = status(c, "Com_stmt_execute");
            long prepares = status(c, "Com_stmt_prepare");
            long commits = status(c, "Com_commit");
            BatchedUpsertSink.upsert(c, statements, options, table, binder, first);
            assertThat(status(c, "Com_stmt_execute") - executes)
                    .as("three rows: a statement of two and one of one, prepared on the server")
                    .isEqualTo(2);
            assertThat(status(c, "Com_commit") - commits).as("one transaction").isEqualTo(1);
            assertThat(BatchedUpsertSink.statementRows(3)).containsExactly(2, 1);

            // Same keys again, in one statement: stored rows are updated, and of two rows with the
            // same key in one batch the later wins, as it did row by row.
            List<TenantEvent> second = List.of(
                    SinkFixtures.disaster(TENANT, "d-1", "second 1", "CO"),
                    SinkFixtures.disaster(TENANT, "d-2", "stale 2", "CO"),
                    SinkFixtures.disaster(TENANT, "d-2", "second 2", "CO"));
            BatchedUpsertSink.upsert(c, statements, options, table, binder, second);
            BatchedUpsertSink.upsert(
                    c,
                    statements,
                    options,
                    table,
                    binder,
                    List.of(SinkFixtures.disaster(TENANT, "d-4", "first 4", "CO")));
            assertThat(statements.size())
                    .as("statements kept: of two rows and of one")
                    .isEqualTo(2);
            assertThat(status(c, "Com_stmt_prepare") - prepares)
                    .as("each row count prepared once, whatever the flushes")
                    .isEqualTo(2);
            statements.close();
        }
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, declaration_title FROM " + TENANT
                        + ".disaster_declarations WHERE id LIKE 'd-%'" + " ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "=" + rs.getString(2));
            }
            assertThat(rows).containsExactly("d-1=second 1", "d-2=second 2", "d-3=first 3", "d-4=first 4");
        }
    }

    @Test
    void aLargeFlushIsChunkedStatementsInOneTransaction() throws Exception {
        TableDefinition<TenantEvent> table = TenantTables.forStream(StreamKind.WEATHER);
        TenantRowBinder<TenantEvent> binder = new TenantRowBinder<>(TENANT, table, TenantEvent::tenantIdOf);
        JdbcSinkOptions options = options();
        int chunk = BatchedUpsertSink.CHUNK_ROWS;
        try (Connection c = options.connect();
                BatchedUpsertSink.Statements statements = new BatchedUpsertSink.Statements()) {
            List<TenantEvent> flush = new ArrayList<>();
            for (int i = 0; i < 2 * chunk + 10; i++) {
                flush.add(SinkFixtures.alert(TENANT, "a-" + i, "Severe", "CO"));
            }
            long executes = status(c, "Com_stmt_execute");
            long commits = status(c, "Com_commit");
            BatchedUpsertSink.upsert(c, statements, options, table, binder, flush);
            assertThat(status(c, "Com_stmt_execute") - executes)
                    .as("two full chunks, then the rest of 10 as 8 and 2")
                    .isEqualTo(4);
            assertThat(status(c, "Com_commit") - commits).as("one transaction").isEqualTo(1);
            assertThat(rows(table)).isEqualTo(2 * chunk + 10);

            // A row refused in the last chunk: the chunks already sent are rolled back with it.
            List<TenantEvent> refused = new ArrayList<>();
            for (int i = 0; i < chunk + 5; i++) {
                refused.add(SinkFixtures.alert(TENANT, "b-" + i, "Severe", "CO"));
            }
            refused.add(SinkFixtures.alert("another_tenant", "b-foreign", "Severe", "CO"));
            assertThatThrownBy(() -> BatchedUpsertSink.upsert(c, statements, options, table, binder, refused))
                    .isInstanceOf(CrossTenantWriteException.class);
            assertThat(rows(table)).as("nothing of the refused flush").isEqualTo(2 * chunk + 10);
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    /** A {@code useServerPrepStmts} in the operator's URL wins over the sink's default. */
    @Test
    void theUrlDecidesWhereStatementsArePrepared() throws Exception {
        TableDefinition<TenantEvent> table = TenantTables.forStream(StreamKind.DISASTERS);
        TenantRowBinder<TenantEvent> binder = new TenantRowBinder<>(TENANT, table, TenantEvent::tenantIdOf);
        JdbcSinkOptions base = options();
        JdbcSinkOptions clientSide = JdbcSinkOptions.builder()
                .tenantId(TENANT)
                .jdbcUrl(base.jdbcUrl() + "&useServerPrepStmts=false")
                .database(TENANT)
                .user(base.user())
                .password(base.password())
                .dialect(new MySqlDialect())
                .build();
        try (Connection c = clientSide.connect();
                BatchedUpsertSink.Statements statements = new BatchedUpsertSink.Statements()) {
            long executes = status(c, "Com_stmt_execute");
            long inserts = status(c, "Com_insert");
            BatchedUpsertSink.upsert(
                    c,
                    statements,
                    clientSide,
                    table,
                    binder,
                    List.of(SinkFixtures.disaster(TENANT, "u-1", "client side", "CO")));
            assertThat(status(c, "Com_stmt_execute") - executes).isZero();
            assertThat(status(c, "Com_insert") - inserts).isEqualTo(1);
        }
    }

    private static long rows(TableDefinition<?> table) throws SQLException {
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + TENANT + "." + table.name())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long status(Connection c, String variable) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW SESSION STATUS LIKE '" + variable + "'")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
