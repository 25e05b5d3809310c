package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.jobs.TenantPipeline;
import io.enclave.operators.SinkGuard;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.CrossTenantWriteException;
import io.enclave.sinks.JdbcSinkOptions;
import io.enclave.sinks.TenantJdbcSinks;
import io.enclave.sinks.TenantRowBinder;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.schema.TenantTables;
import io.enclave.testing.MiniClusters;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "sink": rows of tenant B fed straight to tenant A's sink, past tag and guard.
 * The sink guard drops them and audits them for A's own chain; the row binder, the last line,
 * refuses them outright; and A's sinks write as A's own database user, which could not reach
 * B's database anyway.
 */
class SinkIsolationITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 1);

    @TempDir
    static Path dir;

    private static EmbeddedMariaDb db;
    private static IsolationFixture fixture;

    @BeforeAll
    static void provision() throws Exception {
        db = EmbeddedMariaDb.shared();
        fixture = new IsolationFixture("siso", dir, "localhost:9092", db.rootJdbcUrl(), null);
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            for (TenantConfig t : List.of(fixture.alpha(), fixture.bravo())) {
                st.execute("DROP DATABASE IF EXISTS `" + t.database().schema() + "`");
            }
        }
        IsolationFixture.Run run = fixture.provisionDatabase(db.rootUser(), db.rootPassword());
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    @Test
    void bravosRowsFedToAlphasSinkAreDroppedAndAuditedAndAlphasOwnRowsAreWritten() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TenantJdbcSinks sinks =
                new TenantJdbcSinks(JdbcSinkOptions.forTenant(fixture.config.global(), a, new MySqlDialect()));
        List<TenantEvent> rows = List.of(row(a, "alpha-1"), row(b, "bravo-1"), row(a, "alpha-2"), row(b, "bravo-2"));

        SingleOutputStreamOperator<TenantEvent> guarded = env.fromData(rows)
                .name("rows")
                .uid("rows")
                .process(new SinkGuard(
                        AuditContext.of(a), TenantPipeline.AUDIT, a.names().operatorName("sink_guard")))
                .name(a.names().operatorName("sink_guard"))
                .uid(a.names().operatorUid("sink_guard"));
        guarded.sinkTo(sinks.events(StreamKind.DISASTERS)).name("disasters").uid("disasters");
        // The audit side output as the chainer would receive it: this test is about the sink guard; the chain has its
        // own suite.
        List<AuditRecord> audited = new ArrayList<>();
        try (CloseableIterator<AuditRecord> audit =
                guarded.getSideOutput(TenantPipeline.AUDIT).collectAsync()) {
            env.execute("sink isolation");
            audit.forEachRemaining(audited::add);
        }

        assertThat(column(a, "SELECT id FROM disaster_declarations")).containsExactlyInAnyOrder("alpha-1", "alpha-2");
        assertThat(audited)
                .extracting(r -> r.tenantId + " " + r.reason + " " + r.recordKey + " " + r.operator)
                .containsExactlyInAnyOrder(
                        "siso_alpha cross_tenant bravo-1 sink_guard[siso_alpha]",
                        "siso_alpha cross_tenant bravo-2 sink_guard[siso_alpha]");
        assertThat(column(b, "SELECT id FROM disaster_declarations")).isEmpty();
    }

    @Test
    void theRowBinderRefusesAnotherTenantsRowOnARealStatement() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        var table = TenantTables.forStream(StreamKind.DISASTERS);
        TenantRowBinder<TenantEvent> binder = new TenantRowBinder<>(a.id(), table, TenantEvent::tenantIdOf);
        try (Connection c = login(a);
                PreparedStatement ps = c.prepareStatement(
                        new MySqlDialect().upsert(a.database().schema(), table))) {
            // The statement runs whenever the binder lets the row through, so a binder that did would write it.
            assertThatThrownBy(() -> {
                        binder.accept(ps, row(b, "bravo-direct"));
                        ps.executeUpdate();
                    })
                    .isInstanceOf(CrossTenantWriteException.class)
                    .hasMessageContaining("refused a row of tenant 'siso_bravo'");
            // The same statement on the same connection writes A's own row: the refusal is the binder's, not a broken
            // statement.
            binder.accept(ps, row(a, "alpha-direct"));
            assertThat(ps.executeUpdate()).isPositive();
        }
        assertThat(column(a, "SELECT id FROM disaster_declarations"))
                .contains("alpha-direct")
                .doesNotContain("bravo-direct");
        // The other tests of this class count A's rows exactly.
        try (Connection root = db.rootConnection();
                Statement st = root.createStatement()) {
            st.executeUpdate(
                    "DELETE FROM `" + a.database().schema() + "`.disaster_declarations WHERE id = 'alpha-direct'");
        }
    }

    @Test
    void alphasSinkUserCannotWriteIntoBravosDatabase() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        var table = TenantTables.forStream(StreamKind.DISASTERS);
        TenantRowBinder<TenantEvent> binder = new TenantRowBinder<>(a.id(), table, TenantEvent::tenantIdOf);
        // Even a correctly bound row of A, aimed at B's table, is refused by the server.
        try (Connection c = login(a);
                PreparedStatement ps = c.prepareStatement(
                        new MySqlDialect().upsert(b.database().schema(), table))) {
            binder.accept(ps, row(a, "alpha-into-bravo"));
            assertThatThrownBy(ps::executeUpdate)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("denied");
        }
        assertThat(column(b, "SELECT id FROM disaster_declarations")).isEmpty();
    }

    private static TenantEvent row(TenantConfig owner, String id) {
        TenantEvent e = new TenantEvent();
        e.tenantId = owner.id();
        e.stream = StreamKind.DISASTERS;
        e.naturalKey = id;
        e.classification = "PUBLIC";
        e.states = new String[] {"CO"};
        e.processingTime = 1_767_225_600_000L;
        e.isolationBoundary = "tenant:" + owner.id();
        e.dataOwner = owner.organization();
        e.contentHash = "0".repeat(64);
        e.sourceTopic = owner.names().topic(StreamKind.DISASTERS);
        e.sourcePartition = 0;
        e.sourceOffset = id.hashCode() & 0xffff;
        e.disaster = new DisasterDeclaration();
        e.disaster.id = id;
        e.disaster.state = "CO";
        return e;
    }

    private static Connection login(TenantConfig tenant) throws SQLException {
        return DriverManager.getConnection(
                db.jdbcUrl(tenant.database().schema()),
                tenant.database().user(),
                tenant.database().password().reveal());
    }

    private static List<String> column(TenantConfig tenant, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = login(tenant);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
