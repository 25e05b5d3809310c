package io.enclave.operators;

import static io.enclave.operators.Fixtures.AUDIT;
import static io.enclave.operators.Fixtures.DATA_OWNER;
import static io.enclave.operators.Fixtures.DISASTERS_TOPIC;
import static io.enclave.operators.Fixtures.JOB;
import static io.enclave.operators.Fixtures.PRINCIPAL;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.TOPICS;
import static io.enclave.operators.Fixtures.WEATHER_TOPIC;
import static io.enclave.operators.Fixtures.bytes;
import static io.enclave.operators.Fixtures.fema;
import static io.enclave.operators.Fixtures.nwsFeature;
import static io.enclave.operators.Fixtures.nwsProperties;
import static io.enclave.operators.Fixtures.raw;
import static io.enclave.operators.Fixtures.sha256Hex;
import static io.enclave.operators.Fixtures.utf8;
import static io.enclave.operators.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TenantTaggerTest {
    private static final String OPERATOR = "tagger[" + TENANT + "]";
    private static final int MAX_BYTES = 4_096;
    private static final long NOW = 1_707_559_920_000L;

    private OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> newHarness() throws Exception {
        TenantTagger tagger = new TenantTagger(Fixtures.auditContext(), DATA_OWNER, TOPICS, MAX_BYTES, AUDIT, OPERATOR);
        OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(tagger);
        h.setProcessingTime(NOW);
        return h;
    }

    private List<AuditRecord> audit() {
        return values(harness.getSideOutput(AUDIT));
    }

    private AuditRecord onlyAudit() {
        assertThat(harness.extractOutputValues())
                .as("nothing may pass a rejected record")
                .isEmpty();
        List<AuditRecord> audit = audit();
        assertThat(audit).hasSize(1);
        return audit.get(0);
    }

    @Test
    void tagsADisasterDeclaration() throws Exception {
        ObjectNode json = fema("5f0c3a5e-1b7e-4c7b-9a55-3f0b6c2d9e11", "CO");
        byte[] payload = bytes(json);

        harness.processElement(raw(DISASTERS_TOPIC, 2, 117L, payload), 1L);

        List<TenantEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(audit()).isEmpty();
        TenantEvent e = out.get(0);
        assertThat(e.tenantId).isEqualTo(TENANT);
        assertThat(e.stream).isEqualTo(StreamKind.DISASTERS);
        assertThat(e.naturalKey).isEqualTo("5f0c3a5e-1b7e-4c7b-9a55-3f0b6c2d9e11");
        assertThat(e.isolationBoundary).isEqualTo("tenant:colorado_state");
        assertThat(e.dataOwner).isEqualTo(DATA_OWNER);
        assertThat(e.processingTime).isEqualTo(NOW);
        assertThat(e.contentHash).isEqualTo(sha256Hex(payload)).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(e.sourceTopic).isEqualTo(DISASTERS_TOPIC);
        assertThat(e.sourcePartition).isEqualTo(2);
        assertThat(e.sourceOffset).isEqualTo(117L);
        assertThat(e.claimedTenant).isNull();
        assertThat(e.classification).isEqualTo("PUBLIC");
        assertThat(e.states).containsExactly("CO");
        assertThat(e.disaster).isNotNull();
        assertThat(e.disaster.femaDeclarationString).isEqualTo("DR-4706-CO");
        assertThat(e.alert).isNull();
    }

    @Test
    void processingTimeFollowsTheOperatorClock() throws Exception {
        harness.processElement(raw(DISASTERS_TOPIC, 0, 1L, bytes(fema("CO"))), 1L);
        harness.setProcessingTime(NOW + 60_000);
        harness.processElement(raw(DISASTERS_TOPIC, 0, 2L, bytes(fema("KS"))), 1L);

        assertThat(harness.extractOutputValues())
                .extracting(e -> e.processingTime)
                .containsExactly(NOW, NOW + 60_000);
    }

    @Test
    void tagsAWeatherAlertFromTheWeatherTopic() throws Exception {
        ObjectNode props = nwsProperties("urn:oid:2.49.0.1.840.0.tagger.001.1", List.of("COZ039"), List.of("008031"));

        harness.processElement(raw(WEATHER_TOPIC, 1, 9L, bytes(nwsFeature(props))), 1L);

        TenantEvent e = harness.extractOutputValues().get(0);
        assertThat(e.stream).isEqualTo(StreamKind.WEATHER);
        assertThat(e.naturalKey).isEqualTo("urn:oid:2.49.0.1.840.0.tagger.001.1");
        assertThat(e.states).containsExactly("CO");
        assertThat(e.alert).isNotNull();
        assertThat(e.alert.ugcCodes).containsExactly("COZ039");
        assertThat(e.disaster).isNull();
        assertThat(e.sourceTopic).isEqualTo(WEATHER_TOPIC);
    }

    @Test
    void theTopicDecidesHowThePayloadIsRead() throws Exception {
        // A FEMA row on the weather topic is read as an alert: its id is there, its state is not.
        harness.processElement(raw(WEATHER_TOPIC, 0, 3L, bytes(fema("CO"))), 1L);

        TenantEvent e = harness.extractOutputValues().get(0);
        assertThat(e.stream).isEqualTo(StreamKind.WEATHER);
        assertThat(e.states).isEmpty();
        assertThat(e.disaster).isNull();
    }

    @Test
    void tenantIsTheJobsNotThePayloads() throws Exception {
        ObjectNode json = fema("CO");
        json.put("tenant_id", "kansas_emergency");
        json.put("data_classification", "CONFIDENTIAL");

        harness.processElement(raw(DISASTERS_TOPIC, 0, 4L, bytes(json)), 1L);

        TenantEvent e = harness.extractOutputValues().get(0);
        assertThat(e.tenantId).isEqualTo(TENANT);
        assertThat(e.isolationBoundary).isEqualTo("tenant:" + TENANT);
        assertThat(e.claimedTenant).as("the claim is kept for the guard").isEqualTo("kansas_emergency");
        assertThat(e.classification).isEqualTo("CONFIDENTIAL");
    }

    @Test
    void equalPayloadsHaveEqualHashesAndDifferentOnesDiffer() throws Exception {
        byte[] a = bytes(fema("id-1", "CO"));
        byte[] b = bytes(fema("id-1", "KS"));

        harness.processElement(raw(DISASTERS_TOPIC, 0, 1L, a), 1L);
        harness.processElement(raw(DISASTERS_TOPIC, 1, 50L, a.clone()), 1L);
        harness.processElement(raw(DISASTERS_TOPIC, 0, 2L, b), 1L);

        List<TenantEvent> out = harness.extractOutputValues();
        assertThat(out.get(0).contentHash).isEqualTo(out.get(1).contentHash).isEqualTo(sha256Hex(a));
        assertThat(out.get(2).contentHash).isNotEqualTo(out.get(0).contentHash).isEqualTo(sha256Hex(b));
    }

    @Test
    void oversizeGoesToAuditWithoutBeingParsed() throws Exception {
        ObjectNode json = fema("big-1", "CO");
        json.put("declarationTitle", "x".repeat(MAX_BYTES));
        byte[] payload = bytes(json);

        harness.processElement(raw(DISASTERS_TOPIC, 0, 5L, payload), 1L);

        AuditRecord r = onlyAudit();
        assertThat(r.reason).isEqualTo("oversize");
        assertThat(r.detail).isEqualTo(payload.length + " bytes exceeds max_message_bytes " + MAX_BYTES);
        assertThat(r.recordKey)
                .as("an oversize payload is not read, so its key is unknown")
                .isEmpty();
    }

    @Test
    void payloadOfExactlyTheLimitIsAcceptedAndOneMoreByteIsNot() throws Exception {
        byte[] atLimit = padTo(MAX_BYTES);
        byte[] overLimit = padTo(MAX_BYTES + 1);

        harness.processElement(raw(DISASTERS_TOPIC, 0, 6L, atLimit), 1L);
        harness.processElement(raw(DISASTERS_TOPIC, 0, 7L, overLimit), 1L);

        assertThat(harness.extractOutputValues())
                .extracting(e -> e.sourceOffset)
                .containsExactly(6L);
        assertThat(audit())
                .extracting(r -> r.reason, r -> r.sourceOffset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("oversize", 7L));
    }

    /** A valid declaration whose JSON is exactly {@code size} bytes long. */
    private static byte[] padTo(int size) {
        String head = "{\"id\":\"pad\",\"state\":\"CO\",\"declarationTitle\":\"";
        String tail = "\"}";
        byte[] b = utf8(head + "p".repeat(size - head.length() - tail.length()) + tail);
        assertThat(b).hasSize(size);
        return b;
    }

    @Test
    void malformedGoesToAudit() throws Exception {
        harness.processElement(raw(DISASTERS_TOPIC, 0, 8L, utf8("{\"id\":\"m1\",\"state\":\"CO\"")), 1L);

        AuditRecord r = onlyAudit();
        assertThat(r.reason).isEqualTo("malformed");
        assertThat(r.detail).startsWith("not valid JSON");
        assertThat(r.recordKey).isEmpty();
    }

    /** A hostile claimed tenant, short or 10 KB, never reaches the tagger's audit record verbatim. */
    @Test
    void hostileClaimedTenantIsNeverCopiedIntoTheAuditRecord() throws Exception {
        String line = "evil\n2026-12-02 INFO granted\r\"'`\u0007\u001b[31m";
        ObjectNode tooLong = fema("CO");
        tooLong.put("tenant_id", line.repeat(300 / line.length() + 1));
        ObjectNode oversize = fema("CO");
        oversize.put("tenant_id", line.repeat(10_240 / line.length() + 1));

        harness.processElement(raw(DISASTERS_TOPIC, 0, 20L, bytes(tooLong)), 1L);
        harness.processElement(raw(DISASTERS_TOPIC, 0, 21L, bytes(oversize)), 1L);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audit()).extracting(r -> r.reason).containsExactly("malformed", "oversize");
        assertThat(audit())
                .allSatisfy(r -> assertThat(r.detail)
                        .hasSizeLessThan(200)
                        .doesNotContain("evil", "\n", "\r", "\"", "`", "\u0007", "\u001b"));
        assertThat(audit().get(0).detail).isEqualTo("field tenant_id: longer than 255 characters");
    }

    @Test
    void duplicateTenantKeyIsMalformed() throws Exception {
        byte[] payload = utf8("{\"id\":\"d1\",\"state\":\"CO\",\"tenant_id\":\"colorado_state\","
                + "\"tenant_id\":\"kansas_emergency\"}");

        harness.processElement(raw(DISASTERS_TOPIC, 0, 9L, payload), 1L);

        assertThat(onlyAudit().reason).isEqualTo("malformed");
    }

    @Test
    void keyLongerThanTheDatabaseKeyGoesToAuditNotDownstream() throws Exception {
        ObjectNode json = fema("CO");
        json.put("id", "k".repeat(EventParser.MAX_KEY_BYTES + 1));

        harness.processElement(raw(DISASTERS_TOPIC, 0, 10L, bytes(json)), 1L);

        assertThat(harness.extractOutputValues()).isEmpty();
        AuditRecord r = onlyAudit();
        assertThat(r.reason).isEqualTo("key_too_long");
        assertThat(r.outcome).isEqualTo(io.enclave.operators.audit.AuditOutcome.DENIED);
        assertThat(r.detail).isEqualTo("id is 129 bytes of UTF-8, longer than the 128 the database key holds");
        assertThat(r.sourceOffset).isEqualTo(10L);
    }

    @Test
    void missingKeyGoesToAudit() throws Exception {
        ObjectNode json = fema("CO");
        json.remove("id");

        harness.processElement(raw(DISASTERS_TOPIC, 0, 10L, bytes(json)), 1L);

        AuditRecord r = onlyAudit();
        assertThat(r.reason).isEqualTo("missing_key");
        assertThat(r.detail).isEqualTo("declaration has no id");
    }

    @Test
    void nullOrEmptyPayloadIsMalformedNotAnError() throws Exception {
        harness.processElement(raw(DISASTERS_TOPIC, 0, 11L, null), 1L);
        harness.processElement(raw(WEATHER_TOPIC, 0, 12L, new byte[0]), 1L);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(audit())
                .extracting(r -> r.reason, r -> r.detail)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("malformed", "empty message"),
                        org.assertj.core.groups.Tuple.tuple("malformed", "empty message"));
    }

    @Test
    void messageFromATopicOfAnotherTenantIsRejected() throws Exception {
        harness.processElement(raw("tenant_kansas_emergency_disasters", 0, 13L, bytes(fema("KS"))), 1L);

        AuditRecord r = onlyAudit();
        assertThat(r.reason).isEqualTo("malformed");
        assertThat(r.detail).isEqualTo("topic tenant_kansas_emergency_disasters is not one of the tenant's topics");
        assertThat(r.sourceTopic).isEqualTo("tenant_kansas_emergency_disasters");
    }

    @Test
    void auditRecordCarriesWhoWhatWhereAndSource() throws Exception {
        long before = System.currentTimeMillis();
        harness.processElement(raw(DISASTERS_TOPIC, 3, 4_711L, utf8("not json")), 1L);
        long after = System.currentTimeMillis();

        AuditRecord r = onlyAudit();
        assertThat(r.tenantId).isEqualTo(TENANT);
        assertThat(r.action).isEqualTo(AuditAction.RECORD_REJECTED);
        assertThat(r.outcome).isEqualTo(AuditOutcome.DENIED);
        assertThat(r.reason).isEqualTo("malformed");
        assertThat(r.operator).isEqualTo(OPERATOR);
        assertThat(r.jobName).isEqualTo(JOB);
        assertThat(r.principal).isEqualTo(PRINCIPAL);
        assertThat(r.subtask).isZero();
        assertThat(r.host).isNotBlank();
        assertThat(r.sourceTopic).isEqualTo(DISASTERS_TOPIC);
        assertThat(r.sourcePartition).isEqualTo(3);
        assertThat(r.sourceOffset).isEqualTo(4_711L);
        assertThat(r.eventTime).isBetween(before, after);
        assertThat(r.fedramp).isTrue();
        assertThat(r.dora).isTrue();
        assertThat(r.recordId).matches("[0-9a-f]{32}");
    }

    @Test
    void recordIdIsTheSameWhenTheSameInputIsReplayed() throws Exception {
        List<RawEvent> input = List.of(
                raw(DISASTERS_TOPIC, 0, 20L, utf8("{broken")),
                raw(DISASTERS_TOPIC, 0, 21L, utf8("{\"state\":\"CO\"}")),
                raw(WEATHER_TOPIC, 1, 20L, utf8("[]")),
                raw(DISASTERS_TOPIC, 1, 20L, utf8("{broken")));

        List<String> firstRun = rejectIds(harness, input);
        OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> replay = newHarness();
        replay.setProcessingTime(NOW + 86_400_000L);
        List<String> secondRun = rejectIds(replay, input);
        replay.close();

        assertThat(firstRun).hasSize(4).doesNotHaveDuplicates();
        assertThat(secondRun).isEqualTo(firstRun);
    }

    private static List<String> rejectIds(
            OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> h, List<RawEvent> input) throws Exception {
        for (RawEvent e : input) {
            h.processElement(e, 1L);
        }
        List<String> ids = new ArrayList<>();
        values(h.getSideOutput(AUDIT)).forEach(r -> ids.add(r.recordId));
        return ids;
    }

    @Test
    void recordIdDiffersByOffsetEvenForTheSamePayload() throws Exception {
        byte[] payload = utf8("{broken");
        harness.processElement(raw(DISASTERS_TOPIC, 0, 30L, payload), 1L);
        harness.processElement(raw(DISASTERS_TOPIC, 0, 31L, payload), 1L);

        List<AuditRecord> audit = audit();
        assertThat(audit.get(0).recordId).isNotEqualTo(audit.get(1).recordId);
    }

    @Test
    void rejectionsDoNotStopLaterRecords() throws Exception {
        harness.processElement(raw(DISASTERS_TOPIC, 0, 40L, utf8("{")), 1L);
        harness.processElement(raw("unknown", 0, 41L, bytes(fema("CO"))), 1L);
        harness.processElement(raw(DISASTERS_TOPIC, 0, 42L, bytes(fema("CO"))), 1L);

        assertThat(harness.extractOutputValues())
                .extracting(e -> e.sourceOffset)
                .containsExactly(42L);
        assertThat(audit()).extracting(r -> r.sourceOffset).containsExactly(40L, 41L);
    }
}
