package io.enclave.operators.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Chains a tenant's audit records: each gets the next per-tenant sequence number, the previous
 * record's hash, its own hash over {@link AuditChain#canonical} and an Ed25519 signature of that
 * hash by the tenant job's own signing key, which no command or ingest job holds. Runs keyed by
 * tenant, with parallelism 1, since a chain is sequential.
 *
 * <p>A record submitted from outside the job carries a unique submission id; the chainer keeps
 * the ids it chained in keyed state, so a line replayed onto the audit topic is chained once and
 * the replay becomes a RECORD_REJECTED record naming the id and where it was first chained. An id
 * is kept only for {@link #SUBMISSION_WINDOW} after the time its submission carries (signed by
 * its submitter); an older submission is refused as stale, so the ids kept stay bounded.
 *
 * <p>A submitter's key must be authentic, not merely in the trust file (which whoever runs
 * {@code keys} commands writes): the role's pinned first key ({@link KeyPins}), or a key a
 * chained SIGNING_KEY_ROTATED record introduced that its authentic predecessor of the same role
 * signed. The keys introduced so far are in keyed state, and a job started without it reads the
 * stored rotations again ({@link ChainOrigin#storedRotations}). A submission under any other key
 * becomes a RECORD_REJECTED record (reason {@link AuditSubmission#FORGED}) naming the key.
 *
 * <p>Records are chained on arrival but emitted like a write-ahead log: they wait in keyed
 * state and go downstream only once the checkpoint that sealed them has completed. After a
 * restore, whatever the restored state still holds is emitted again, byte for byte the same,
 * so the append-only audit table skips it as a replay; records chained after that checkpoint
 * never reached the table, so their replay cannot collide with anything. A restore from state
 * older than the table's tail (an old savepoint) continues after the tail instead, see
 * {@link #continueAfterNewerStoredTail}. A SINK_FLUSH summary therefore only reaches the table once the flush it
 * describes has succeeded.
 *
 * <p>At each checkpoint it chains a CHECKPOINT record (the signed head at that point), and once
 * a checkpoint completes it publishes an {@link AuditHead} on {@code headTag} for the rows
 * the sinks have flushed by then, so {@code audit verify} can detect a truncated tail.
 *
 * <p>Each record is stamped with the time it is chained ({@link AuditRecord#chainedAt}, from
 * {@link ChainClock}, never decreasing), by which {@code audit_log} is partitioned by day. The
 * first record chained on a new UTC day gets a signed {@link DayAnchor} on {@code anchorTag},
 * emitted with that record, so when retention drops the older days' partitions the chain still
 * verifies from the anchor.
 */
public class AuditChainer extends AbstractStreamOperator<AuditRecord>
        implements OneInputStreamOperator<AuditRecord, AuditRecord>, Triggerable<String, String> {
    private static final long serialVersionUID = 1L;
    /**
     * How long after the time it carries a submission is still chained, and so how long its id
     * is kept to refuse a replay. A day covers a command run while the job is down for a day's
     * maintenance or a broker outage; beyond it a submission is refused as stale, so the ids
     * kept are at most a day's submissions instead of every one since the job first ran.
     */
    static final Duration SUBMISSION_WINDOW = Duration.ofHours(24);
    /** How far back a job started without state looks for records it would otherwise chain again. */
    static final int RECENT_IDS = 50_000;

    private static final long DAY_MILLIS = 86_400_000L;

    private final AuditContext audit;
    private final AuditSignerFactory signerFactory;
    private final AuditTrust.Source trust;
    private final OutputTag<AuditHead> headTag;
    private final String operatorName;
    private final ChainOrigin origin;
    private final OutputTag<DayAnchor> anchorTag;
    private final ChainClock clock;
    private final KeyPins pins;

    private transient AuditChain chain;
    /**
     * Fingerprint -> the sequence of the rotation that introduced it: submitter keys authentic beyond their pin. By
     * fingerprint, not key id: whoever writes the trust file could otherwise put their own public key under the id.
     */
    private transient MapState<String, Long> introducedKeys;
    /** The trust as last read; read again when it lacks a key a submission or rotation names. */
    private transient AuditTrust currentTrust;

    private transient Counter unauthentic;
    private transient AuditSigner signer;
    /** Submission id -> the sequence it was chained at: each is chained once, a second line is a replay. */
    private transient MapState<String, Long> submissions;
    /** One processing-time timer per kept id (its namespace) at the end of its window, which forgets the id. */
    private transient InternalTimerService<String> submissionExpiry;

    private transient Counter replays;
    private transient Counter stale;
    /** The last record chained. */
    private transient ValueState<ChainTip> tip;
    /** The last record emitted downstream. */
    private transient ValueState<ChainTip> emitted;
    /** Sequence of the last CHECKPOINT record, so each one can say how many records it closes. */
    private transient ValueState<Long> lastCheckpointSequence;
    /** The checkpoint the last CHECKPOINT record belongs to: after a restore, the one restored from. */
    private transient ValueState<Long> lastCheckpointId;
    /** Chained records not yet emitted, in sequence order. */
    private transient ListState<AuditRecord> pending;
    /** Checkpoint id -> the last record chained before its barrier: emitted once it completes. */
    private transient MapState<Long, ChainTip> sealedAt;
    /** Checkpoint id -> the last record emitted before its barrier: flushed by the sinks once it completes. */
    private transient MapState<Long, ChainTip> flushedAt;

    private transient Counter chained;
    private transient Counter duplicates;
    private transient boolean restored;
    private transient long publishedHead;
    private transient boolean finished;
    private transient int subtask;
    /** Ids already in the table when the job started without state: re-read inputs are not chained twice. */
    private transient Set<String> storedIds;
    /** When the last record was chained: chain time never goes back, and a new UTC day is cut with an anchor. */
    private transient ValueState<Long> lastChainedAt;
    /** First sequence of a day -> its anchor, emitted together with that record. */
    private transient MapState<Long, DayAnchor> dayAnchors;

    public AuditChainer(
            AuditContext audit,
            AuditSignerFactory signer,
            AuditTrust.Source trust,
            OutputTag<AuditHead> headTag,
            String operatorName,
            ChainOrigin origin) {
        this(audit, signer, trust, headTag, null, operatorName, origin, ChainClock.system());
    }

    /** With day anchors on {@code anchorTag} (null for none) and the clock that stamps the chaining time. */
    public AuditChainer(
            AuditContext audit,
            AuditSignerFactory signer,
            AuditTrust.Source trust,
            OutputTag<AuditHead> headTag,
            OutputTag<DayAnchor> anchorTag,
            String operatorName,
            ChainOrigin origin,
            ChainClock clock) {
        this(audit, signer, trust, headTag, anchorTag, operatorName, origin, clock, KeyPins.none());
    }

    /** With the submitter keys the tenant's auditor pinned: only they and the keys their rotations introduce submit. */
    public AuditChainer(
            AuditContext audit,
            AuditSignerFactory signer,
            AuditTrust.Source trust,
            OutputTag<AuditHead> headTag,
            OutputTag<DayAnchor> anchorTag,
            String operatorName,
            ChainOrigin origin,
            ChainClock clock,
            KeyPins pins) {
        this.pins = pins;
        this.audit = audit;
        this.anchorTag = anchorTag;
        this.clock = clock;
        this.signerFactory = signer;
        this.trust = trust;
        this.headTag = headTag;
        this.operatorName = operatorName;
        this.origin = origin;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks() != 1) {
            throw new IllegalStateException(
                    "a tenant's audit chain is sequential: run " + operatorName + " with parallelism 1");
        }
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        chain = new AuditChain();
        signer = signerFactory.open();
        if (signer.role() != SignerRole.JOB || !signer.keyId().startsWith(audit.tenantId() + "/")) {
            throw new IllegalStateException(operatorName + " was given the signing key " + signer.keyId()
                    + ", not a job key of tenant " + audit.tenantId());
        }
        TypeInformation<ChainTip> tipType = TypeInformation.of(ChainTip.class);
        tip = getRuntimeContext().getState(new ValueStateDescriptor<>("chain-tip", tipType));
        emitted = getRuntimeContext().getState(new ValueStateDescriptor<>("chain-emitted", tipType));
        lastCheckpointSequence =
                getRuntimeContext().getState(new ValueStateDescriptor<>("chain-last-checkpoint", Types.LONG));
        lastCheckpointId = getRuntimeContext().getState(new ValueStateDescriptor<>("chain-checkpoint-id", Types.LONG));
        pending = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("chain-pending", TypeInformation.of(AuditRecord.class)));
        sealedAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("chain-sealed-at", Types.LONG, tipType));
        flushedAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("chain-flushed-at", Types.LONG, tipType));
        submissions = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("chain-submissions", Types.STRING, Types.LONG));
        lastChainedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("chain-last-chained-at", Types.LONG));
        dayAnchors = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("chain-day-anchors", Types.LONG, TypeInformation.of(DayAnchor.class)));
        introducedKeys = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("chain-introduced-key-fingerprints", Types.STRING, Types.LONG));
        submissionExpiry = getInternalTimerService("chain-submission-expiry", StringSerializer.INSTANCE, this);
        chained = getMetricGroup().addGroup("tenant", audit.tenantId()).counter("audit_records");
        duplicates = getMetricGroup().addGroup("tenant", audit.tenantId()).counter("audit_records_already_stored");
        replays = getMetricGroup().addGroup("tenant", audit.tenantId()).counter("audit_submissions_replayed");
        stale = getMetricGroup().addGroup("tenant", audit.tenantId()).counter("audit_submissions_stale");
        unauthentic = getMetricGroup().addGroup("tenant", audit.tenantId()).counter("audit_submissions_unauthentic");

        setCurrentKey(audit.tenantId());
        AuditRecord start = audit.newRecord(AuditAction.JOB_START, AuditOutcome.SUCCESS, operatorName, subtask);
        Long from = lastCheckpointId.value();
        AuditRecord behind = null;
        if (restored && from != null) {
            start.checkpointId = from;
            start.detail = "job restored from checkpoint " + from;
            behind = continueAfterNewerStoredTail(from);
        } else if (restored && tip.value() != null) {
            // A drained stop-with-savepoint (quarantine) before the job's first checkpoint: the chainer had
            // finished, so that savepoint carries its chain but no CHECKPOINT record.
            start.detail = "job restored from a savepoint taken before its first checkpoint; chain continues after"
                    + " sequence " + tip.value().sequence;
            behind = continueAfterNewerStoredTail(0);
        } else {
            start.detail = continueStoredChain();
        }
        append(start);
        if (behind != null) {
            append(behind);
        }
    }

    /**
     * A job resumed from a savepoint or checkpoint older than the stored tail (S1 after S2 was
     * taken) must not chain over the rows written since: its chain continues after the stored
     * tail, once that row verifies, and the returned RESTORED_FROM_OLDER_STATE record names both
     * positions. Inputs re-read from the older offsets that were audited already are not chained
     * again. Null when the restored state is not behind the table.
     */
    private AuditRecord continueAfterNewerStoredTail(long checkpointId) throws Exception {
        ChainTip state = current(tip);
        Optional<AuditRecord> last = origin.lastStored(audit.tenantId());
        if (last.isEmpty() || last.get().sequence <= state.sequence) {
            return null;
        }
        AuditRecord row = verifiedStoredTail(last.get());
        continueAfter(row);
        AuditRecord event =
                audit.newRecord(AuditAction.RESTORED_FROM_OLDER_STATE, AuditOutcome.SUCCESS, operatorName, subtask);
        event.checkpointId = checkpointId;
        event.rowCount = row.sequence - state.sequence;
        event.detail = "restored state of checkpoint " + checkpointId + " ends at sequence " + state.sequence
                + " but the stored chain at sequence " + row.sequence + " (hash " + row.hash + "); the chain continues"
                + " after " + row.sequence + " and keeps the " + event.rowCount + " rows written since the state";
        return event;
    }

    /** The stored tail, checked: this tenant's, hashing to its hash and signed under its public keys. */
    private AuditRecord verifiedStoredTail(AuditRecord row) {
        AuditChain.normalize(row);
        if (!audit.tenantId().equals(row.tenantId)
                || !AuditChain.same(chain.hash(row), row.hash)
                || AuditChain.signatureProblem(trust.load(), row) != null) {
            throw new IllegalStateException("the last stored audit record of tenant " + audit.tenantId()
                    + " (sequence " + row.sequence + ") does not verify under its public keys, so " + operatorName
                    + " will not continue that chain: run `enclave audit verify --tenant " + audit.tenantId() + "`");
        }
        return row;
    }

    /** Makes the stored row the tip: the next record chains after it, and ids stored recently are not chained again. */
    private void continueAfter(AuditRecord row) throws Exception {
        storedIds = origin.recentRecordIds(audit.tenantId(), RECENT_IDS);
        introduceStoredRotations();
        ChainTip stored = new ChainTip(row.sequence, row.hash);
        tip.update(stored);
        emitted.update(stored);
        lastCheckpointSequence.update(row.sequence);
        lastChainedAt.update(row.chainedAt);
        publishedHead = row.sequence;
    }

    /**
     * Without checkpoint state the chain goes on from the table's last row, once that row
     * verifies: a job never starts a second chain over the first, nor continues a forged tail.
     */
    private String continueStoredChain() throws Exception {
        if (tip.value() != null) {
            return "job started with checkpoint state but no checkpoint record; chain continues after sequence "
                    + tip.value().sequence;
        }
        Optional<AuditRecord> last = origin.lastStored(audit.tenantId());
        if (last.isEmpty()) {
            return "job started with an empty audit chain state";
        }
        AuditRecord row = verifiedStoredTail(last.get());
        continueAfter(row);
        return "job started without checkpoint state; the chain continues after stored sequence " + row.sequence;
    }

    /**
     * The keys the stored chain's rotations introduced, for a job whose state does not know them
     * (started without state, or from state older than the table): each rotation row counts only
     * if it verifies (its hash and its job signature) and its submitter is authentic by then.
     */
    private void introduceStoredRotations() throws Exception {
        for (AuditRecord row : origin.storedRotations(audit.tenantId())) {
            AuditChain.normalize(row);
            if (audit.tenantId().equals(row.tenantId)
                    && AuditChain.same(chain.hash(row), row.hash)
                    && AuditChain.signatureProblem(trust(row.recordKey), row) == null
                    && unauthenticSubmitter(row) == null) {
                introduce(row);
            }
        }
    }

    /** The trust, read again when it does not hold {@code keyId} (a key added by a rotation since). */
    private AuditTrust trust(String keyId) {
        if (currentTrust == null || !currentTrust.holds(keyId)) {
            currentTrust = trust.load();
        }
        return currentTrust;
    }

    /**
     * Why the key that submitted {@code submitted} is not authentic, or null when it is: the public key its submission
     * signature verifies under (the trust file read again if the one held does not) is pinned, or was introduced by
     * a chained rotation.
     */
    private String unauthenticSubmitter(AuditRecord submitted) throws Exception {
        String keyId = submitted.submitter;
        if (keyId == null || keyId.isEmpty()) {
            return null;
        }
        AuditTrust current = trust(keyId);
        if (submissionProblem(current, submitted) != null) {
            // The file may have changed since it was read (the intake verified this line under the file it read).
            currentTrust = trust.load();
            current = currentTrust;
        }
        Optional<AuditTrust.TrustedKey> key = current.key(keyId);
        if (key.isEmpty()) {
            return "key " + keyId + " is not in the trust file of tenant " + audit.tenantId();
        }
        String problem = submissionProblem(current, submitted);
        if (problem != null) {
            return "its submission signature does not verify under the trust file's key " + keyId + ": " + problem;
        }
        if (introducedKeys.contains(key.get().fingerprint())) {
            return null;
        }
        return pins.root(current, key.get()) ? null : pins.whyNot(audit.tenantId(), key.get());
    }

    private static String submissionProblem(AuditTrust trust, AuditRecord r) {
        return trust.problem(
                r.submitter,
                AuditChain.submitters(r.action),
                AuditChain.submissionMessage(r, r.submitter),
                r.submitterSignature);
    }

    /** Notes the key a chained rotation introduces; its submitter was found authentic before it was chained. */
    private void introduce(AuditRecord chainedRotation) throws Exception {
        Optional<AuditTrust.TrustedKey> fresh = KeyPins.introducedBy(trust(chainedRotation.recordKey), chainedRotation);
        if (fresh.isPresent()) {
            introducedKeys.put(fresh.get().fingerprint(), chainedRotation.sequence);
        }
    }

    @Override
    public void processElement(StreamRecord<AuditRecord> element) throws Exception {
        AuditRecord record = element.getValue();
        if (!audit.tenantId().equals(record.tenantId)) {
            // Only a bug upstream can get here; another tenant's record must never enter this chain.
            throw new IllegalStateException(
                    "audit record of tenant '" + record.tenantId + "' reached the chain of '" + audit.tenantId() + "'");
        }
        if (storedIds != null && storedIds.contains(record.recordId)) {
            duplicates.inc();
            return;
        }
        String submission = record.submissionId;
        if (submission != null && !submission.isEmpty()) {
            // Its id is kept until then; after it, a replay could no longer be recognised, so it is refused.
            long expires = record.eventTime + SUBMISSION_WINDOW.toMillis();
            if (expires <= getProcessingTimeService().getCurrentProcessingTime()) {
                stale.inc();
                append(stale(record));
                return;
            }
            Long first = submissions.get(submission);
            if (first != null) {
                replays.inc();
                append(replay(record, first));
                return;
            }
            String notAuthentic = unauthenticSubmitter(record);
            if (notAuthentic != null) {
                unauthentic.inc();
                append(unauthentic(record, notAuthentic));
                return;
            }
            append(record);
            introduce(record);
            submissions.put(submission, record.sequence);
            submissionExpiry.registerProcessingTimeTimer(submission, expires);
            return;
        }
        append(record);
    }

    /** The submission's window has passed: its id is forgotten, and a line carrying it is refused as stale. */
    @Override
    public void onProcessingTime(InternalTimer<String, String> timer) throws Exception {
        submissions.remove(timer.getNamespace());
    }

    @Override
    public void onEventTime(InternalTimer<String, String> timer) {
        // The chainer registers processing-time timers only.
    }

    /** Whether the id of a chained submission is still kept; for tests. */
    boolean remembersSubmission(String submissionId) throws Exception {
        setCurrentKey(audit.tenantId());
        return submissions.contains(submissionId);
    }

    /** The record of a submission older than the window: which one, by which key, and how old. */
    private AuditRecord stale(AuditRecord submitted) {
        AuditRecord r = audit.newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, operatorName, subtask);
        r.reason = AuditSubmission.STALE;
        r.detail = "stale audit submission " + submitted.submissionId + " (submitted by " + submitted.submitter
                + ") refused: its time " + Instant.ofEpochMilli(submitted.eventTime) + " is more than "
                + SUBMISSION_WINDOW.toHours() + " h old";
        r.sourceTopic = submitted.sourceTopic;
        r.recordKey = submitted.submissionId;
        r.recordId = "";
        return r;
    }

    /** The record of a submission signed under a key the trust file holds but nothing authenticates. */
    private AuditRecord unauthentic(AuditRecord submitted, String why) {
        AuditRecord r = audit.newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, operatorName, subtask);
        r.reason = AuditSubmission.FORGED;
        r.detail = "audit submission " + submitted.submissionId + " (" + submitted.action + ", submitted by "
                + submitted.submitter + ") refused: " + why;
        r.sourceTopic = submitted.sourceTopic;
        r.recordKey = submitted.submissionId;
        r.recordId = "";
        return r;
    }

    /** The record of a refused replay: which submission, signed by which key, first chained where. */
    private AuditRecord replay(AuditRecord replayed, long firstSequence) {
        AuditRecord r = audit.newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, operatorName, subtask);
        r.reason = AuditSubmission.REPLAYED;
        r.detail = "replayed audit submission " + replayed.submissionId + " (submitted by " + replayed.submitter
                + ") refused: it was chained at sequence " + firstSequence;
        r.sourceTopic = replayed.sourceTopic;
        r.recordKey = replayed.submissionId;
        // Left empty, so the chainer identifies it by its place in the chain: each replay is its own event.
        r.recordId = "";
        return r;
    }

    /** Links the record to the chain and parks it until its checkpoint completes. */
    private void append(AuditRecord record) throws Exception {
        ChainTip last = current(tip);
        long sequence = last.sequence + 1;
        if (record.recordId == null || record.recordId.isEmpty()) {
            // Records the chainer makes itself are identified by their place in the chain.
            record.recordId =
                    AuditRecord.deterministicId(audit.tenantId(), record.action, "chain", 0, sequence, operatorName);
        }
        Long before = lastChainedAt.value();
        record.chainedAt = Math.max(clock.millis(), before == null ? 0 : before);
        chain.link(record, sequence, last.hash, signer);
        lastChainedAt.update(record.chainedAt);
        if (anchorTag != null
                && before != null
                && sequence > 1
                && Math.floorDiv(record.chainedAt, DAY_MILLIS) > Math.floorDiv(before, DAY_MILLIS)) {
            dayAnchors.put(record.sequence, DayAnchor.before(record, before, signer));
        }
        tip.update(new ChainTip(record.sequence, record.hash));
        pending.add(record);
        chained.inc();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (finished) {
            return;
        }
        setCurrentKey(audit.tenantId());
        Long previous = lastCheckpointSequence.value();
        AuditRecord summary = audit.newRecord(AuditAction.CHECKPOINT, AuditOutcome.SUCCESS, operatorName, subtask);
        summary.checkpointId = checkpointId;
        summary.rowCount = current(tip).sequence - (previous == null ? 0 : previous);
        // Identified by its place in the chain, as checkpoint ids start again in a job submitted without state.
        summary.recordId = "";
        summary.detail = "checkpoint " + checkpointId + " closes " + summary.rowCount + " audit records";
        append(summary);
        lastCheckpointSequence.update(summary.sequence);
        lastCheckpointId.update(checkpointId);
        sealedAt.put(checkpointId, current(tip));
        flushedAt.put(checkpointId, current(emitted));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        if (finished) {
            return;
        }
        setCurrentKey(audit.tenantId());
        // What was emitted before this checkpoint's barrier has now been flushed by every sink.
        ChainTip flushed = removeThrough(flushedAt, checkpointId);
        if (flushed != null) {
            publishHead(flushed, checkpointId);
        }
        ChainTip sealed = removeThrough(sealedAt, checkpointId);
        if (sealed != null) {
            emitThrough(sealed.sequence);
        }
    }

    @Override
    public void finish() throws Exception {
        setCurrentKey(audit.tenantId());
        AuditRecord stop = audit.newRecord(AuditAction.JOB_STOP, AuditOutcome.SUCCESS, operatorName, subtask);
        stop.detail = "input ended or the job was stopped with drain";
        append(stop);
        // No checkpoint will complete after this, and the sinks flush at end of input.
        emitThrough(stop.sequence);
        publishHead(current(emitted), -1L);
        finished = true;
        super.finish();
    }

    private void emitThrough(long sequence) throws Exception {
        List<AuditRecord> keep = new ArrayList<>();
        ChainTip last = null;
        for (AuditRecord r : pending.get()) {
            if (r.sequence <= sequence) {
                output.collect(new StreamRecord<>(r));
                DayAnchor anchor = dayAnchors.get(r.sequence);
                if (anchor != null) {
                    output.collect(anchorTag, new StreamRecord<>(anchor));
                    dayAnchors.remove(r.sequence);
                }
                last = new ChainTip(r.sequence, r.hash);
            } else {
                keep.add(r);
            }
        }
        pending.update(keep);
        if (last != null) {
            emitted.update(last);
        }
    }

    private void publishHead(ChainTip head, long checkpointId) {
        if (head.sequence <= publishedHead) {
            return;
        }
        AuditHead h = new AuditHead();
        h.tenantId = audit.tenantId();
        h.sequence = head.sequence;
        h.headHash = head.hash;
        h.checkpointId = checkpointId;
        h.writtenAt = System.currentTimeMillis();
        h.signer = signer.keyId();
        h.signature = signer.sign(AuditChain.headMessage(h.signer, h.tenantId, h.sequence, h.headHash, h.checkpointId));
        output.collect(headTag, new StreamRecord<>(h));
        publishedHead = head.sequence;
    }

    /** Removes every entry up to {@code checkpointId} and returns the newest of them. */
    private static ChainTip removeThrough(MapState<Long, ChainTip> marks, long checkpointId) throws Exception {
        ChainTip newest = null;
        long newestId = Long.MIN_VALUE;
        Iterator<Map.Entry<Long, ChainTip>> it = marks.iterator();
        while (it.hasNext()) {
            Map.Entry<Long, ChainTip> e = it.next();
            if (e.getKey() <= checkpointId) {
                if (e.getKey() > newestId) {
                    newestId = e.getKey();
                    newest = e.getValue();
                }
                it.remove();
            }
        }
        return newest;
    }

    private static ChainTip current(ValueState<ChainTip> state) throws Exception {
        ChainTip t = state.value();
        return t == null ? ChainTip.genesis() : t;
    }
}
