package io.enclave.sinks;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Walks a tenant's audit chain in its database and reports the first sequence number at which
 * it is broken: a field edited, a row deleted (a gap), rows swapped, a row inserted with a
 * forged hash or signature, a row of another tenant, or a tail cut off below the signed head.
 * Every row, the head and the anchor must carry an Ed25519 signature by a key of the tenant's
 * public trust whose role may sign it (rows and heads: the job's; submissions: their
 * submitter's), so it needs public keys only and holds no secret that could re-sign a chain.
 * A key that replaced another is accepted once a chained SIGNING_KEY_ROTATED record introduced
 * it, and a key no longer signs once its successor has. Everything is read with plain
 * SELECTs, so an auditor's read-only account is enough.
 *
 * <p>The trust file is written by whoever runs {@code keys} commands, so it proves nothing by
 * itself: the tenant job's keys are authenticated from fingerprints the auditor pinned out of
 * band ({@link Policy#pinnedJobKeys}). A job key whose fingerprint is not pinned signs only once
 * a chained SIGNING_KEY_ROTATED record, submitted under an authenticated job key that it
 * replaced, introduces it by its fingerprint; a CLI or ingest key never introduces a job key. The
 * same holds for the ingest and CLI keys that submitted rows ({@link Policy#pins}): a submitter key
 * that is neither its role's pinned key nor introduced by a rotation its authentic predecessor
 * signed makes the row forged, even when the job's chainer chained it.
 * The chain may start after sequence 1 only at an anchor the job's key signed whose cut-off
 * rows are older than the tenant's retention at the policy's clock.
 */
public final class AuditVerifier {
    private static final int SWAP_WINDOW = 8;

    private final Connection connection;
    private final String database;
    private final String tenantId;
    private final AuditChain chain = new AuditChain();
    private final AuditTrust trust;
    /** Keys a chained SIGNING_KEY_ROTATED record introduced; a role's first keys need none. */
    private final Set<String> introduced = new HashSet<>();
    /** Per role, the newest key version that has chain-signed so far: older versions are retired. */
    private final Map<SignerRole, Integer> newestSigner = new EnumMap<>(SignerRole.class);
    /** The same for submitter signatures, kept apart: a job key rotation is submitted under the old job key. */
    private final Map<SignerRole, Integer> newestSubmitter = new EnumMap<>(SignerRole.class);
    /** False once a purge cut the chain: rotations before the anchor can no longer be seen. */
    private boolean fromGenesis = true;

    private final Policy policy;
    /** Keys authenticated so far: pinned, or introduced by a chained rotation their authenticated predecessor signed. */
    private final Set<String> authenticKeys = new HashSet<>();
    /** Job keys that signed while not (yet) authenticated -> the first sequence they signed at. */
    private final Map<String, Long> unauthenticatedJobKeys = new LinkedHashMap<>();

    /**
     * What the auditor brings besides the trust file: the tenant's retention, the time to judge it
     * at, and the fingerprints of the keys they pinned out of band. Immutable.
     *
     * @param retentionDays the tenant's {@code audit_requirements.retention_days}: rows younger may not be missing
     * @param clock now, for retention (production: the system's UTC clock)
     * @param pins per signer role, the fingerprints ({@code sha256:HEX}) trusted without a chained rotation; a role
     *     not pinned takes the trust file's first key at its word, which authenticates nothing (development only),
     *     unless the pins are {@link KeyPins#required}
     */
    public record Policy(int retentionDays, Clock clock, KeyPins pins) {
        public Policy {
            if (retentionDays < 1) {
                throw new IllegalArgumentException("retention must be at least one day: " + retentionDays);
            }
            clock = Objects.requireNonNull(clock, "clock");
            pins = Objects.requireNonNull(pins, "pins");
        }

        /** Only job keys pinned; the other roles' first keys taken from the trust file. */
        public Policy(int retentionDays, Clock clock, Set<String> pinnedJobKeys) {
            this(retentionDays, clock, new KeyPins(Map.of(SignerRole.JOB, pinnedJobKeys), false));
        }

        /** Retention at the system's UTC clock, with the trust file's first job keys unauthenticated. */
        public static Policy unpinned(int retentionDays) {
            return new Policy(retentionDays, Clock.systemUTC(), KeyPins.none());
        }

        public Policy withClock(Clock value) {
            return new Policy(retentionDays, value, pins);
        }

        /** The pinned job key fingerprints. */
        public Set<String> pinnedJobKeys() {
            return pins.of(SignerRole.JOB);
        }

        /** The retention as a duration. */
        public Duration retention() {
            return Duration.ofDays(retentionDays);
        }
    }

    /**
     * @throws KeyUnavailableException when {@code trust} is another tenant's: its keys prove nothing about this trail
     */
    public AuditVerifier(Connection connection, String database, String tenantId, AuditTrust trust, Policy policy) {
        if (!tenantId.equals(trust.tenantId())) {
            throw new KeyUnavailableException("the audit trust file of tenant " + trust.tenantId()
                    + " cannot verify the audit trail of tenant " + tenantId);
        }
        this.connection = connection;
        this.database = database;
        this.tenantId = tenantId;
        this.trust = trust;
        this.policy = policy;
    }

    /**
     * The outcome of a verification.
     *
     * @param ok whether the whole chain verified
     * @param records rows checked
     * @param firstSequence the first retained sequence (1 unless purged)
     * @param lastSequence the last sequence in the table
     * @param headHash the hash of the last row
     * @param signedHead the sequence of the signed head, -1 if none
     * @param badSequence the first sequence found bad, -1 when ok
     * @param problem what is wrong there, empty when ok
     */
    public record Verdict(
            boolean ok,
            long records,
            long firstSequence,
            long lastSequence,
            String headHash,
            long signedHead,
            long badSequence,
            String problem) {}

    public Verdict verify() throws SQLException {
        // Signed points the chain may start from once the rows before them are gone (a purge, a
        // dropped partition): first sequence -> the anchor.
        Map<Long, StoredAnchor> anchors = StoredAnchor.readAll(connection, database, tenantId);
        for (StoredAnchor a : anchors.values()) {
            String problem = a.signatureProblem(trust, tenantId);
            if (problem != null) {
                return bad(
                        0,
                        0,
                        a.firstSequence(),
                        "the anchor at sequence " + a.firstSequence() + " is forged: " + problem);
            }
        }
        // Every signed head ever published (append-only); the newest is the chain's current head.
        java.util.Map<Long, String> heads = new java.util.HashMap<>();
        long signedHead = -1;
        // Job keys that signed a head -> the first sequence they signed at; authenticated once the walk is done.
        Map<String, Long> headSigners = new LinkedHashMap<>();
        // Reported only if no row before it is bad: a re-signed tail is named where it starts.
        String headProblem = null;
        long headProblemSequence = -1;
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT sequence, head_hash, checkpoint_id, signer, " + "signature FROM "
                        + SqlDialect.qualified(database, "audit_head") + " WHERE tenant_id = ? ORDER BY sequence")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long sequence = rs.getLong(1);
                    String hash = rs.getString(2);
                    String signer = rs.getString(4);
                    String problem = trust.problem(
                            signer,
                            EnumSet.of(SignerRole.JOB),
                            AuditChain.headMessage(signer, tenantId, sequence, hash, rs.getLong(3)),
                            rs.getString(5));
                    if (problem != null && headProblem == null) {
                        headProblem = "the signed head is edited or forged: " + problem;
                        headProblemSequence = sequence;
                    }
                    if (problem == null) {
                        headSigners.putIfAbsent(signer, sequence);
                    }
                    String other = heads.putIfAbsent(sequence, hash);
                    if (other != null && !other.equals(hash)) {
                        return bad(0, 1, sequence, "two different signed heads at this sequence: the chain was forked");
                    }
                    signedHead = Math.max(signedHead, sequence);
                }
            }
        }

        long expected = 1;
        String prev = AuditChain.GENESIS;
        long firstSequence = expected;
        long count = 0;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + SqlDialect.qualified(database, "audit_log")
                        + " ORDER BY sequence, tenant_id")) {
            while (rs.next()) {
                AuditRecord r = read(rs);
                if (!tenantId.equals(r.tenantId)) {
                    return bad(
                            count,
                            firstSequence,
                            r.sequence,
                            "row of tenant '" + r.tenantId + "' in the audit log of '" + tenantId
                                    + "': copied from another tenant");
                }
                if (count == 0 && r.sequence > expected && anchors.containsKey(r.sequence)) {
                    // The rows before were purged or dropped with their partition: only the job's signed anchor
                    // excuses that, and only once those rows are older than the retention.
                    StoredAnchor anchor = anchors.get(r.sequence);
                    String refused = refusedStart(anchor, expected);
                    if (refused != null) {
                        return bad(count, firstSequence, expected, refused);
                    }
                    expected = r.sequence;
                    firstSequence = r.sequence;
                    prev = anchor.prevHash();
                    fromGenesis = false;
                    signedAsJob(anchor.signer(), r.sequence);
                }
                if (count > 0 && r.sequence == expected - 1) {
                    // A DUPLICATE KEY table (StarRocks) can hold a replayed row twice: one row if identical.
                    if (AuditChain.same(prev, r.hash) && AuditChain.same(chain.hash(r), r.hash)) {
                        continue;
                    }
                    return bad(
                            count,
                            firstSequence,
                            r.sequence,
                            "two different rows at this sequence: the chain " + "was forked");
                }
                if (r.sequence < expected) {
                    return bad(
                            count,
                            firstSequence,
                            r.sequence,
                            "row before the start of the chain at sequence " + expected);
                }
                if (r.sequence > expected) {
                    return bad(
                            count,
                            firstSequence,
                            expected,
                            "missing: sequence " + expected
                                    + (r.sequence - expected > 1 ? ".." + (r.sequence - 1) : "")
                                    + " is not in the table (row deleted, or a gap before sequence " + r.sequence + ")"
                                    + (count == 0 ? ", and no signed anchor starts the chain at " + r.sequence : ""));
                }
                String problem = problemOf(r, prev);
                if (problem != null) {
                    return bad(count, firstSequence, r.sequence, problem);
                }
                String signedHash = heads.get(r.sequence);
                if (signedHash != null && !AuditChain.same(signedHash, r.hash)) {
                    return bad(count, firstSequence, r.sequence, "differs from the signed head at this sequence");
                }
                prev = r.hash;
                expected++;
                count++;
            }
        }
        long last = expected - 1;
        if (headProblem != null) {
            return bad(count, firstSequence, headProblemSequence, headProblem);
        }
        headSigners.forEach(this::signedAsJob);
        Verdict unauthenticated = unauthenticatedJobKey(count, firstSequence);
        if (unauthenticated != null) {
            return unauthenticated;
        }
        if (count == 0 && signedHead < 0) {
            return bad(
                    0,
                    firstSequence,
                    firstSequence,
                    "no audit records and no signed head for tenant '" + tenantId + "'");
        }
        if (signedHead < 0) {
            return bad(
                    count,
                    firstSequence,
                    last + 1,
                    "no signed head: the tail cannot be checked (audit_head "
                            + "was deleted, or the job has not yet completed two checkpoints)");
        }
        if (signedHead > last) {
            return bad(
                    count,
                    firstSequence,
                    last + 1,
                    "truncated tail: the signed head is sequence " + signedHead + " but the table ends at " + last);
        }
        Verdict conflict = refusedOverwrite(count, firstSequence);
        if (conflict != null) {
            return conflict;
        }
        return new Verdict(true, count, firstSequence, last, prev, signedHead, -1, "");
    }

    /**
     * The first write the job's audit writer refused because it would have overwritten a stored
     * row: the stored chain may be intact, but something offered a fork of it, so the trail
     * does not pass. Null if there was none.
     */
    private Verdict refusedOverwrite(long count, long firstSequence) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT table_name, sequence, detected_at, detail FROM "
                + SqlDialect.qualified(database, "audit_conflict")
                + " WHERE tenant_id = ? ORDER BY sequence LIMIT 1")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return bad(
                            count,
                            firstSequence,
                            rs.getLong(2),
                            "conflicting write refused at " + rs.getObject(3, LocalDateTime.class) + "Z: "
                                    + rs.getString(4) + " (audit_conflict)");
                }
            }
        }
        return null;
    }

    /** What is wrong with one row, given the hash the previous row ended with; null if nothing. */
    private String problemOf(AuditRecord r, String prevHash) {
        String recomputed = chain.hash(r);
        boolean signatureOk = trust.problem(
                        r.signer, EnumSet.of(SignerRole.JOB), AuditChain.recordMessage(r.signer, r.hash), r.signature)
                == null;
        if (!AuditChain.same(recomputed, r.hash)) {
            long chainedAt = chainedSequence(r);
            if (chainedAt >= 0 && signatureOk) {
                return "holds the record chained at sequence " + chainedAt + ": rows were swapped or moved";
            }
            return signatureOk
                    ? "edited: its fields no longer hash to its stored hash"
                    : "edited or forged: neither its hash nor its signature matches its content";
        }
        String forged = AuditChain.signatureProblem(trust, r);
        if (forged != null) {
            return forged + " (inserted or re-signed by someone without the tenant job's key, or copied from "
                    + "another tenant)";
        }
        String retired = keyOrder(r.signer, false);
        if (retired == null && !r.submitter.isEmpty()) {
            retired = keyOrder(r.submitter, true);
        }
        if (retired != null) {
            return "forged: " + retired;
        }
        if (!AuditChain.same(prevHash, r.prevHash)) {
            return "does not link to the previous row: its prev_hash differs from the hash of sequence "
                    + (r.sequence - 1) + " (a row was replaced or removed)";
        }
        signedAsJob(r.signer, r.sequence);
        if (!r.submitter.isEmpty()) {
            AuditTrust.TrustedKey submitter = trust.key(r.submitter).orElseThrow();
            if (submitter.role() == SignerRole.JOB) {
                // A job key rotation is submitted under the old job key, authenticated like every job key.
                signedAsJob(r.submitter, r.sequence);
            } else if (!authentic(r.submitter)) {
                // The trust file lists it, the chainer may have chained it, but no pin or signed rotation vouches.
                return "forged submission: its submitter " + policy.pins().whyNot(tenantId, submitter)
                        + (fromGenesis ? "" : " (or that rotation was purged: then pin it)")
                        + " (a key added to the trust file by someone who can write it)";
            }
        }
        // A rotation introduces its new key only when the key it replaced signed it.
        if (r.action == AuditAction.SIGNING_KEY_ROTATED
                && r.outcome == AuditOutcome.SUCCESS
                && trust.key(r.recordKey)
                        .map(k -> k.previous().equals(r.submitter))
                        .orElse(false)) {
            if (trust.key(r.recordKey).orElseThrow().role() != SignerRole.JOB) {
                introduced.add(r.recordKey);
            }
            // Authentic only by its authenticated predecessor of the same role, and only the public key it names.
            if (authentic(r.submitter)) {
                KeyPins.introducedBy(trust, r).ifPresent(fresh -> {
                    introduced.add(fresh.keyId());
                    authenticKeys.add(fresh.keyId());
                    unauthenticatedJobKeys.remove(fresh.keyId());
                });
            }
        }
        return null;
    }

    /**
     * Why the chain may not start at {@code anchor} although rows from {@code expected} on are
     * missing, or null when it may: the job's key signed it and the rows it lets go are older than
     * the retention at the policy's clock.
     */
    private String refusedStart(StoredAnchor anchor, long expected) {
        String missing = "missing: sequence " + expected
                + (anchor.firstSequence() - expected > 1 ? ".." + (anchor.firstSequence() - 1) : "")
                + " is not in the table";
        if (!anchor.byJob(trust)) {
            return missing + ", and the anchor at " + anchor.firstSequence() + " is signed by " + anchor.signer()
                    + ", not by the tenant job's key: only a job day anchor may start the chain (a cut made with"
                    + " a command's key, or by a purge of an older release)";
        }
        Instant now = policy.clock().instant();
        if (!anchor.cutsOnlyRowsOlderThan(policy.retention(), now)) {
            return missing + ": rows deleted inside retention_days (" + policy.retentionDays() + "); the job's day"
                    + " anchor at " + anchor.firstSequence() + " lets rows go only once they are older than that, and"
                    + " the row before it was chained at " + anchor.newestCutRow() + ", retained until "
                    + anchor.newestCutRow().plus(policy.retention());
        }
        return null;
    }

    /** Whether {@code keyId} is a key authenticated by its role's pin or by a chained rotation. */
    private boolean authentic(String keyId) {
        if (authenticKeys.contains(keyId)) {
            return true;
        }
        AuditTrust.TrustedKey key = trust.key(keyId).orElse(null);
        if (key == null) {
            return false;
        }
        boolean root = policy.pins().root(trust, key);
        if (root) {
            authenticKeys.add(keyId);
        }
        return root;
    }

    /** Notes that a job key signed at {@code sequence}: it must be authenticated by the end of the walk. */
    private void signedAsJob(String keyId, long sequence) {
        AuditTrust.TrustedKey key = trust.key(keyId).orElse(null);
        if (key == null || key.role() != SignerRole.JOB || !authentic(keyId)) {
            unauthenticatedJobKeys.putIfAbsent(keyId, sequence);
        }
    }

    /** The first sequence signed by a job key nothing authenticated, or null when there is none. */
    private Verdict unauthenticatedJobKey(long count, long firstSequence) {
        return unauthenticatedJobKeys.entrySet().stream()
                .min(Map.Entry.comparingByValue())
                .map(e -> {
                    String fingerprint = trust.key(e.getKey())
                            .map(AuditTrust.TrustedKey::fingerprint)
                            .orElse("?");
                    return bad(
                            count,
                            firstSequence,
                            e.getValue(),
                            "signed by job key " + e.getKey() + " (" + fingerprint + " in the trust file), which "
                                    + (policy.pinnedJobKeys().isEmpty()
                                            ? "does not start the trust file's job keys"
                                            : "is not the pinned job key")
                                    + " and which no chained SIGNING_KEY_ROTATED record, submitted under the job key"
                                    + " it replaced, introduces: the trust file's key is not the job's (replaced"
                                    + " trust file), or the rotation that introduced it was purged (then pin it)");
                })
                .orElse(null);
    }

    /**
     * Why a trusted key may not sign here, or null: a key whose successor has signed already, or
     * (for a submitter, whose rotation record is on the audit topic before any line it signs) a
     * replacement key not yet introduced by a chained rotation. The job's own replacement key is
     * exempt from the second: a job restarted with it chains its start before it reads the
     * rotation record. Notes the key as in use.
     */
    private String keyOrder(String keyId, boolean mustBeIntroduced) {
        AuditTrust.TrustedKey key = trust.key(keyId).orElseThrow();
        if (mustBeIntroduced && fromGenesis && !key.previous().isEmpty() && !introduced.contains(keyId)) {
            return "it is signed by key " + keyId + ", which no earlier SIGNING_KEY_ROTATED record in the chain "
                    + "introduced";
        }
        Map<SignerRole, Integer> newestInUse = mustBeIntroduced ? newestSubmitter : newestSigner;
        int version = version(keyId);
        int newest = newestInUse.getOrDefault(key.role(), 0);
        if (version < newest) {
            return "it is signed by key " + keyId + " after its successor v" + newest + " had signed: a retired key";
        }
        newestInUse.put(key.role(), version);
        return null;
    }

    private static int version(String keyId) {
        int at = keyId.lastIndexOf("/v");
        try {
            return at < 0 ? 0 : Integer.parseInt(keyId.substring(at + 2));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The nearby sequence at which this row's content was chained, or -1: tells a swap from an edit. */
    private long chainedSequence(AuditRecord r) {
        long at = r.sequence;
        try {
            for (long s = Math.max(1, at - SWAP_WINDOW); s <= at + SWAP_WINDOW; s++) {
                r.sequence = s;
                if (s != at && AuditChain.same(chain.hash(r), r.hash)) {
                    return s;
                }
            }
            return -1;
        } finally {
            r.sequence = at;
        }
    }

    /** One audit_log row as the record it was chained from, normalised as it was hashed. */
    public static AuditRecord read(ResultSet rs) throws SQLException {
        AuditRecord r = new AuditRecord();
        r.tenantId = rs.getString("tenant_id");
        r.sequence = rs.getLong("sequence");
        r.eventTime = millis(rs.getObject("event_time", LocalDateTime.class));
        r.chainedAt = millis(rs.getObject("chained_at", LocalDateTime.class));
        r.recordId = rs.getString("record_id");
        r.action = parse(AuditAction.class, rs.getString("action"));
        r.outcome = parse(AuditOutcome.class, rs.getString("outcome"));
        r.reason = rs.getString("reason");
        r.detail = rs.getString("detail");
        r.jobName = rs.getString("job_name");
        r.operator = rs.getString("operator");
        r.subtask = rs.getInt("subtask");
        r.host = rs.getString("host");
        r.sourceTopic = rs.getString("source_topic");
        r.sourcePartition = rs.getInt("source_partition");
        r.sourceOffset = rs.getLong("source_offset");
        r.recordKey = rs.getString("record_key");
        r.principal = rs.getString("principal");
        r.classification = rs.getString("classification");
        r.fedramp = rs.getBoolean("fedramp");
        r.dora = rs.getBoolean("dora");
        r.piiInvolved = rs.getBoolean("pii_involved");
        r.sinkTable = rs.getString("sink_table");
        r.rowCount = rs.getLong("row_count");
        r.firstOffset = rs.getLong("first_offset");
        r.lastOffset = rs.getLong("last_offset");
        r.checkpointId = rs.getLong("checkpoint_id");
        r.prevHash = rs.getString("prev_hash");
        r.hash = rs.getString("hash");
        r.submissionId = rs.getString("submission_id");
        r.submitter = rs.getString("submitter");
        r.submitterSignature = rs.getString("submitter_signature");
        r.signer = rs.getString("signer");
        r.signature = rs.getString("signature");
        AuditChain.normalize(r);
        return r;
    }

    /** An action or outcome nobody wrote hashes as its raw text, so the edit shows as a hash mismatch. */
    private static <E extends Enum<E>> E parse(Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    static long millis(LocalDateTime utc) {
        return utc == null ? 0 : utc.toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private Verdict bad(long records, long first, long sequence, String problem) {
        return new Verdict(false, records, first, -1, "", -1, sequence, problem);
    }
}
