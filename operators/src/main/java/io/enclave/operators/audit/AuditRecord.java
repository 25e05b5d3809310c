package io.enclave.operators.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One audit event with the content NIST 800-53 AU-3 asks for: what, when (UTC ms), where
 * (job, operator, subtask, host), source, outcome, identity and classification, plus the
 * compliance flags. {@link #recordId} is derived from the event itself, so replaying the same
 * input yields the same id and the audit table's upsert writes it once.
 */
public class AuditRecord {
    public String recordId;
    public String tenantId;
    public AuditAction action;
    public AuditOutcome outcome;
    /** Machine-readable reason, e.g. {@code state_not_allowed}; empty on success. */
    public String reason;
    /** Human-readable detail; never holds a secret or a payload value. */
    public String detail;
    /** When the decision was made, epoch milliseconds UTC. */
    public long eventTime;

    public String jobName;
    public String operator;
    public int subtask;
    public String host;

    /** Kafka topic of the input, or {@code cli} for a command. */
    public String sourceTopic;

    public int sourcePartition;
    /** Kafka offset of the input; -1 when the source is not a Kafka record. */
    public long sourceOffset;
    /** Natural key of the record concerned, when it could be read. */
    public String recordKey;

    /** The acting principal: the job's Kafka/database principal or the CLI user. */
    public String principal;

    public String classification;

    public boolean fedramp;
    public boolean dora;
    public boolean piiInvolved;

    /** For SINK_FLUSH: the table written; empty otherwise. */
    public String sinkTable;
    /** For SINK_FLUSH: rows written from {@link #sourceTopic}/{@link #sourcePartition} in this flush. */
    public long rowCount;
    /** For SINK_FLUSH: the first and last Kafka offset of those rows; -1 otherwise. */
    public long firstOffset;

    public long lastOffset;
    /** For SINK_FLUSH and CHECKPOINT: the Flink checkpoint the record belongs to; -1 otherwise. */
    public long checkpointId;

    /**
     * For a record submitted from outside the job: its unique id (a UUID), which the job chains
     * once; a second line with the same id is a replay. Empty for the job's own records.
     */
    public String submissionId;
    /** The key id that signed the submission ({@code <tenant>/cli/v1}, ...); empty for the job's own records. */
    public String submitter;
    /** The submitter's Ed25519 signature, see {@link AuditChain#submissionMessage}. */
    public String submitterSignature;

    // The chain, assigned by the AuditChainer only: an operator leaves these unset.
    /** Per-tenant position in the chain, from 1; 0 until chained. */
    public long sequence;
    /**
     * When the chainer linked the record, epoch milliseconds UTC; never decreases along the chain,
     * unlike {@link #eventTime} (a command's record is chained after it happened), so the audit
     * log is partitioned by day on it and a day anchor is cut where it crosses midnight UTC.
     */
    public long chainedAt;
    /** {@link #hash} of the record at {@code sequence - 1}; 64 zeros for the first. */
    public String prevHash;
    /** SHA-256 of the canonical serialisation of every other field, see {@link AuditChain}. */
    public String hash;
    /** Key id of the job's key that signed the chained record, e.g. {@code colorado_state/job/v1}. */
    public String signer;
    /** Ed25519 signature of {@link #hash} by {@link #signer}, see {@link AuditChain#recordMessage}. */
    public String signature;

    public AuditRecord() {
        sinkTable = "";
        firstOffset = -1;
        lastOffset = -1;
        checkpointId = -1;
    }

    /**
     * A deterministic id over the fields that identify the event (not its wall-clock time),
     * so a replayed input maps onto the row it already wrote.
     */
    public static String deterministicId(
            String tenantId,
            AuditAction action,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            String discriminator) {
        String identity = String.join(
                "|",
                tenantId,
                action.name(),
                String.valueOf(sourceTopic),
                Integer.toString(sourcePartition),
                Long.toString(sourceOffset),
                String.valueOf(discriminator));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** The owning tenant, for sinks that re-check it before writing. */
    public static String tenantIdOf(AuditRecord record) {
        return record.tenantId;
    }

    @Override
    public String toString() {
        return "AuditRecord{" + tenantId + "#" + sequence + " " + action + " " + outcome + " " + reason + " "
                + sourceTopic + "-" + sourcePartition + "@" + sourceOffset + "}";
    }
}
