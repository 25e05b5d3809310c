package io.enclave.operators.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * The one definition of how an audit record is chained and signed, shared by the job's chainer,
 * the submitters and {@code audit verify}: the canonical serialisation, its SHA-256 hash, and
 * the messages each Ed25519 signature covers (a chained row, a head, a day anchor, a
 * submission), each domain-separated and naming the signing key, so no signature of one kind
 * passes as another or as another key's. Changing anything here makes every existing chain
 * fail verification, hence the version tags.
 */
public final class AuditChain {
    /** The previous hash of sequence 1. */
    public static final String GENESIS = "0".repeat(64);
    /** Longest value of a short text column; longer values are cut before hashing, so what is stored is what was hashed. */
    public static final int SHORT_TEXT = 255;

    private static final String VERSION = "enclave-audit-v3";
    private static final String HEAD_VERSION = "enclave-audit-head-v2";
    private static final String ANCHOR_VERSION = "enclave-audit-anchor-v3";
    private static final String LEGACY_ANCHOR_VERSION = "enclave-audit-anchor-v2";
    private static final String SUBMISSION_VERSION = "enclave-audit-submission-v2";

    private final MessageDigest sha256;

    /** A chain codec; it holds no key. Not thread-safe: one per operator or command. */
    public AuditChain() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * Puts the record in the form the database stores: no nulls, short texts cut to their column
     * width. Hashing the normalised form means a row read back hashes to the same value.
     */
    public static void normalize(AuditRecord r) {
        r.recordId = shortText(r.recordId);
        r.tenantId = shortText(r.tenantId);
        r.reason = shortText(r.reason);
        r.detail = r.detail == null ? "" : r.detail;
        r.jobName = shortText(r.jobName);
        r.operator = shortText(r.operator);
        r.host = shortText(r.host);
        r.sourceTopic = shortText(r.sourceTopic);
        r.recordKey = shortText(r.recordKey);
        r.principal = shortText(r.principal);
        r.classification = shortText(r.classification);
        r.sinkTable = shortText(r.sinkTable);
        r.submissionId = shortText(r.submissionId);
        r.submitter = shortText(r.submitter);
        r.submitterSignature = shortText(r.submitterSignature);
    }

    private static String shortText(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= SHORT_TEXT ? value : value.substring(0, SHORT_TEXT);
    }

    /**
     * Every field but {@code hash}, {@code signer} and {@code signature}, in a fixed order, each as
     * {@code name=length:value;}, so no two different records serialise alike. The submitter's
     * key id and signature are inside, so they cannot be swapped once chained.
     */
    public static String canonical(AuditRecord r) {
        return canonical(r, true);
    }

    /** With {@code chained} false: the form a submitter signs, before a sequence, a link or a submitter signature exist. */
    private static String canonical(AuditRecord r, boolean chained) {
        StringBuilder b = new StringBuilder(512);
        field(b, "v", VERSION);
        field(b, "tenant", r.tenantId);
        field(b, "sequence", chained ? Long.toString(r.sequence) : "0");
        field(b, "chained", chained ? Long.toString(r.chainedAt) : "0");
        field(b, "prev", chained ? r.prevHash : "");
        field(b, "id", r.recordId);
        field(b, "action", r.action == null ? "" : r.action.name());
        field(b, "outcome", r.outcome == null ? "" : r.outcome.name());
        field(b, "reason", r.reason);
        field(b, "detail", r.detail);
        field(b, "time", Long.toString(r.eventTime));
        field(b, "job", r.jobName);
        field(b, "operator", r.operator);
        field(b, "subtask", Integer.toString(r.subtask));
        field(b, "host", r.host);
        field(b, "topic", r.sourceTopic);
        field(b, "partition", Integer.toString(r.sourcePartition));
        field(b, "offset", Long.toString(r.sourceOffset));
        field(b, "key", r.recordKey);
        field(b, "principal", r.principal);
        field(b, "classification", r.classification);
        field(b, "fedramp", Boolean.toString(r.fedramp));
        field(b, "dora", Boolean.toString(r.dora));
        field(b, "pii", Boolean.toString(r.piiInvolved));
        field(b, "table", r.sinkTable);
        field(b, "rows", Long.toString(r.rowCount));
        field(b, "first", Long.toString(r.firstOffset));
        field(b, "last", Long.toString(r.lastOffset));
        field(b, "checkpoint", Long.toString(r.checkpointId));
        field(b, "submission", r.submissionId);
        field(b, "submitter", chained ? r.submitter : "");
        field(b, "submitter_signature", chained ? r.submitterSignature : "");
        return b.toString();
    }

    private static void field(StringBuilder b, String name, String value) {
        String v = value == null ? "" : value;
        b.append(name).append('=').append(v.length()).append(':').append(v).append(';');
    }

    /** SHA-256 of the canonical serialisation, lower-case hex. */
    public String hash(AuditRecord r) {
        return HexFormat.of().formatHex(sha256.digest(canonical(r).getBytes(StandardCharsets.UTF_8)));
    }

