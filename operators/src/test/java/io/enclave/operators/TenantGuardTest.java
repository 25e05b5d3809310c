package io.enclave.operators;

import static io.enclave.operators.Fixtures.AUDIT;
import static io.enclave.operators.Fixtures.DISASTERS_TOPIC;
import static io.enclave.operators.Fixtures.JOB;
import static io.enclave.operators.Fixtures.OTHER_TENANT;
import static io.enclave.operators.Fixtures.PRINCIPAL;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.disasterEvent;
import static io.enclave.operators.Fixtures.values;
import static io.enclave.operators.Fixtures.weatherEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.enclave.config.Classification;
import io.enclave.config.DataRestrictions;
import io.enclave.config.StateScope;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.PayloadFingerprint;
import io.enclave.operators.record.TenantEvent;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TenantGuardTest {
    private static final String OPERATOR = "guard[" + TENANT + "]";
    private static final Duration TTL = Duration.ofHours(1);

    /** Colorado: its own state only, PUBLIC and INTERNAL data only. */
    private static final DataRestrictions COLORADO = new DataRestrictions(
            StateScope.of(List.of("CO")), EnumSet.of(Classification.PUBLIC, Classification.INTERNAL));
    /** A federal tenant: every state and every level. */
    private static final DataRestrictions FEDERAL =
            new DataRestrictions(StateScope.all(), EnumSet.allOf(Classification.class));

    private KeyedOneInputStreamOperatorTestHarness<String, TenantEvent, TenantEvent> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, TenantEvent, TenantEvent> guardHarness(
            DataRestrictions restrictions) throws Exception {
        TenantGuard guard = new TenantGuard(Fixtures.auditContext(), restrictions, TTL, AUDIT, OPERATOR);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(guard), new TenantRecordKey(), Types.STRING);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, TenantEvent, TenantEvent> open(DataRestrictions restrictions)
            throws Exception {
        harness = guardHarness(restrictions);
        harness.open();
        return harness;
    }

    private List<TenantEvent> accepted() {
        return harness.extractOutputValues();
    }

    private List<AuditRecord> audit() {
        return values(harness.getSideOutput(AUDIT));
    }

    /** Feeds one event and returns the reason it was rejected with, or null when it passed. */
    private String decide(TenantEvent event) throws Exception {
        int acceptedBefore = accepted().size();
        int auditBefore = audit().size();
        harness.processElement(event, 1L);
        int acceptedNow = accepted().size() - acceptedBefore;
        List<AuditRecord> audit = audit();
        int auditNow = audit.size() - auditBefore;
        assertThat(acceptedNow + auditNow)
                .as("each record is either passed or audited, once")
                .isEqualTo(1);
        return auditNow == 1 ? audit.get(audit.size() - 1).reason : null;
    }

    @Test
    void acceptsAnInScopeRecordUnchanged() throws Exception {
        open(COLORADO);
        TenantEvent event = disasterEvent("k1", "CO", "content-1");
        event.claimedTenant = TENANT;
        event.classification = "INTERNAL";

        harness.processElement(event, 1L);

        assertThat(audit()).isEmpty();
        assertThat(accepted()).singleElement().satisfies(e -> {
            assertThat(e.tenantId).isEqualTo(TENANT);
            assertThat(e.naturalKey).isEqualTo("k1");
            assertThat(e.contentHash).isEqualTo(event.contentHash);
            assertThat(e.isolationBoundary).isEqualTo("tenant:" + TENANT);
        });
    }

    @Test
    void recordWithoutATenantClaimIsTheJobsOwn() throws Exception {
        open(COLORADO);

        assertThat(decide(disasterEvent("k1", "CO", "c"))).isNull();
    }

    @Test
    void rejectsACrossTenantClaim() throws Exception {
        open(COLORADO);
        TenantEvent event = disasterEvent("k1", "CO", "content-1");
        event.claimedTenant = OTHER_TENANT;

        assertThat(decide(event)).isEqualTo("cross_tenant");
        assertThat(audit().get(0).detail)
                .isEqualTo("record claims another tenant, " + PayloadFingerprint.of("kansas_emergency"))
                .startsWith("record claims another tenant, sha256:")
                .endsWith(" (16 chars)")
                .doesNotContain("kansas_emergency");
    }

    /**
     * An attacker controls the claimed tenant, the state text and the classification. None of
     * them reaches the audit record verbatim, however long or hostile: no newline to forge a
     * SIEM line, no quote to break out of a field, no 10 KB to bloat every row.
     */
    @Test
    void hostilePayloadValuesNeverReachTheAuditRecordVerbatim() throws Exception {
        String hostile =
                "evil\n2026-12-02 INFO tenant=kansas_emergency granted\r\"'`\u0000\u001b[31m\u202e".repeat(200);
        assertThat(hostile.length()).isGreaterThan(10_000);
        open(COLORADO);

        TenantEvent claim = disasterEvent("k1", "CO", "a");
        claim.claimedTenant = hostile;
        TenantEvent state = disasterEvent("k2", hostile, "b");
        TenantEvent states = weatherEvent("k3", "c", "TX", hostile, "NM", hostile + "x");
        TenantEvent level = disasterEvent("k4", "CO", "d");
        level.classification = hostile;
        assertThat(decide(claim)).isEqualTo("cross_tenant");
        assertThat(decide(state)).isEqualTo("state_not_allowed");
        assertThat(decide(states)).isEqualTo("state_not_allowed");
        assertThat(decide(level)).isEqualTo("unknown_classification");

        assertThat(audit()).hasSize(4).allSatisfy(r -> {
            for (String field : new String[] {r.detail, r.reason, r.classification, r.recordKey, r.sourceTopic}) {
                assertThat(field)
                        .hasSizeLessThan(200)
                        .doesNotContain("evil", "\n", "\r", "\"", "'", "`", "\u0000", "\u001b", "\u202e");
            }
        });
        assertThat(audit())
                .extracting(r -> r.detail)
                .containsExactly(
                        "record claims another tenant, " + PayloadFingerprint.of(hostile),
                        "states 1 unrecognised value " + PayloadFingerprint.of(hostile)
                                + " are outside allowed_states CO",
                        "states NM,TX and 2 unrecognised values "
                                + PayloadFingerprint.of(hostile + "\0" + hostile + "x")
                                + " are outside allowed_states CO",
                        "classification " + PayloadFingerprint.of(hostile)
                                + " is not one of PUBLIC, INTERNAL, RESTRICTED, CONFIDENTIAL");
        assertThat(audit().get(3).classification)
                .as("an unknown level is not copied")
                .isEmpty();
    }

    @ParameterizedTest(name = "claim \"{0}\"")
    @ValueSource(
            strings = {
                "",
                "COLORADO_STATE",
                "colorado_state ",
                "colorado_state,kansas_emergency",
                "kansas_emergency,colorado_state",
                "colorado_stat\u0435"
            })
    void rejectsEveryClaimThatIsNotExactlyTheTenant(String claim) throws Exception {
        open(COLORADO);
        TenantEvent event = disasterEvent("k1", "CO", "c");
        event.claimedTenant = claim;

        assertThat(decide(event)).isEqualTo("cross_tenant");
    }

    @Test
    void rejectsARecordTaggedByAnotherTenantsJob() throws Exception {
        open(COLORADO);
        TenantEvent event = disasterEvent("k1", "CO", "c");
        event.tenantId = OTHER_TENANT;

        assertThat(decide(event)).isEqualTo("cross_tenant");
        assertThat(audit().get(0).tenantId)
                .as("the audit belongs to this job's tenant")
                .isEqualTo(TENANT);
    }

    @Test
    void crossTenantIsReportedBeforeAnyOtherViolation() throws Exception {
        open(COLORADO);
        TenantEvent event = disasterEvent("k1", "KS", "c");
        event.claimedTenant = OTHER_TENANT;
        event.classification = "CONFIDENTIAL";

        assertThat(decide(event)).isEqualTo("cross_tenant");
    }

    @ParameterizedTest(name = "state \"{0}\"")
    @ValueSource(strings = {"KS", "co", " CO", "CO ", "\u0421O", "C\u041e", "\uff23\uff2f", "", "ALL", "COZ039"})
    void rejectsAStateOutsideTheScope(String state) throws Exception {
        open(COLORADO);

        assertThat(decide(disasterEvent("k1", state, "c"))).isEqualTo("state_not_allowed");
        // A real code is one of ours and named; anything else is payload and only fingerprinted.
        assertThat(audit().get(0).detail)
                .isEqualTo(
                        "states " + (state.equals("KS") ? "KS" : "1 unrecognised value " + PayloadFingerprint.of(state))
                                + " are outside allowed_states CO");
    }

    @Test
    void acceptsWhenAnyOfSeveralStatesIsAllowed() throws Exception {
        open(COLORADO);

        assertThat(decide(weatherEvent("w1", "c", "WY", "CO"))).isNull();
        assertThat(decide(weatherEvent("w2", "c", "WY", "KS"))).isEqualTo("state_not_allowed");
    }

    @Test
    void alertWithoutAStateOnlyReachesAnAllStatesTenant() throws Exception {
        open(COLORADO);
        assertThat(decide(weatherEvent("marine-1", "c"))).isEqualTo("state_not_allowed");
        assertThat(audit().get(0).detail).isEqualTo("states (none) are outside allowed_states CO");
        harness.close();

        open(FEDERAL);
        assertThat(decide(weatherEvent("marine-1", "c"))).isNull();
    }

    @Test
    void allStatesStillMeansRealStates() throws Exception {
        open(FEDERAL);

        assertThat(decide(disasterEvent("k1", "KS", "a"))).isNull();
        assertThat(decide(disasterEvent("k2", "PR", "b"))).isNull();
        assertThat(decide(disasterEvent("k3", "ks", "c"))).isEqualTo("state_not_allowed");
        assertThat(decide(disasterEvent("k4", "\u0421O", "d"))).isEqualTo("state_not_allowed");
        assertThat(decide(disasterEvent("k5", "XX", "e"))).isEqualTo("state_not_allowed");
    }

    @ParameterizedTest(name = "classification {0}")
    @ValueSource(strings = {"RESTRICTED", "CONFIDENTIAL"})
    void rejectsAClassificationAboveWhatTheTenantMayHold(String level) throws Exception {
        open(COLORADO);
        TenantEvent event = disasterEvent("k1", "CO", "c");
        event.classification = level;

        assertThat(decide(event)).isEqualTo("classification_not_allowed");
        AuditRecord r = audit().get(0);
        assertThat(r.detail).isEqualTo(level + " is not in allowed_classifications");
        assertThat(r.classification).isEqualTo(level);
    }

    @ParameterizedTest(name = "classification \"{0}\"")
    @ValueSource(
            strings = {"secret", "restricted", "public", "Public", " PUBLIC", "PUBLIC ", "TOP_SECRET", "", "P\u0423BLIC"
            })
    void rejectsAnUnknownClassification(String level) throws Exception {
        open(FEDERAL);
        TenantEvent event = disasterEvent("k1", "CO", "c");
        event.classification = level;

        assertThat(decide(event)).isEqualTo("unknown_classification");
        // The declared text is payload: the detail names it by fingerprint, the column stays empty.
        assertThat(audit().get(0).classification).isEmpty();
        assertThat(audit().get(0).detail)
                .isEqualTo("classification " + PayloadFingerprint.of(level)
                        + " is not one of PUBLIC, INTERNAL, RESTRICTED, CONFIDENTIAL");
    }

    @Test
    void acceptsEveryAllowedLevel() throws Exception {
        open(COLORADO);
        TenantEvent pub = disasterEvent("k1", "CO", "a");
        TenantEvent internal = disasterEvent("k2", "CO", "b");
        internal.classification = "INTERNAL";

        assertThat(decide(pub)).isNull();
        assertThat(decide(internal)).isNull();
    }

    @Test
    void rejectsTheSameContentForTheSameKeyAgain() throws Exception {
        open(COLORADO);
        TenantEvent first = disasterEvent("k1", "CO", "content-1");
        TenantEvent again = disasterEvent("k1", "CO", "content-1");
        again.sourceOffset = 99L;

        assertThat(decide(first)).isNull();
        assertThat(decide(again)).isEqualTo("duplicate");

        AuditRecord r = audit().get(0);
        assertThat(r.detail).isEqualTo("same content already accepted for this key");
        assertThat(r.recordKey).isEqualTo("k1");
        assertThat(r.sourceOffset).isEqualTo(99L);
    }

    @Test
    void acceptsChangedContentForTheSameKeyThenDeduplicatesTheNewContent() throws Exception {
        open(COLORADO);

        assertThat(decide(disasterEvent("k1", "CO", "v1"))).isNull();
        assertThat(decide(disasterEvent("k1", "CO", "v2"))).isNull();
        assertThat(decide(disasterEvent("k1", "CO", "v2"))).isEqualTo("duplicate");
    }

    @Test
    void sameContentUnderAnotherKeyOrStreamIsNotADuplicate() throws Exception {
        open(FEDERAL);

        assertThat(decide(disasterEvent("k1", "CO", "same"))).isNull();
        assertThat(decide(disasterEvent("k2", "CO", "same"))).isNull();
        assertThat(decide(weatherEvent("k1", "same", "CO"))).isNull();
    }

    @Test
    void aRejectedRecordDoesNotCountAsAccepted() throws Exception {
        open(COLORADO);
        TenantEvent overClassified = disasterEvent("k1", "CO", "c");
        overClassified.classification = "CONFIDENTIAL";
        TenantEvent fine = disasterEvent("k1", "CO", "c");

        assertThat(decide(overClassified)).isEqualTo("classification_not_allowed");
        assertThat(decide(fine)).as("the refused copy left no dedup state").isNull();
    }

    @Test
    void everyRejectionIsAuditedWithItsReasonAndTheRecordsCoordinates() throws Exception {
        open(COLORADO);
        TenantEvent cross = disasterEvent("k-cross", "CO", "1");
        cross.claimedTenant = OTHER_TENANT;
        cross.sourceOffset = 1;
        TenantEvent state = disasterEvent("k-state", "KS", "2");
        state.sourceOffset = 2;
        TenantEvent unknown = disasterEvent("k-unknown", "CO", "3");
        unknown.classification = "secret";
        unknown.sourceOffset = 3;
        TenantEvent above = disasterEvent("k-above", "CO", "4");
        above.classification = "CONFIDENTIAL";
        above.sourceOffset = 4;
        TenantEvent ok = disasterEvent("k-dup", "CO", "5");
        ok.sourceOffset = 5;
        TenantEvent dup = disasterEvent("k-dup", "CO", "5");
        dup.sourceOffset = 6;
        dup.sourcePartition = 2;

        for (TenantEvent e : List.of(cross, state, unknown, above, ok, dup)) {
            harness.processElement(e, 1L);
        }

        assertThat(accepted()).extracting(e -> e.naturalKey).containsExactly("k-dup");
        assertThat(audit())
                .extracting(r -> r.reason, r -> r.recordKey, r -> r.sourceOffset)
                .containsExactly(
                        tuple("cross_tenant", "k-cross", 1L),
                        tuple("state_not_allowed", "k-state", 2L),
                        tuple("unknown_classification", "k-unknown", 3L),
                        tuple("classification_not_allowed", "k-above", 4L),
                        tuple("duplicate", "k-dup", 6L));
        assertThat(audit()).allSatisfy(r -> {
            assertThat(r.tenantId).isEqualTo(TENANT);
            assertThat(r.action).isEqualTo(AuditAction.RECORD_REJECTED);
            assertThat(r.outcome).isEqualTo(AuditOutcome.DENIED);
            assertThat(r.operator).isEqualTo(OPERATOR);
            assertThat(r.jobName).isEqualTo(JOB);
            assertThat(r.principal).isEqualTo(PRINCIPAL);
            assertThat(r.sourceTopic).isEqualTo(DISASTERS_TOPIC);
            assertThat(r.recordId).matches("[0-9a-f]{32}");
            assertThat(r.detail).isNotBlank();
            assertThat(r.fedramp).isTrue();
            assertThat(r.dora).isTrue();
        });
        assertThat(audit().get(4).sourcePartition).isEqualTo(2);
        assertThat(audit()).extracting(r -> r.recordId).doesNotHaveDuplicates();
    }

    @Test
    void recordIdIsDeterministicAcrossRuns() throws Exception {
        open(COLORADO);
        TenantEvent bad = disasterEvent("k1", "KS", "c");
        bad.sourceOffset = 12L;
        harness.processElement(bad, 1L);
        String first = audit().get(0).recordId;
        harness.close();

        open(COLORADO);
        harness.processElement(bad, 1L);

        assertThat(audit().get(0).recordId).isEqualTo(first);
    }

    @Test
    void duplicateStateSurvivesSnapshotAndRestore() throws Exception {
        open(COLORADO);
        assertThat(decide(disasterEvent("k1", "CO", "content-1"))).isNull();
        assertThat(decide(disasterEvent("k2", "CO", "content-2"))).isNull();
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_000L);
        harness.close();

        harness = guardHarness(COLORADO);
        harness.setup();
        harness.initializeState(snapshot);
        harness.open();

        assertThat(decide(disasterEvent("k1", "CO", "content-1"))).isEqualTo("duplicate");
        assertThat(decide(disasterEvent("k2", "CO", "content-2"))).isEqualTo("duplicate");
        assertThat(decide(disasterEvent("k1", "CO", "content-1b"))).isNull();
        assertThat(decide(disasterEvent("k3", "CO", "content-1"))).isNull();
    }

    @Test
    void withoutRestoredStateTheDuplicateWouldPass() throws Exception {
        // The control for the test above: a fresh operator has no memory of earlier records.
        open(COLORADO);
        assertThat(decide(disasterEvent("k1", "CO", "content-1"))).isNull();
        harness.close();

        open(COLORADO);
        assertThat(decide(disasterEvent("k1", "CO", "content-1"))).isNull();
    }

    @Test
    void dedupStateExpiresAfterTheTtl() throws Exception {
        open(COLORADO);
        harness.setStateTtlProcessingTime(0L);
        assertThat(decide(disasterEvent("k1", "CO", "c"))).isNull();

        harness.setStateTtlProcessingTime(TTL.toMillis() - 1);
        assertThat(decide(disasterEvent("k1", "CO", "c")))
                .as("still within the TTL")
                .isEqualTo("duplicate");

        // Reading the state (the rejected duplicate above) does not extend its life.
        harness.setStateTtlProcessingTime(TTL.toMillis() + 1);
        assertThat(decide(disasterEvent("k1", "CO", "c"))).as("expired").isNull();

        // Accepting it again starts a new TTL.
        harness.setStateTtlProcessingTime(2 * TTL.toMillis());
        assertThat(decide(disasterEvent("k1", "CO", "c"))).isEqualTo("duplicate");
    }

    @Test
    void keyIsTenantStreamAndNaturalKeyNeverTheTenantAlone() {
        TenantRecordKey key = new TenantRecordKey();

        assertThat(key.getKey(disasterEvent("abc", "CO", "x"))).isEqualTo("colorado_state|disasters|abc");
        assertThat(key.getKey(weatherEvent("abc", "x", "CO"))).isEqualTo("colorado_state|weather|abc");
        assertThat(key.getKey(disasterEvent("abd", "CO", "x")))
                .isNotEqualTo(key.getKey(disasterEvent("abc", "CO", "x")));
    }
}
