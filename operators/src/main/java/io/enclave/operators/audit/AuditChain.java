package io.enclave.operators.audit;

import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeyProviderFactory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * The one definition of how an audit record is chained, shared by the job's chainer and by
 * {@code audit verify}: the canonical serialisation, its SHA-256 hash, and the HMAC-SHA256 of
 * that hash under the tenant's audit key. Changing anything here makes every existing chain
 * fail verification, hence the version tag inside the serialisation.
 */
public final class AuditChain {
    /** The previous hash of sequence 1. */
    public static final String GENESIS = "0".repeat(64);
    /** Longest value of a short text column; longer values are cut before hashing, so what is stored is what was hashed. */
    public static final int SHORT_TEXT = 255;

    private static final String VERSION = "enclave-audit-v1";
    private static final String HEAD_VERSION = "enclave-audit-head-v1";
    private static final String ANCHOR_VERSION = "enclave-audit-anchor-v1";
    private static final String SUBMISSION_VERSION = "enclave-audit-submission-v1";

    private final Mac mac;
    private final MessageDigest sha256;

    /** A chain codec for one tenant's key; not thread-safe, one per operator or command. */
    public AuditChain(SecretKey auditKey) {
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(auditKey);
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required by the Java platform", e);
        }
    }

    /**
     * The codec under {@code tenantId}'s audit key, read through {@code keys} in the caller's
     * {@code open()}; the provider is closed again at once, the key living on only in the MAC.
     *
     * @throws IllegalStateException when {@code keys} belong to another tenant
     */
    public static AuditChain open(KeyProviderFactory keys, String tenantId, String user) {
        try (KeyProvider provider = keys.open()) {
            if (!tenantId.equals(provider.tenantId())) {
                throw new IllegalStateException(user + " was given the keys of another tenant");
            }
            return new AuditChain(provider.auditKey());
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
    }

    private static String shortText(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= SHORT_TEXT ? value : value.substring(0, SHORT_TEXT);
    }

    /**
     * Every field but {@code hash} and {@code hmac}, in a fixed order, each as
     * {@code name=length:value;}, so no two different records serialise alike.
     */
    public static String canonical(AuditRecord r) {
        StringBuilder b = new StringBuilder(512);
        field(b, "v", VERSION);
        field(b, "tenant", r.tenantId);
        field(b, "sequence", Long.toString(r.sequence));
        field(b, "prev", r.prevHash);
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

    /** HMAC-SHA256 of a record's hash under the tenant's audit key, lower-case hex. */
    public String hmac(String hash) {
        return sign(VERSION + "|" + hash);
    }

    /** Chains {@code r} after {@code prevHash} at {@code sequence}: sets sequence, prevHash, hash and hmac. */
    public void link(AuditRecord r, long sequence, String prevHash) {
        normalize(r);
        r.sequence = sequence;
        r.prevHash = prevHash;
        r.hash = hash(r);
        r.hmac = hmac(r.hash);
    }

    /**
     * The signature of a head: the tenant's chain reached {@code sequence} with {@code hash}.
     * Domain-separated from record HMACs, so a head cannot be made from a row.
     */
    public String signHead(String tenantId, long sequence, String hash, long checkpointId) {
        return sign(HEAD_VERSION + "|" + tenantId + "|" + sequence + "|" + hash + "|" + checkpointId);
    }

    /** The signature of a purge anchor: rows before {@code firstSequence} were purged; it links to {@code prevHash}. */
    public String signAnchor(String tenantId, long firstSequence, String prevHash, long purgedRows, long purgedAt) {
        return sign(ANCHOR_VERSION + "|" + tenantId + "|" + firstSequence + "|" + prevHash + "|" + purgedRows
                + "|" + purgedAt);
    }

    /**
     * The signature of a record submitted from outside the job (a key command, the ingest job)
     * before it is chained: over its canonical form, unchained, domain-separated from row and
     * head HMACs so no signature of one kind passes as another. Normalises {@code r} first.
     */
    public String signSubmission(AuditRecord r) {
        normalize(r);
        if (r.sequence != 0 || r.prevHash != null || r.hash != null || r.hmac != null) {
            throw new IllegalArgumentException("only an unchained record can be submitted: " + r);
        }
        return sign(SUBMISSION_VERSION + "|" + canonical(r));
    }

    private String sign(String message) {
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** Constant-time comparison of two hex strings, so verification leaks no prefix length. */
    public static boolean same(String expected, String actual) {
        if (expected == null || actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII));
    }
}
