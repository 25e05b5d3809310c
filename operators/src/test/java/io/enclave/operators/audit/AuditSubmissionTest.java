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
    private static final AuditChain KEY = new AuditChain(new FixedAuditKeys(TENANT, "submission-test").auditKey());
    private static final AuditChain OTHER_KEY = new AuditChain(new FixedAuditKeys(TENANT, "someone-else").auditKey());

    private static AuditRecord decrypted() {
        AuditRecord r = new AuditContext(TENANT, "enclave decrypt", "alice", true, true)
                .newRecord(AuditAction.DECRYPT, AuditOutcome.SUCCESS, "cli", 0);
        r.sourceTopic = "cli";
        r.recordKey = "row-17";
        r.detail = "decrypted disaster_declarations.designated_area of row-17 (key version 1)";
        r.recordId = AuditRecord.deterministicId(TENANT, r.action, "cli", 0, r.eventTime, "unique");
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
        AuditRecord decoded = AuditSubmission.decode(AuditSubmission.encode(original, KEY), KEY);

        assertThat(AuditChain.canonical(decoded)).isEqualTo(AuditChain.canonical(original));
        assertThat(decoded.principal).isEqualTo("alice");
        assertThat(decoded.sequence).as("not chained yet").isZero();
    }

    @Test
    void anEditedFieldOrAnotherKeyIsAForgery() throws Exception {
        byte[] line = AuditSubmission.encode(decrypted(), KEY);
        ObjectNode edited = parsed(line);
        edited.put("principal", "mallory");

        assertThatThrownBy(() -> AuditSubmission.decode(bytes(edited), KEY))
                .isInstanceOfSatisfying(AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.FORGED))
                .hasMessage("the signature does not verify under the tenant's audit key");
        assertThatThrownBy(() -> AuditSubmission.decode(AuditSubmission.encode(decrypted(), OTHER_KEY), KEY))
                .isInstanceOfSatisfying(AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.FORGED));
        ObjectNode unsigned = parsed(line);
        unsigned.remove("signature");
        assertThatThrownBy(() -> AuditSubmission.decode(bytes(unsigned), KEY))
                .hasMessage("the line carries no signature");
    }

    @Test
    void aChainedRowsHmacCannotPassAsASubmissionSignature() throws Exception {
        AuditRecord r = decrypted();
        byte[] line = AuditSubmission.encode(r, KEY);
        AuditRecord chained = AuditSubmission.decode(line, KEY);
        KEY.link(chained, 1, AuditChain.GENESIS);
        ObjectNode n = parsed(line);
        n.put("signature", chained.hmac);

        assertThatThrownBy(() -> AuditSubmission.decode(bytes(n), KEY))
                .isInstanceOfSatisfying(AuditSubmission.RefusedException.class,
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
        assertThatThrownBy(() -> AuditSubmission.decode(line, KEY))
                .isInstanceOfSatisfying(AuditSubmission.RefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(AuditSubmission.MALFORMED))
                .hasMessage(message)
                .message().doesNotContain("secret-value-42");
    }

    @Test
    void onlyAnUnchainedRecordCanBeSigned() {
        AuditRecord chained = decrypted();
        KEY.link(chained, 3, AuditChain.GENESIS);
        assertThatThrownBy(() -> AuditSubmission.encode(chained, KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only an unchained record can be submitted");
    }
}
