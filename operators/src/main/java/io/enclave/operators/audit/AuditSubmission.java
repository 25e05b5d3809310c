package io.enclave.operators.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An audit record made outside the tenant's processing job (a {@code keys} or {@code decrypt}
 * command, the ingest job's rejections) on its way into the chain: one JSON line, the
 * {@link AuditJson} fields without the chain (with a unique {@code submission_id}) plus
 * {@code submitter}, the key id of the submitter's own Ed25519 key, and {@code signature}.
 * The job's chain has one writer, the chainer, so others submit through the tenant's audit
 * topic and the job checks the signature against the tenant's public trust before chaining; a
 * publisher without a trusted key can write to that topic but cannot make a line the job
 * accepts, and a key may only submit the actions of its role.
 */
public final class AuditSubmission {
    /** Far above any real record (texts are cut to 255 characters, detail is a sentence). */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /** Why the job refused a line: not a complete record. */
    public static final String MALFORMED = "malformed_audit_submission";
    /** Why the job refused a line: its signature is missing or not a trusted submitter key's. */
    public static final String FORGED = "forged_audit_submission";
    /** Why the job refused a line: correctly signed, but naming another tenant. */
    public static final String FOREIGN_TENANT = "foreign_tenant_audit_submission";
    /** Why the job refused a line: its submission id was chained before; the line is a replay. */
    public static final String REPLAYED = "replayed_audit_submission";
    /** Why the job refused a line: the time it carries is older than the chainer keeps submission ids for. */
    public static final String STALE = "stale_audit_submission";

    /** A record is one flat object: duplicate keys and nesting are refused, not resolved. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNestingDepth(2).build())
                    .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Fields of a submission besides its submitter and signature. */
    private static final int RECORD_FIELDS =
            AuditJson.write(JSON, new AuditRecord(), false).size();

    private AuditSubmission() {}

    /** A line refused by {@link #decode}, with the machine-readable reason the rejection is audited under. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String reason;

        RefusedException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /**
     * The line of {@code record} signed by {@code submitter}, which is normalised (texts cut to
     * their columns) on the way; a record without a submission id is given a new UUID.
     */
    public static byte[] encode(AuditRecord record, AuditSigner submitter) {
        if (record.submissionId == null || record.submissionId.isEmpty()) {
            record.submissionId = UUID.randomUUID().toString();
        }
        AuditChain.signSubmission(record, submitter);
        ObjectNode n = AuditJson.write(JSON, record, false);
        n.put("submitter", record.submitter);
        n.put("signature", record.submitterSignature);
        return (n.toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The record of a line, with its submitter and signature set, once the signature verifies
     * under a key of {@code trust} whose role may submit the record's action. The messages never
     * quote the line: whoever wrote a forged one does not get it echoed into the trail.
     */
    public static AuditRecord decode(byte[] line, AuditTrust trust) throws RefusedException {
        if (line == null || line.length == 0) {
            throw new RefusedException(MALFORMED, "the line is empty");
        }
        if (line.length > MAX_LINE_BYTES) {
            throw new RefusedException(
                    MALFORMED, "the line has " + line.length + " bytes, more than " + MAX_LINE_BYTES);
        }
        JsonNode n;
        try {
            n = JSON.readTree(StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(line))
                    .toString());
        } catch (JsonProcessingException e) {
            throw new RefusedException(MALFORMED, "the line is not one JSON object");
        } catch (IOException e) {
            throw new RefusedException(MALFORMED, "the line is not valid UTF-8");
        }
        AuditRecord record;
        try {
            record = AuditJson.readUnchained(n);
        } catch (IllegalArgumentException e) {
            throw new RefusedException(MALFORMED, e.getMessage());
        }
        for (String chainField : new String[] {"sequence", "prev_hash", "hash", "signer", "submitter_signature"}) {
            if (n.has(chainField)) {
                throw new RefusedException(MALFORMED, "a submission must not carry the chain field " + chainField);
            }
        }
        if (record.submissionId.isEmpty()) {
            throw new RefusedException(MALFORMED, "the line has an empty submission_id");
        }
        JsonNode submitter = n.get("submitter");
        JsonNode signature = n.get("signature");
        if (submitter == null || !submitter.isTextual() || signature == null || !signature.isTextual()) {
            throw new RefusedException(FORGED, "the line carries no submitter key id and signature");
        }
        if (n.size() != RECORD_FIELDS + 2) {
            throw new RefusedException(MALFORMED, "the line has fields an audit record does not");
        }
        String problem = trust.problem(
                submitter.textValue(),
                AuditChain.submitters(record.action),
                AuditChain.submissionMessage(record, submitter.textValue()),
                signature.textValue());
        if (problem != null) {
            throw new RefusedException(FORGED, "the submission is refused: " + problem);
        }
        record.submitter = submitter.textValue();
        record.submitterSignature = signature.textValue();
        return record;
    }
}
