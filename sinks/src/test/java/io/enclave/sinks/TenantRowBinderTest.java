package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.schema.TableDefinition;
import io.enclave.sinks.schema.TenantTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TenantRowBinderTest {

    private static final String OWN = "colorado_state";
    private static final String OTHER = "maryland_state";

    private static TenantRowBinder<TenantEvent> eventBinder(StreamKind stream) {
        return new TenantRowBinder<>(OWN, TenantTables.forStream(stream), TenantEvent::tenantIdOf);
    }

    private static TenantEvent event(StreamKind stream, String tenant) {
        return stream == StreamKind.DISASTERS
                ? SinkFixtures.disaster(tenant, "d-1", "title", "CO")
                : SinkFixtures.alert(tenant, "a-1", "Severe", "CO");
    }

    @ParameterizedTest
    @EnumSource(StreamKind.class)
    void bindsEveryColumnOfItsOwnTenantsRow(StreamKind stream) throws Exception {
        RecordingPreparedStatement ps = new RecordingPreparedStatement();

        eventBinder(stream).accept(ps.statement(), event(stream, OWN));

        assertThat(ps.byIndex())
                .hasSize(TenantTables.forStream(stream).columns().size());
    }

    @ParameterizedTest
    @EnumSource(StreamKind.class)
    void refusesARowOfAnotherTenantAndBindsNothing(StreamKind stream) {
        RecordingPreparedStatement ps = new RecordingPreparedStatement();
        TenantEvent foreign = event(stream, OTHER);

        assertThatThrownBy(() -> eventBinder(stream).accept(ps.statement(), foreign))
                .isInstanceOf(CrossTenantWriteException.class)
                .hasMessageContaining("'" + OWN + "'")
                .hasMessageContaining("'" + OTHER + "'")
                .hasMessageContaining(stream.table());
        assertThat(ps.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Colorado_state", "colorado_state ", " colorado_state", "colorado_stat", "", "*"})
    void tenantIdsMustMatchExactly(String claimed) {
        RecordingPreparedStatement ps = new RecordingPreparedStatement();
        TenantEvent foreign = event(StreamKind.WEATHER, claimed);

        assertThatThrownBy(() -> eventBinder(StreamKind.WEATHER).accept(ps.statement(), foreign))
                .isInstanceOf(CrossTenantWriteException.class);
        assertThat(ps.calls()).isEmpty();
    }

    @Test
    void aRowWithoutTenantIsRefused() {
        RecordingPreparedStatement ps = new RecordingPreparedStatement();
        TenantEvent orphan = event(StreamKind.DISASTERS, null);

        assertThatThrownBy(() -> eventBinder(StreamKind.DISASTERS).accept(ps.statement(), orphan))
                .isInstanceOf(CrossTenantWriteException.class)
                .hasMessageContaining("'null'");
        assertThat(ps.calls()).isEmpty();
    }

    @Test
    void auditRowsAreCheckedToo() throws Exception {
        TableDefinition<AuditRecord> table = TenantTables.auditLog();
        TenantRowBinder<AuditRecord> binder = new TenantRowBinder<>(OWN, table, AuditRecord::tenantIdOf);

        RecordingPreparedStatement own = new RecordingPreparedStatement();
        binder.accept(own.statement(), SinkFixtures.audit(OWN, "r1", AuditOutcome.DENIED, "x"));
        assertThat(own.byIndex()).hasSize(table.columns().size());

        RecordingPreparedStatement foreign = new RecordingPreparedStatement();
        assertThatThrownBy(() ->
                        binder.accept(foreign.statement(), SinkFixtures.audit(OTHER, "r2", AuditOutcome.DENIED, "x")))
                .isInstanceOf(CrossTenantWriteException.class)
                .hasMessage("sink of tenant '" + OWN + "' refused a row of tenant '" + OTHER + "' for table audit_log");
        assertThat(foreign.calls()).isEmpty();
    }

    @Test
    void stillRefusesAfterBeingShippedToATaskManager() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(eventBinder(StreamKind.DISASTERS));
        }
        @SuppressWarnings("unchecked")
        TenantRowBinder<TenantEvent> copy = (TenantRowBinder<TenantEvent>)
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();

        RecordingPreparedStatement own = new RecordingPreparedStatement();
        copy.accept(own.statement(), event(StreamKind.DISASTERS, OWN));
        assertThat(own.byIndex()).isNotEmpty();

        RecordingPreparedStatement foreign = new RecordingPreparedStatement();
        assertThatThrownBy(() -> copy.accept(foreign.statement(), event(StreamKind.DISASTERS, OTHER)))
                .isInstanceOf(CrossTenantWriteException.class);
        assertThat(foreign.calls()).isEmpty();
    }
}
