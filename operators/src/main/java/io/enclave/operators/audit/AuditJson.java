package io.enclave.operators.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of an audit record, its field names the audit_log columns. The SIEM stream
 * writes it with the chain fields; a signed submission (see {@link AuditSubmission}) without them,
 * but with its submission id.
 */
public final class AuditJson {
    private AuditJson() {}

    /**
     * Every AU-3 field and the submission id, plus the chain fields ({@code sequence}, hashes,
     * the submitter's and the job's key ids and signatures) when {@code withChain}.
     */
    public static ObjectNode write(ObjectMapper json, AuditRecord r, boolean withChain) {
        ObjectNode n = json.createObjectNode();
        n.put("tenant_id", r.tenantId);
        if (withChain) {
            n.put("sequence", r.sequence);
            n.put("chained_at", r.chainedAt);
        }
        n.put("event_time", r.eventTime);
        n.put("record_id", r.recordId);
        n.put("action", r.action == null ? null : r.action.name());
        n.put("outcome", r.outcome == null ? null : r.outcome.name());
        n.put("reason", r.reason);
        n.put("detail", r.detail);
        n.put("job_name", r.jobName);
        n.put("operator", r.operator);
        n.put("subtask", r.subtask);
        n.put("host", r.host);
        n.put("source_topic", r.sourceTopic);
        n.put("source_partition", r.sourcePartition);
        n.put("source_offset", r.sourceOffset);
        n.put("record_key", r.recordKey);
        n.put("principal", r.principal);
        n.put("classification", r.classification);
        n.put("fedramp", r.fedramp);
        n.put("dora", r.dora);
        n.put("pii_involved", r.piiInvolved);
        n.put("sink_table", r.sinkTable);
        n.put("row_count", r.rowCount);
        n.put("first_offset", r.firstOffset);
        n.put("last_offset", r.lastOffset);
        n.put("checkpoint_id", r.checkpointId);
        n.put("submission_id", r.submissionId);
        if (withChain) {
            n.put("submitter", r.submitter);
            n.put("submitter_signature", r.submitterSignature);
            n.put("prev_hash", r.prevHash);
            n.put("hash", r.hash);
            n.put("signer", r.signer);
            n.put("signature", r.signature);
        }
        return n;
    }

    /**
     * Reads the AU-3 fields {@link #write} wrote without the chain; every one must be present
     * with its type, so nothing is silently defaulted.
     *
     * @throws IllegalArgumentException naming the first missing or mistyped field
     */
    public static AuditRecord readUnchained(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        AuditRecord r = new AuditRecord();
        r.tenantId = text(n, "tenant_id");
        r.eventTime = number(n, "event_time");
        r.recordId = text(n, "record_id");
        r.action = constant(AuditAction.class, n, "action");
        r.outcome = constant(AuditOutcome.class, n, "outcome");
        r.reason = text(n, "reason");
        r.detail = text(n, "detail");
        r.jobName = text(n, "job_name");
        r.operator = text(n, "operator");
        r.subtask = Math.toIntExact(number(n, "subtask"));
        r.host = text(n, "host");
        r.sourceTopic = text(n, "source_topic");
        r.sourcePartition = Math.toIntExact(number(n, "source_partition"));
        r.sourceOffset = number(n, "source_offset");
        r.recordKey = text(n, "record_key");
        r.principal = text(n, "principal");
        r.classification = text(n, "classification");
        r.fedramp = flag(n, "fedramp");
        r.dora = flag(n, "dora");
        r.piiInvolved = flag(n, "pii_involved");
        r.sinkTable = text(n, "sink_table");
        r.rowCount = number(n, "row_count");
        r.firstOffset = number(n, "first_offset");
        r.lastOffset = number(n, "last_offset");
        r.checkpointId = number(n, "checkpoint_id");
        r.submissionId = text(n, "submission_id");
        return r;
    }

    /**
     * Reads a chained record {@link #write} wrote with the chain (a SIEM line), every field
     * required as in {@link #readUnchained}; normalised as it was hashed.
     *
     * @throws IllegalArgumentException naming the first missing or mistyped field
     */
    public static AuditRecord readChained(JsonNode n) {
        AuditRecord r = readUnchained(n);
        r.sequence = number(n, "sequence");
        r.chainedAt = number(n, "chained_at");
        r.submitter = text(n, "submitter");
        r.submitterSignature = text(n, "submitter_signature");
        r.prevHash = text(n, "prev_hash");
        r.hash = text(n, "hash");
        r.signer = text(n, "signer");
        r.signature = text(n, "signature");
        AuditChain.normalize(r);
        return r;
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field " + name + " is missing");
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field " + name + " is not a string");
        }
        return v.textValue();
    }

    private static long number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field " + name + " is not a whole number");
        }
        return v.longValue();
    }

    private static boolean flag(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field " + name + " is not true or false");
        }
        return v.booleanValue();
    }

    private static <E extends Enum<E>> E constant(Class<E> type, JsonNode n, String name) {
        String v = text(n, name);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + name + " is not a known " + type.getSimpleName());
        }
    }
}
