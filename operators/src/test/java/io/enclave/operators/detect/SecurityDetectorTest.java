package io.enclave.operators.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DetectionRule;
import io.enclave.config.DetectionThreshold;
import io.enclave.operators.Fixtures;
import io.enclave.operators.RejectReason;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.audit.Rejection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecurityDetectorTest {
    private static final String OPERATOR = "detect[" + Fixtures.TENANT + "]";
    private static final long MINUTE = 60_000L;
    /** 12:00 UTC on some day: the start of a one-minute window. */
    private static final long T0 = 1_780_000_000_000L - Math.floorMod(1_780_000_000_000L, MINUTE);

    private static final DetectionRules RULES = new DetectionRules(
            Map.of(
                    DetectionRule.CROSS_TENANT_CLAIMS, new DetectionThreshold(3, Duration.ofMinutes(1)),
                    DetectionRule.READER_BURST, new DetectionThreshold(2, Duration.ofMinutes(1)),
                    DetectionRule.FORGED_AUDIT_SUBMISSIONS, new DetectionThreshold(2, Duration.ofMinutes(1)),
                    DetectionRule.SINK_GUARD_DROPS, new DetectionThreshold(1, Duration.ofMinutes(1)),
                    DetectionRule.CLASSIFICATION_VIOLATIONS, new DetectionThreshold(5, Duration.ofMinutes(1)),
                    DetectionRule.MALFORMED_INPUT, new DetectionThreshold(5, Duration.ofMinutes(1))),
            Duration.ofMinutes(15));

    private KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> open(
            OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SecurityDetector(Fixtures.auditContext(), RULES, OPERATOR)),
                new DetectionKey(RULES),
                Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static AuditRecord crossTenant(long offset) {
        return Rejection.of(Fixtures.auditContext(), "guard[" + Fixtures.TENANT + "]", 0, "cross_tenant", "claims x")
                .source(Fixtures.DISASTERS_TOPIC, 0, offset)
                .build("cross_tenant");
    }

    private static AuditRecord decrypt(String principal) {
        AuditContext cli = new AuditContext(Fixtures.TENANT, "enclave-cli", principal, true, true);
        AuditRecord r = cli.newRecord(AuditAction.DECRYPT, AuditOutcome.SUCCESS, "decrypt", 0);
        r.sourceTopic = "cli";
        return r;
    }

    private void feed(AuditRecord r, long time) throws Exception {
        harness.processElement(new StreamRecord<>(r, time));
    }

    private List<AuditRecord> alerts() {
        return harness.extractOutputValues();
    }

    @Test
    void theThresholdRecordRaisesOneAlertNamingRuleCountWindowOffsetsAndDeadline() throws Exception {
        harness = open(null);
        feed(crossTenant(10), T0 + 1_000);
        feed(crossTenant(11), T0 + 2_000);
        assertThat(alerts()).isEmpty();

        feed(crossTenant(12), T0 + 3_000);
        feed(crossTenant(13), T0 + 4_000);

        assertThat(alerts()).hasSize(1);
        AuditRecord alert = alerts().get(0);
        assertThat(alert.action).isEqualTo(AuditAction.SECURITY_ALERT);
        assertThat(alert.reason).isEqualTo("cross_tenant_claims");
        assertThat(alert.rowCount).isEqualTo(3);
        assertThat(alert.firstOffset).isEqualTo(10);
        assertThat(alert.lastOffset).isEqualTo(12);
        assertThat(alert.eventTime).isEqualTo(T0 + 3_000);
        assertThat(alert.detail)
                .isEqualTo("rule cross_tenant_claims: 3 events (threshold 3) in window "
                        + java.time.Instant.ofEpochMilli(T0 + 1_000) + "/"
                        + java.time.Instant.ofEpochMilli(T0 + 1_000 + MINUTE)
                        + ", first " + Fixtures.DISASTERS_TOPIC + "-0@10, last " + Fixtures.DISASTERS_TOPIC
                        + "-0@12; respond by " + java.time.Instant.ofEpochMilli(T0 + 3_000 + 15 * MINUTE));
    }

    @Test
    void theNextWindowCountsAfresh() throws Exception {
        harness = open(null);
        for (int i = 0; i < 3; i++) {
            feed(crossTenant(i), T0 + i);
        }
        harness.processWatermark(T0 + MINUTE);
        for (int i = 3; i < 6; i++) {
            feed(crossTenant(i), T0 + MINUTE + i);
        }

        assertThat(alerts()).extracting(a -> a.firstOffset).containsExactly(0L, 3L);
        assertThat(alerts().get(0).recordId).isNotEqualTo(alerts().get(1).recordId);
    }

    /** A stamp in the past does not hide a record: behind the watermark, it is counted at the watermark. */
    @Test
    void aRecordBehindTheWatermarkIsCountedAtTheWatermark() throws Exception {
        harness = open(null);
        harness.processWatermark(T0 + MINUTE);
        for (int i = 0; i < 3; i++) {
            feed(crossTenant(i), T0 + i);
        }

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.rowCount).isEqualTo(3);
            assertThat(a.eventTime).isEqualTo(T0 + MINUTE + 1);
        });
    }

    /**
     * Red team: two records at the end of one epoch-aligned minute and two at the start of the next
     * are four within one minute; aligned windows would count two in each and never reach three.
     */
    @Test
    void aBurstAcrossAnAlignedBoundaryAlertsOnce() throws Exception {
        harness = open(null);
        feed(crossTenant(0), T0 + MINUTE - 2);
        feed(crossTenant(1), T0 + MINUTE - 1);
        feed(crossTenant(2), T0 + MINUTE);
        feed(crossTenant(3), T0 + MINUTE + 1);

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.rowCount).isEqualTo(3);
            assertThat(a.firstOffset).isEqualTo(0);
            assertThat(a.lastOffset).isEqualTo(2);
            assertThat(a.eventTime).isEqualTo(T0 + MINUTE);
        });
    }

    /** Exactly one window length apart is not within one window: no window holds three of these. */
    @Test
    void recordsSpreadOverMoreThanTheWindowNeverAlert() throws Exception {
        harness = open(null);
        for (int i = 0; i < 9; i++) {
            feed(crossTenant(i), T0 + i * MINUTE / 2);
            harness.processWatermark(T0 + i * MINUTE / 2 - 1);
        }

        assertThat(alerts()).isEmpty();
    }

    /** A record arriving out of order, not yet behind the watermark, completes the burst it belongs to. */
    @Test
    void anOutOfOrderRecordCompletesTheBurst() throws Exception {
        harness = open(null);
        feed(crossTenant(0), T0);
        feed(crossTenant(1), T0 + 40_000);
        feed(crossTenant(2), T0 + 80_000);
        assertThat(alerts()).isEmpty();

        feed(crossTenant(3), T0 + 20_000);

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.firstOffset).isEqualTo(0);
            assertThat(a.lastOffset).isEqualTo(1);
            assertThat(a.eventTime).isEqualTo(T0 + 40_000);
        });
    }

    /** Records appended in one batch share the broker's timestamp: still one alert, of the threshold. */
    @Test
    void manyRecordsAtOneMillisecondAlertOnce() throws Exception {
        harness = open(null);
        for (int i = 0; i < 10; i++) {
            feed(crossTenant(i), T0 + 5);
        }

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.rowCount).isEqualTo(3);
            assertThat(a.firstOffset).isEqualTo(0);
            assertThat(a.lastOffset).isEqualTo(2);
        });
    }

    /**
     * A burst that goes on: one alert, then quiet until a window length after its first record;
     * records after that count afresh, so a sustained attack alerts again once per window.
     */
    @Test
    void aSustainedBurstAlertsAgainOnlyAfterTheQuietTime() throws Exception {
        harness = open(null);
        for (int i = 0; i < 36; i++) {
            feed(crossTenant(i), T0 + i * 5_000L);
            harness.processWatermark(T0 + i * 5_000L - 1);
        }

        assertThat(alerts())
                .extracting(a -> a.eventTime)
                .containsExactly(T0 + 10_000, T0 + MINUTE + 10_000, T0 + 2 * MINUTE + 10_000);
        assertThat(alerts()).extracting(a -> a.firstOffset).containsExactly(0L, 12L, 24L);
        assertThat(alerts()).extracting(a -> a.recordId).doesNotHaveDuplicates();
    }

    /** Checkpoint in the middle of a burst that straddles a boundary, restore, and its rest raises the one alert. */
    @Test
    void aBurstRestoredHalfwayAlertsOnceWhenItCompletes() throws Exception {
        harness = open(null);
        feed(crossTenant(0), T0 + MINUTE - 2);
        feed(crossTenant(1), T0 + MINUTE - 1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + MINUTE);
        harness.close();

        harness = open(snapshot);
        harness.processWatermark(T0 + MINUTE - 10);
        feed(crossTenant(2), T0 + MINUTE + 1);
        feed(crossTenant(3), T0 + MINUTE + 2);

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.rowCount).isEqualTo(3);
            assertThat(a.firstOffset).isEqualTo(0);
            assertThat(a.lastOffset).isEqualTo(2);
        });
    }

    /** The quiet time after an alert is checkpointed too: restored in it, the burst's rest stays quiet. */
    @Test
    void aRestoreDuringTheQuietTimeStaysQuietThenCountsAfresh() throws Exception {
        harness = open(null);
        for (int i = 0; i < 3; i++) {
            feed(crossTenant(i), T0 + i);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 10);
        harness.close();

        harness = open(snapshot);
        for (int i = 3; i < 8; i++) {
            feed(crossTenant(i), T0 + MINUTE - 8 + i);
        }
        assertThat(alerts()).isEmpty();
        harness.processWatermark(T0 + MINUTE);
        for (int i = 8; i < 11; i++) {
            feed(crossTenant(i), T0 + MINUTE + i);
        }

        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.firstOffset).isEqualTo(8));
    }

    /** A publisher's clock cannot move detection's time more than the allowed skew ahead of this one. */
    @Test
    void aTimeStampedInTheFutureIsBoundedByTheClock() {
        AuditRecord r = crossTenant(0);
        long year = Duration.ofDays(365).toMillis();
        long before = System.currentTimeMillis();

        long bounded = new AuditEventTime().extractTimestamp(r, before + year);

        assertThat(bounded).isBetween(before, System.currentTimeMillis() + AuditEventTime.MAX_CLOCK_SKEW.toMillis());
        assertThat(new AuditEventTime().extractTimestamp(r, T0)).isEqualTo(T0);
    }

    /** Checkpoint after the alert, restore, and the window's remaining records raise no second alert. */
    @Test
    void aRestoredWindowThatAlertedDoesNotAlertAgain() throws Exception {
        harness = open(null);
        for (int i = 0; i < 3; i++) {
            feed(crossTenant(i), T0 + i);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 10);
        assertThat(alerts()).hasSize(1);
        harness.close();

        harness = open(snapshot);
        for (int i = 3; i < 8; i++) {
            feed(crossTenant(i), T0 + i);
        }

        assertThat(alerts()).isEmpty();
    }

    /**
     * Checkpoint before the threshold, lose what came after (a failure), restore and re-read it:
     * the alert is raised once, with the same id it had before the failure.
     */
    @Test
    void aRestoreBeforeTheThresholdRaisesTheSameAlertOnce() throws Exception {
        harness = open(null);
        feed(crossTenant(0), T0);
        feed(crossTenant(1), T0 + 1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, T0 + 10);
        feed(crossTenant(2), T0 + 2);
        String lostAlert = alerts().get(0).recordId;
        harness.close();

        harness = open(snapshot);
        feed(crossTenant(2), T0 + 2);
        feed(crossTenant(3), T0 + 3);

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.recordId).isEqualTo(lostAlert);
            assertThat(a.rowCount).isEqualTo(3);
        });
    }

    @Test
    void readerBurstsAreCountedPerPrincipal() throws Exception {
        harness = open(null);
        feed(decrypt("alice"), T0);
        feed(decrypt("bob"), T0 + 1);
        assertThat(alerts()).isEmpty();

        feed(decrypt("alice"), T0 + 2);

        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.reason).isEqualTo("reader_burst");
            assertThat(a.recordKey).isEqualTo("alice");
        });
    }

    @Test
    void eachRuleCountsOnlyItsOwnRecords() {
        AuditRecord sinkGuard = Rejection.of(
                        Fixtures.auditContext(), "sink_guard[" + Fixtures.TENANT + "]", 0, "cross_tenant", "")
                .build("sink_guard|cross_tenant");
        AuditRecord forged = Rejection.of(Fixtures.auditContext(), "audit_intake", 0, AuditSubmission.FORGED, "")
                .build("f");
        AuditRecord malformed = Rejection.of(Fixtures.auditContext(), "tag", 0, RejectReason.OVERSIZE.label(), "")
                .build("m");
        AuditRecord classification = Rejection.of(
                        Fixtures.auditContext(), "guard", 0, RejectReason.CLASSIFICATION_NOT_ALLOWED.label(), "")
                .build("c");
        AuditRecord duplicate = Rejection.of(Fixtures.auditContext(), "guard", 0, RejectReason.DUPLICATE.label(), "")
                .build("d");

        assertThat(RULES.match(sinkGuard)).contains(DetectionRule.SINK_GUARD_DROPS);
        assertThat(RULES.match(crossTenant(1))).contains(DetectionRule.CROSS_TENANT_CLAIMS);
        assertThat(RULES.match(forged)).contains(DetectionRule.FORGED_AUDIT_SUBMISSIONS);
        assertThat(RULES.match(malformed)).contains(DetectionRule.MALFORMED_INPUT);
        assertThat(RULES.match(classification)).contains(DetectionRule.CLASSIFICATION_VIOLATIONS);
        assertThat(RULES.match(duplicate)).isEmpty();
        assertThat(RULES.match(decrypt("alice"))).contains(DetectionRule.READER_BURST);
    }
}
