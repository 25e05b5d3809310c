package io.enclave.operators.audit;

import static io.enclave.operators.Fixtures.TENANT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The signed line by which key commands and the ingest job submit records to a tenant's chain. */
class AuditSubmissionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AuditSigner KEY = FixedSigners.signer(TENANT, SignerRole.CLI, "submission-test");
    private static final AuditSigner OTHER_KEY = FixedSigners.signer(TENANT, SignerRole.CLI, "someone-else");
    private static final AuditTrust TRUST = FixedSigners.trust(TENANT, "submission-test");

    private static AuditRecord decrypted() {
        AuditRecord r = new AuditContext(TENANT, "enclave decrypt", "alice", true, true)
                .newRecord(AuditAction.DECRYPT, AuditOutcome.SUCCESS, "cli", 0);
        r.sourceTopic = "cli";
        r.recordKey = "row-17";
        r.detail = "decrypted disaster_declarations.designated_area of row-17 (key version 1)";
        r.recordId = AuditRecord.deterministicId(TENANT, r.action, "cli", 0, r.eventTime, "unique");
        return r;
    }

    private static AuditRecord rotationRecord() {
        AuditRecord r = decrypted();
        r.action = AuditAction.SIGNING_KEY_ROTATED;
        return r;
    }

    private static ObjectNode parsed(byte[] line) throws Exception {
        return (ObjectNode) JSON.readTree(line);
    }

    private static byte[] bytes(ObjectNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSignedLineDecodesToTheRecordItSigns() throws Exception {
        AuditRecord original = decrypted();
        AuditRecord decoded = AuditSubmission.decode(AuditSubmission.encode(original, KEY), TRUST);

        assertThat(AuditChain.canonical(decoded)).isEqualTo(AuditChain.canonical(original));
        assertThat(decoded.principal).isEqualTo("alice");
        assertThat(decoded.sequence).as("not chained yet").isZero();
        assertThat(decoded.submitter).isEqualTo(TENANT + "/cli/v1");
        assertThat(decoded.submissionId).as("a fresh UUID").hasSize(36);
    }

    @Test
    void anEditedFieldOrAnotherKeyIsAForgery() throws Exception {
        byte[] line = AuditSubmission.encode(decrypted(), KEY);
        ObjectNode edited = parsed(line);
        edited.put("principal", "mallory");

        assertThatThrownBy(() -> AuditSubmission.decode(bytes(edited), TRUST))
                .isInstanceOfSatisfying(
                        AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.FORGED))
                .hasMessage("the submission is refused: its signature does not verify under key " + TENANT + "/cli/v1");
        assertThatThrownBy(() -> AuditSubmission.decode(AuditSubmission.encode(decrypted(), OTHER_KEY), TRUST))
                .isInstanceOfSatisfying(
                        AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.FORGED));
        ObjectNode unsigned = parsed(line);
        unsigned.remove("signature");
        assertThatThrownBy(() -> AuditSubmission.decode(bytes(unsigned), TRUST))
                .hasMessage("the line carries no submitter key id and signature");
        ObjectNode edgeKey = parsed(line);
        edgeKey.put("submitter", TENANT + "/job/v1");
        assertThatThrownBy(() -> AuditSubmission.decode(bytes(edgeKey), TRUST))
                .as("claiming the job's key id does not make a CLI signature the job's")
                .isInstanceOfSatisfying(
                        AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.FORGED))
                .hasMessageContaining(TENANT + "/job/v1 of role job, which may not sign it");
        ObjectNode rotation = parsed(AuditSubmission.encode(rotationRecord(), KEY));
        rotation.put("submitter", TENANT + "/job/v1");
        assertThatThrownBy(() -> AuditSubmission.decode(bytes(rotation), TRUST))
                .hasMessage("the submission is refused: its signature does not verify under key " + TENANT + "/job/v1");
    }

    @Test
    void aChainedRowsSignatureCannotPassAsASubmissionSignature() throws Exception {
        AuditRecord r = decrypted();
        byte[] line = AuditSubmission.encode(r, KEY);
        AuditRecord chained = AuditSubmission.decode(line, TRUST);
        new AuditChain().link(chained, 1, AuditChain.GENESIS, KEY);
        ObjectNode n = parsed(line);
        n.put("signature", chained.signature);

        assertThatThrownBy(() -> AuditSubmission.decode(bytes(n), TRUST))
                .isInstanceOfSatisfying(
                        AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.FORGED));
    }

    @Test
    void incompleteOrAmbiguousLinesAreMalformedAndNeverQuoted() throws Exception {
        ObjectNode missing = parsed(AuditSubmission.encode(decrypted(), KEY));
        missing.remove("outcome");
        ObjectNode chainField = parsed(AuditSubmission.encode(decrypted(), KEY));
        chainField.put("sequence", 7);
        ObjectNode extra = parsed(AuditSubmission.encode(decrypted(), KEY));
        extra.put("note", "secret-value-42");
        String signed = new String(AuditSubmission.encode(decrypted(), KEY), StandardCharsets.UTF_8).strip();
        String duplicate = signed.substring(0, signed.length() - 1) + ",\"principal\":\"mallory\"}";

        assertMalformed(bytes(missing), "field outcome is missing");
        assertMalformed(bytes(chainField), "a submission must not carry the chain field sequence");
        assertMalformed(bytes(extra), "the line has fields an audit record does not");
        assertMalformed(duplicate.getBytes(StandardCharsets.UTF_8), "the line is not one JSON object");
        assertMalformed("secret-value-42 {".getBytes(StandardCharsets.UTF_8), "the line is not one JSON object");
        assertMalformed(new byte[] {(byte) 0xC3, 0x28}, "the line is not valid UTF-8");
        assertMalformed(new byte[AuditSubmission.MAX_LINE_BYTES + 1], "the line has 65537 bytes, more than 65536");
        assertMalformed(new byte[0], "the line is empty");
    }

    private static void assertMalformed(byte[] line, String message) {
        assertThatThrownBy(() -> AuditSubmission.decode(line, TRUST))
                .isInstanceOfSatisfying(
                        AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.MALFORMED))
                .hasMessage(message)
                .message()
                .doesNotContain("secret-value-42");
    }

    @Test
    void aKeyMaySubmitOnlyTheActionsOfItsRole() {
        AuditRecord r = decrypted();
        r.action = AuditAction.CHECKPOINT;
        assertThatThrownBy(() -> AuditSubmission.decode(AuditSubmission.encode(r, KEY), TRUST))
                .hasMessage("the submission is refused: it is signed by key " + TENANT + "/cli/v1 of role cli, which "
                        + "may not sign it (only [])");
        AuditRecord rejection = decrypted();
        rejection.action = AuditAction.RECORD_REJECTED;
        assertThatThrownBy(() -> AuditSubmission.decode(AuditSubmission.encode(rejection, KEY), TRUST))
                .hasMessageContaining("which may not sign it (only [ingest])");
    }

    @Test
    void onlyAnUnchainedRecordCanBeSigned() {
        AuditRecord chained = decrypted();
        new AuditChain().link(chained, 3, AuditChain.GENESIS, KEY);
        assertThatThrownBy(() -> AuditSubmission.encode(chained, KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only an unchained record can be submitted");
    }
}