    /** What the chain signature of a row covers: its hash, under the key that signs it. */
    public static String recordMessage(String signer, String hash) {
        return VERSION + "|" + signer + "|" + hash;
    }

    /**
     * Chains {@code r} after {@code prevHash} at {@code sequence} and signs it with the job's key:
     * sets sequence, prevHash, hash, signer and signature.
     */
    public void link(AuditRecord r, long sequence, String prevHash, AuditSigner job) {
        normalize(r);
        r.sequence = sequence;
        r.prevHash = prevHash;
        r.hash = hash(r);
        r.signer = job.keyId();
        r.signature = job.sign(recordMessage(r.signer, r.hash));
    }

    /** What a head's signature covers: the tenant's chain reached {@code sequence} with {@code hash}. */
    public static String headMessage(String signer, String tenantId, long sequence, String hash, long checkpointId) {
        return HEAD_VERSION + "|" + signer + "|" + tenantId + "|" + sequence + "|" + hash + "|" + checkpointId;
    }

    /**
     * What a day anchor's signature covers: the tenant's chain may start at {@code firstSequence},
     * linking to {@code prevHash}, and every row before it was chained at or before
     * {@code prevChainedAt} (epoch ms UTC), so a verifier can tell whether those rows may be gone
     * yet (older than retention) or were deleted inside it. {@code anchoredAt} is the first row's
     * chaining time.
     */
    public static String anchorMessage(
            String signer, String tenantId, long firstSequence, String prevHash, long prevChainedAt, long anchoredAt) {
        return ANCHOR_VERSION + "|" + signer + "|" + tenantId + "|" + firstSequence + "|" + prevHash + "|"
                + prevChainedAt + "|" + anchoredAt;
    }

    /**
     * What an anchor written before release v3 of the format signed (a day anchor with no
     * {@code prevChainedAt}, or an older purge's CLI-signed anchor); only read back, never signed.
     */
    public static String legacyAnchorMessage(
            String signer, String tenantId, long firstSequence, String prevHash, long purgedRows, long purgedAt) {
        return LEGACY_ANCHOR_VERSION + "|" + signer + "|" + tenantId + "|" + firstSequence + "|" + prevHash + "|"
                + purgedRows + "|" + purgedAt;
    }

    /**
     * What a submitter's signature covers: the record as it was submitted, before it was chained,
     * under the submitter's key id. Normalises {@code r} first.
     */
    public static String submissionMessage(AuditRecord r, String submitter) {
        normalize(r);
        return SUBMISSION_VERSION + "|" + submitter + "|" + canonical(r, false);
    }

    /**
     * Signs a record submitted from outside the job (a command, the ingest job) with the
     * submitter's own key: sets {@code submitter} and {@code submitterSignature}.
     */
    public static void signSubmission(AuditRecord r, AuditSigner submitter) {
        if (r.sequence != 0 || r.prevHash != null || r.hash != null || r.signature != null) {
            throw new IllegalArgumentException("only an unchained record can be submitted: " + r);
        }
        if (r.submissionId == null || r.submissionId.isEmpty()) {
            throw new IllegalArgumentException("a submission needs its unique submission id: " + r);
        }
        r.submitter = submitter.keyId();
        r.submitterSignature = submitter.sign(submissionMessage(r, r.submitter));
    }

    /** The roles whose key may submit a record of {@code action}; empty for what only the job itself records. */
    public static Set<SignerRole> submitters(AuditAction action) {
        if (action == null) {
            return Set.of();
        }
        return switch (action) {
            case RECORD_REJECTED -> EnumSet.of(SignerRole.INGEST);
            case KEYS_INIT,
                    KEYS_ROTATE,
                    KEYS_DESTROY,
                    KEYS_SPLIT,
                    DECRYPT,
                    QUERY,
                    AUDIT_PURGE,
                    QUARANTINE,
                    RELEASE,
                    ALERT_ACKNOWLEDGED -> EnumSet.of(SignerRole.CLI);
            case SIGNING_KEY_ROTATED -> EnumSet.allOf(SignerRole.class);
            default -> Set.of();
        };
    }

    /**
     * What is wrong with the signatures of a chained row, or null: the chain signature must be a
     * job key's, and a submitted row's submitter signature a key's whose role may submit its action.
     * The row's hash is checked by the caller.
     */
    public static String signatureProblem(AuditTrust trust, AuditRecord r) {
        String chain =
                trust.problem(r.signer, EnumSet.of(SignerRole.JOB), recordMessage(r.signer, r.hash), r.signature);
        if (chain != null) {
            return "forged: " + chain;
        }
        if (r.submitter == null || r.submitter.isEmpty()) {
            return null;
        }
        String submitted = trust.problem(
                r.submitter, submitters(r.action), submissionMessage(r, r.submitter), r.submitterSignature);
        return submitted == null ? null : "forged submission: " + submitted;
    }

    /** Constant-time comparison of two hex strings, so verification leaks no prefix length. */
    public static boolean same(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII));
    }
}
