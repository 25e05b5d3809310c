package io.enclave.operators.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.StreamKind;
import io.enclave.operators.RejectReason;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The records that cross operator boundaries and live in checkpoints must be Flink POJOs, so
 * that Flink serialises them field by field, can evolve their schema, and never falls back to Kryo.
 */
class RecordTypesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            classes = {
                RawEvent.class,
                TenantEvent.class,
                DisasterDeclaration.class,
                WeatherAlert.class,
                AuditRecord.class,
                io.enclave.operators.audit.AuditHead.class,
                io.enclave.operators.audit.ChainTip.class
            })
    void isSerialisedAsAPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
        assertThat(TypeInformation.of(type)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void tenantEventSurvivesSerialisationWithItsNestedRecords() throws Exception {
        TenantEvent e = new TenantEvent();
        e.tenantId = "colorado_state";
        e.stream = StreamKind.WEATHER;
        e.naturalKey = "urn:oid:2.49.0.1.840.0.abc.001.1";
        e.claimedTenant = null;
        e.classification = "INTERNAL";
        e.states = new String[] {"CO", "WY"};
        e.processingTime = 1_707_559_920_000L;
        e.isolationBoundary = "tenant:colorado_state";
        e.dataOwner = "Colorado DHSEM";
        e.contentHash = "ab".repeat(32);
        e.sourceTopic = "tenant_colorado_state_weather";
        e.sourcePartition = 2;
        e.sourceOffset = 123_456_789_012L;
        e.alert = new WeatherAlert();
        e.alert.id = e.naturalKey;
        e.alert.ugcCodes = new String[] {"COZ039", "WYZ116"};
        e.alert.sameCodes = new String[0];
        e.alert.headline = "Winter Storm Warning";

        TenantEvent copy = roundTrip(TenantEvent.class, e);

        assertThat(copy).usingRecursiveComparison().isEqualTo(e);
        assertThat(copy.claimedTenant).isNull();
        assertThat(copy.disaster).isNull();
        assertThat(copy.alert.sameCodes).isEmpty();
    }

    @Test
    void declarationKeepsNullsApartFromFalseAndZero() throws Exception {
        DisasterDeclaration d = new DisasterDeclaration();
        d.id = "id-1";
        d.ihProgramDeclared = Boolean.FALSE;
        d.iaProgramDeclared = null;
        d.disasterNumber = 0;
        d.region = null;

        DisasterDeclaration copy = roundTrip(DisasterDeclaration.class, d);

        assertThat(copy.ihProgramDeclared).isFalse();
        assertThat(copy.iaProgramDeclared).isNull();
        assertThat(copy.disasterNumber).isZero();
        assertThat(copy.region).isNull();
    }

    @Test
    void rawEventKeepsItsBytesAndCoordinates() throws Exception {
        RawEvent raw = new RawEvent(
                "tenant_colorado_state_disasters", 1, 42L, 1_700_000_000_000L, new byte[] {0, (byte) 0xFF, '{'});

        RawEvent copy = roundTrip(RawEvent.class, raw);

        assertThat(copy.payload).containsExactly(0, 0xFF, '{');
        assertThat(copy.toString()).isEqualTo("tenant_colorado_state_disasters-1@42");
        assertThat(copy.payloadSize()).isEqualTo(3);
        assertThat(new RawEvent().payloadSize()).isZero();
    }

    @Test
    void auditRecordSurvivesSerialisation() throws Exception {
        AuditRecord r = new AuditContext("colorado_state", "job", "svc", true, false)
                .newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, "guard[colorado_state]", 3);
        r.reason = RejectReason.DUPLICATE.label();
        r.recordId = AuditRecord.deterministicId("colorado_state", r.action, "t", 0, 1L, r.reason);

        AuditRecord copy = roundTrip(AuditRecord.class, r);

        assertThat(copy).usingRecursiveComparison().isEqualTo(r);
        assertThat(copy.dora).isFalse();
        assertThat(copy.sourceOffset).isEqualTo(-1L);
    }

    @Test
    void rejectReasonLabelsAreTheAuditAndMetricNames() {
        assertThat(RejectReason.values())
                .extracting(RejectReason::label)
                .containsExactly(
                        "malformed",
                        "oversize",
                        "missing_key",
                        "key_too_long",
                        "cross_tenant",
                        "state_not_allowed",
                        "unknown_classification",
                        "classification_not_allowed",
                        "duplicate");
    }

    @Test
    void deterministicIdDependsOnEveryIdentifyingFieldButNotOnTime() {
        String base =
                AuditRecord.deterministicId("colorado_state", AuditAction.RECORD_REJECTED, "t", 0, 1L, "oversize");

        assertThat(base).matches("[0-9a-f]{32}");
        assertThat(AuditRecord.deterministicId("colorado_state", AuditAction.RECORD_REJECTED, "t", 0, 1L, "oversize"))
                .isEqualTo(base);
        assertThat(java.util.List.of(
                        AuditRecord.deterministicId(
                                "kansas_emergency", AuditAction.RECORD_REJECTED, "t", 0, 1L, "oversize"),
                        AuditRecord.deterministicId("colorado_state", AuditAction.SINK_FLUSH, "t", 0, 1L, "oversize"),
                        AuditRecord.deterministicId(
                                "colorado_state", AuditAction.RECORD_REJECTED, "u", 0, 1L, "oversize"),
                        AuditRecord.deterministicId(
                                "colorado_state", AuditAction.RECORD_REJECTED, "t", 1, 1L, "oversize"),
                        AuditRecord.deterministicId(
                                "colorado_state", AuditAction.RECORD_REJECTED, "t", 0, 2L, "oversize"),
                        AuditRecord.deterministicId(
                                "colorado_state", AuditAction.RECORD_REJECTED, "t", 0, 1L, "malformed"),
                        AuditRecord.deterministicId("colorado_state", AuditAction.RECORD_REJECTED, null, 0, 1L, null)))
                .doesNotContain(base)
                .doesNotHaveDuplicates();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(Class<T> type, T value) throws Exception {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        T copy = serializer.deserialize(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        assertThat(serializer.copy(value)).usingRecursiveComparison().isEqualTo(value);
        return (T) copy;
    }
}
