package io.enclave.operators.audit;

import static io.enclave.operators.Fixtures.OTHER_TENANT;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.auditContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.operators.record.RawEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The job's intake of its audit topic, on Flink's operator harness. */
class AuditSubmissionIntakeTest {
    private static final String TOPIC = "tenant_colorado_state_audit";
    private static final AuditTrust KEYS = FixedSigners.trust(TENANT, "intake-test");
    private static final AuditSigner SIGNER = FixedSigners.signer(TENANT, SignerRole.CLI, "intake-test");

    private static OneInputStreamOperatorTestHarness<RawEvent, AuditRecord> harness(AuditTrust trust) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(
                new AuditSubmissionIntake(auditContext(), trust.asSource(), "audit_intake[" + TENANT + "]")));
        h.open();
        return h;
    }

    private static AuditRecord command(String tenant) {
        AuditRecord r = new AuditContext(tenant, "enclave keys rotate", "bob", true, true)
                .newRecord(AuditAction.KEYS_ROTATE, AuditOutcome.SUCCESS, "cli", 0);
        r.sourceTopic = "cli";
        r.detail = "created data key version 2";
        r.recordId = AuditRecord.deterministicId(tenant, r.action, "cli", 0, r.eventTime, "x");
        return r;
    }

    private static StreamRecord<RawEvent> line(long offset, byte[] payload) {
        return new StreamRecord<>(new RawEvent(TOPIC, 0, offset, 0L, payload));
    }

    @Test
    void aSignedCommandRecordPassesAsItself() throws Exception {
        try (var h = harness(KEYS)) {
            AuditRecord sent = command(TENANT);
            h.processElement(line(0, AuditSubmission.encode(sent, SIGNER)));

            List<AuditRecord> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(r -> {
                assertThat(r.action).isEqualTo(AuditAction.KEYS_ROTATE);
                assertThat(r.principal).isEqualTo("bob");
                assertThat(r.sourceTopic).isEqualTo("cli");
                assertThat(r.recordId).isEqualTo(sent.recordId);
            });
        }
    }

    @Test
    void forgedMalformedAndForeignLinesBecomeRejectionsNamingWhereTheyCameFrom() throws Exception {
        try (var h = harness(KEYS)) {
            AuditRecord forged = command(TENANT);
            byte[] forgedLine = AuditSubmission.encode(forged, FixedSigners.signer(TENANT, SignerRole.CLI, "guess"));
            h.processElement(line(5, forgedLine));
            h.processElement(line(6, "{\"action\":\"DECRYPT\"}".getBytes(StandardCharsets.UTF_8)));
            h.processElement(line(7, AuditSubmission.encode(command(OTHER_TENANT), SIGNER)));

            List<AuditRecord> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(r -> r.action + " " + r.outcome + " " + r.reason + " " + r.sourceTopic + "@"
                            + r.sourceOffset + " " + r.tenantId)
                    .containsExactly(
                            "RECORD_REJECTED DENIED forged_audit_submission " + TOPIC + "@5 " + TENANT,
                            "RECORD_REJECTED DENIED malformed_audit_submission " + TOPIC + "@6 " + TENANT,
                            "RECORD_REJECTED DENIED foreign_tenant_audit_submission " + TOPIC + "@7 " + TENANT);
            assertThat(out.get(1).detail).isEqualTo("audit submission refused: field tenant_id is missing");
            assertThat(out).extracting(r -> r.recordId).doesNotHaveDuplicates().doesNotContainNull();
        }
    }

    private static final java.util.concurrent.atomic.AtomicReference<AuditTrust> TRUST_FILE =
            new java.util.concurrent.atomic.AtomicReference<>();

    @Test
    void itReadsTheTrustFileAgainWhenAKeyChangedNotOnlyWhenOneIsAdded() throws Exception {
        // The file read at start holds another public key under the CLI key's id; then it is corrected in place.
        AuditSigner stale = FixedSigners.signer(TENANT, SignerRole.CLI, "stale");
        TRUST_FILE.set(FixedSigners.trust(TENANT, "stale"));
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(
                new AuditSubmissionIntake(auditContext(), TRUST_FILE::get, "audit_intake[" + TENANT + "]")));
        h.open();
        try (h) {
            assertThat(stale.keyId()).isEqualTo(SIGNER.keyId());
            TRUST_FILE.set(KEYS);
            h.processElement(line(0, AuditSubmission.encode(command(TENANT), SIGNER)));

            assertThat(h.extractOutputValues()).extracting(r -> r.action).containsExactly(AuditAction.KEYS_ROTATE);
        }
    }

    @Test
    void itRefusesToStartWithAnotherTenantsKeys() {
        assertThatThrownBy(() -> harness(FixedSigners.trust(OTHER_TENANT, "intake-test")))
                .hasMessageContaining("was given the audit trust of another tenant");
    }
}
