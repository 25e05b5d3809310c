package io.enclave.operators.audit;

import static io.enclave.operators.Fixtures.OTHER_TENANT;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.auditContext;
import static io.enclave.operators.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chainer on Flink's keyed operator harness: sequence, links, signatures, replays, write-ahead emission, restore. */
class AuditChainerTest {
    private static final OutputTag<AuditHead> HEAD = new OutputTag<>("audit-head", TypeInformation.of(AuditHead.class));
    private static final String SEED = "chainer-test";
    private static final AuditTrust TRUST = FixedSigners.trust(TENANT, SEED);

    private final List<KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord>> harnesses =
            new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        return harness(restoreFrom, ChainOrigin.none());
    }

    private KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> harness(
            OperatorSubtaskState restoreFrom, ChainOrigin origin) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new AuditChainer(
                        auditContext(),
                        FixedSigners.factory(TENANT, SignerRole.JOB, SEED),
                        TRUST.asSource(),
                        HEAD,
                        "chain[" + TENANT + "]",
                        origin),
                new AuditTenantKey(),
                Types.STRING);
        harnesses.add(h);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static AuditRecord rejected(long offset) {
        AuditRecord r = auditContext().newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, "guard[x]", 0);
        r.reason = "state_not_allowed";
        r.detail = null; // normalised to "" so it hashes as the database stores it
        r.sourceTopic = "tenant_colorado_state_disasters";
        r.sourceOffset = offset;
        r.recordId = AuditRecord.deterministicId(TENANT, r.action, r.sourceTopic, 0, offset, r.reason);
        return r;
    }

    private static void checkpoint(KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> h, long id)
            throws Exception {
        h.prepareSnapshotPreBarrier(id);
        h.snapshot(id, id);
        h.notifyOfCompletedCheckpoint(id);
    }

    /** Re-verifies an emitted chain the way {@code audit verify} does. */
    private static void assertValidChain(List<AuditRecord> records, long firstSequence, String prevHash) {
        AuditChain chain = new AuditChain();
        long expected = firstSequence;
        String prev = prevHash;
        for (AuditRecord r : records) {
            assertThat(r.sequence).as("sequence").isEqualTo(expected);
            assertThat(r.prevHash).as("prev hash of #%d", r.sequence).isEqualTo(prev);
            assertThat(chain.hash(r)).as("hash of #%d", r.sequence).isEqualTo(r.hash);
            assertThat(r.signer).as("signer of #%d", r.sequence).isEqualTo(TENANT + "/job/v1");
            assertThat(AuditChain.signatureProblem(TRUST, r))
                    .as("signature of #%d", r.sequence)
                    .isNull();
            expected++;
            prev = r.hash;
        }
    }

    @Test
    void recordsAreChainedInArrivalOrderAndEmittedOnlyOnceTheirCheckpointCompletes() throws Exception {
        var h = harness(null);
        h.processElement(rejected(10), 1L);
        h.processElement(rejected(11), 2L);

        assertThat(h.extractOutputValues())
                .as("nothing leaves before a checkpoint completes")
                .isEmpty();

        h.prepareSnapshotPreBarrier(1);
        h.snapshot(1, 1);
        assertThat(h.extractOutputValues()).isEmpty();
        h.notifyOfCompletedCheckpoint(1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action)
                .containsExactly(
                        AuditAction.JOB_START,
                        AuditAction.RECORD_REJECTED,
                        AuditAction.RECORD_REJECTED,
                        AuditAction.CHECKPOINT);
        assertThat(out).extracting(r -> r.sourceOffset).containsExactly(-1L, 10L, 11L, -1L);
        assertValidChain(out, 1, AuditChain.GENESIS);
        assertThat(out.get(1).detail).isEmpty();
        assertThat(out.get(0).detail).isEqualTo("job started with an empty audit chain state");
        assertThat(out.get(3).checkpointId).isEqualTo(1L);
        assertThat(out.get(3).rowCount).as("records the checkpoint closes").isEqualTo(3L);
    }

    @Test
    void aJobStartedWithoutStateContinuesTheStoredChainAfterItsLastRow() throws Exception {
        var first = harness(null);
        first.processElement(rejected(1), 1L);
        checkpoint(first, 1);
        List<AuditRecord> stored = first.extractOutputValues();
        AuditRecord lastRow = stored.get(stored.size() - 1);

        var second = harness(null, tenant -> Optional.of(lastRow));
        second.processElement(rejected(2), 2L);
        checkpoint(second, 1);

        List<AuditRecord> continued = second.extractOutputValues();
        assertThat(continued.get(0).sequence).isEqualTo(lastRow.sequence + 1);
        assertThat(continued.get(0).detail)
                .isEqualTo("job started without checkpoint state; the chain continues after stored sequence "
                        + lastRow.sequence);
        List<AuditRecord> whole = new ArrayList<>(stored);
        whole.addAll(continued);
        assertValidChain(whole, 1, AuditChain.GENESIS);
        assertThat(values(second.getSideOutput(HEAD)))
                .allSatisfy(head -> assertThat(head.sequence)
                        .as("no head of the new run points into the old rows")
                        .isGreaterThan(lastRow.sequence));
    }

    @Test
    void aRecordReReadAfterAFreshStartIsNotChainedASecondTime() throws Exception {
        var first = harness(null);
        first.processElement(rejected(7), 1L);
        checkpoint(first, 1);
        List<AuditRecord> stored = first.extractOutputValues();
        AuditRecord lastRow = stored.get(stored.size() - 1);
        ChainOrigin table = new ChainOrigin() {
            @Override
            public Optional<AuditRecord> lastStored(String tenantId) {
                return Optional.of(lastRow);
            }

            @Override
            public java.util.Set<String> recentRecordIds(String tenantId, int limit) {
                return stored.stream().map(r -> r.recordId).collect(java.util.stream.Collectors.toSet());
            }
        };

        var second = harness(null, table);
        second.processElement(rejected(7), 2L);
        second.processElement(rejected(8), 3L);
        checkpoint(second, 1);

        assertThat(second.extractOutputValues())
                .extracting(r -> r.action + "@" + r.sourceOffset)
                .containsExactly("JOB_START@-1", "RECORD_REJECTED@8", "CHECKPOINT@-1");
    }

    @Test
    void itRefusesToContinueAStoredTailThatDoesNotVerify() throws Exception {
        var first = harness(null);
        checkpoint(first, 1);
        List<AuditRecord> stored = first.extractOutputValues();
        AuditRecord edited = stored.get(stored.size() - 1);
        edited.detail = "checkpoint 1 closes 0 audit records";

        assertThatThrownBy(() -> harness(null, tenant -> Optional.of(edited)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the last stored audit record of tenant colorado_state (sequence 2) does not verify "
                        + "under its public keys, so chain[colorado_state] will not continue that chain: "
                        + "run `enclave audit verify --tenant colorado_state`");
    }

    @Test
    void theHeadCoversOnlyWhatWasEmittedBeforeTheNextBarrier() throws Exception {
        var h = harness(null);
        h.processElement(rejected(1), 1L);
        checkpoint(h, 1);
        assertThat(values(h.getSideOutput(HEAD)))
                .as("rows of checkpoint 1 are not flushed yet")
                .isEmpty();

        h.processElement(rejected(2), 2L);
        checkpoint(h, 2);

        List<AuditRecord> out = h.extractOutputValues();
        List<AuditHead> heads = values(h.getSideOutput(HEAD));
        assertThat(heads).singleElement().satisfies(head -> {
            assertThat(head.sequence).as("JOB_START, rejection, CHECKPOINT 1").isEqualTo(3L);
            assertThat(head.headHash).isEqualTo(out.get(2).hash);
            assertThat(head.checkpointId).isEqualTo(2L);
            assertThat(TRUST.problem(
                            head.signer,
                            java.util.Set.of(SignerRole.JOB),
                            AuditChain.headMessage(head.signer, TENANT, 3L, out.get(2).hash, 2L),
                            head.signature))
                    .isNull();
        });
        assertValidChain(out, 1, AuditChain.GENESIS);
        assertThat(out).hasSize(5);
    }

    @Test
    void sequenceContinuesAfterRestoreAndTheRestoredTailIsReEmittedIdentically() throws Exception {
        var first = harness(null);
        first.processElement(rejected(1), 1L);
        checkpoint(first, 1);
        first.processElement(rejected(2), 2L);
        first.prepareSnapshotPreBarrier(2);
        OperatorSubtaskState snapshot = first.snapshot(2, 2);
        first.notifyOfCompletedCheckpoint(2);
        // Chained after checkpoint 2 and lost with the failure: never emitted, so never in the table.
        first.processElement(rejected(3), 3L);
        List<AuditRecord> beforeFailure = first.extractOutputValues();
        assertThat(beforeFailure).extracting(r -> r.sequence).containsExactly(1L, 2L, 3L, 4L, 5L);

        var second = harness(snapshot);
        second.processElement(rejected(3), 4L); // the replay from Kafka
        checkpoint(second, 3);

        List<AuditRecord> afterRestore = second.extractOutputValues();
        assertThat(afterRestore).extracting(r -> r.sequence).containsExactly(4L, 5L, 6L, 7L, 8L);
        // Records 4 and 5 were emitted before the failure; the restore re-emits them byte for byte.
        assertThat(afterRestore.subList(0, 2))
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(beforeFailure.subList(3, 5));
        assertThat(afterRestore.get(2).action).isEqualTo(AuditAction.JOB_START);
        assertThat(afterRestore.get(2).detail).isEqualTo("job restored from checkpoint 2");
        assertThat(afterRestore.get(3).sourceOffset).isEqualTo(3L);
        assertValidChain(afterRestore, 4, beforeFailure.get(2).hash);
        List<AuditRecord> all = new ArrayList<>(beforeFailure.subList(0, 3));
        all.addAll(afterRestore);
        assertThat(all).extracting(r -> r.recordId).doesNotHaveDuplicates();
    }

    @Test
    void finishingEmitsEverythingWithAJobStopAndItsHead() throws Exception {
        var h = harness(null);
        h.processElement(rejected(1), 1L);
        h.getOneInputOperator().finish();

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action)
                .containsExactly(AuditAction.JOB_START, AuditAction.RECORD_REJECTED, AuditAction.JOB_STOP);
        assertThat(values(h.getSideOutput(HEAD)))
                .singleElement()
                .satisfies(head -> assertThat(head.headHash).isEqualTo(out.get(2).hash));
    }

    @Test
    void aSavepointOfADrainedStopBeforeTheFirstCheckpointRestoresItsChain() throws Exception {
        var first = harness(null);
        first.processElement(rejected(1), 1L);
        first.getOneInputOperator().finish();
        // quarantine's stop-with-savepoint --drain: the final savepoint comes after finish(), before any checkpoint.
        first.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState savepoint = first.snapshot(1, 1);
        List<AuditRecord> stopped = first.extractOutputValues();

        var resumed = harness(savepoint);
        checkpoint(resumed, 2);
        resumed.notifyOfCompletedCheckpoint(2);

        AuditRecord start = resumed.extractOutputValues().stream()
                .filter(r -> r.action == AuditAction.JOB_START)
                .findFirst()
                .orElseThrow();
        assertThat(start.detail)
                .isEqualTo("job restored from a savepoint taken before its first checkpoint; chain continues after"
                        + " sequence " + stopped.get(stopped.size() - 1).sequence);
        assertThat(start.sequence).isEqualTo(stopped.get(stopped.size() - 1).sequence + 1);
        assertThat(start.prevHash).isEqualTo(stopped.get(stopped.size() - 1).hash);
    }

    @Test
    void anotherTenantsRecordNeverEntersTheChain() throws Exception {
        var h = harness(null);
        AuditRecord foreign = rejected(1);
        foreign.tenantId = OTHER_TENANT;

        assertThatThrownBy(() -> h.processElement(foreign, 1L)).hasMessageContaining("kansas_emergency");
    }

    @Test
    void anEditedFieldChangesTheHash() {
        AuditChain chain = new AuditChain();
        AuditRecord r = rejected(1);
        chain.link(r, 7, AuditChain.GENESIS, FixedSigners.signer(TENANT, SignerRole.JOB, SEED));
        String hash = r.hash;
        r.reason = "duplicate";

        assertThat(chain.hash(r)).isNotEqualTo(hash);
        AuditRecord cli = rejected(1);
        chain.link(cli, 7, AuditChain.GENESIS, FixedSigners.signer(TENANT, SignerRole.CLI, SEED));
        assertThat(AuditChain.signatureProblem(TRUST, cli))
                .as("a CLI key cannot sign as the job")
                .startsWith("forged: it is signed by key " + TENANT + "/cli/v1 of role cli");
    }

    private static AuditRecord submitted(String submissionId) {
        AuditRecord r = new AuditContext(TENANT, "enclave decrypt", "alice", true, true)
                .newRecord(AuditAction.DECRYPT, AuditOutcome.SUCCESS, "cli", 0);
        r.sourceTopic = "cli";
        r.recordId = AuditRecord.deterministicId(TENANT, r.action, "cli", 0, r.eventTime, submissionId);
        r.submissionId = submissionId;
        AuditChain.signSubmission(r, FixedSigners.signer(TENANT, SignerRole.CLI, SEED));
        return r;
    }

    /** A submission of {@code action} signed by {@code key}. */
    private static AuditRecord submittedBy(AuditAction action, AuditSigner key, String submissionId) {
        AuditRecord r = new AuditContext(TENANT, "enclave keys", "alice", true, true)
                .newRecord(action, AuditOutcome.SUCCESS, "cli", 0);
        r.sourceTopic = "cli";
        r.recordId = AuditRecord.deterministicId(TENANT, r.action, "cli", 0, r.eventTime, submissionId);
        r.submissionId = submissionId;
        return r;
    }

    @Test
    void onlyThePinnedKeyOfARoleAndTheKeysItsSignedRotationsIntroduceMaySubmit() throws Exception {
        AuditSigner pinned = FixedSigners.signer(TENANT, SignerRole.INGEST, SEED);
        // Someone who can write the trust file adds an ingest key of their own, as a first key (no predecessor).
        AuditSigner planted =
                new AuditSigner(AuditSigner.keyId(TENANT, SignerRole.INGEST, 9), SignerRole.INGEST, new byte[32]);
        // A legitimate rotation: v2 replaces the pinned v1, its record signed by v1 and naming v2's public key.
        AuditSigner rotated = new AuditSigner(
                AuditSigner.keyId(TENANT, SignerRole.INGEST, 2),
                SignerRole.INGEST,
                "rotated-ingest-key-seed-32-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        AuditTrust trust = TRUST.with(planted, "").with(rotated, pinned.keyId());
        KeyPins pins = new KeyPins(
                java.util.Map.of(SignerRole.INGEST, java.util.Set.of(AuditTrust.fingerprint(pinned.publicKey()))),
                false);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new AuditChainer(
                        auditContext(),
                        FixedSigners.factory(TENANT, SignerRole.JOB, SEED),
                        trust.asSource(),
                        HEAD,
                        null,
                        "chain[" + TENANT + "]",
                        ChainOrigin.none(),
                        ChainClock.system(),
                        pins),
                new AuditTenantKey(),
                Types.STRING);
        harnesses.add(h);
        h.open();

        AuditRecord forged = submittedBy(AuditAction.RECORD_REJECTED, planted, "forged-1");
        AuditChain.signSubmission(forged, planted);
        h.processElement(forged, 1L);
        AuditRecord early = submittedBy(AuditAction.RECORD_REJECTED, rotated, "early-1");
        AuditChain.signSubmission(early, rotated);
        h.processElement(early, 2L);
        AuditRecord rotation = submittedBy(AuditAction.SIGNING_KEY_ROTATED, pinned, "rotation-1");
        rotation.recordKey = rotated.keyId();
        rotation.detail = "replaced the ingest key; " + AuditTrust.introducing(rotated.publicKey());
        AuditChain.signSubmission(rotation, pinned);
        h.processElement(rotation, 3L);
        AuditRecord later = submittedBy(AuditAction.RECORD_REJECTED, rotated, "later-1");
        AuditChain.signSubmission(later, rotated);
        h.processElement(later, 4L);
        checkpoint(h, 1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action + " " + r.reason + " " + r.submitter)
                .containsExactly(
                        "JOB_START  ",
                        "RECORD_REJECTED " + AuditSubmission.FORGED + " ",
                        "RECORD_REJECTED " + AuditSubmission.FORGED + " ",
                        "SIGNING_KEY_ROTATED  " + pinned.keyId(),
                        "RECORD_REJECTED  " + rotated.keyId(),
                        "CHECKPOINT  ");
        assertThat(out.get(1).detail)
                .isEqualTo("audit submission forged-1 (RECORD_REJECTED, submitted by " + planted.keyId()
                        + ") refused: ingest key " + planted.keyId() + " ("
                        + AuditTrust.fingerprint(planted.publicKey())
                        + " in the trust file) is not authentic: it is not the pinned ingest key, and no chained"
                        + " SIGNING_KEY_ROTATED record signed by its predecessor introduces it");
        assertThat(out.get(2).detail)
                .as("a rotated key before its rotation is chained")
                .contains("early-1", rotated.keyId() + " (");
    }

    /** The trust file as a running job reads it; a test rewrites it the way someone who can write the file would. */
    private static final java.util.concurrent.atomic.AtomicReference<AuditTrust> TRUST_FILE =
            new java.util.concurrent.atomic.AtomicReference<>();

    private KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> pinnedHarness(
            AuditTrust trust, KeyPins pins) throws Exception {
        TRUST_FILE.set(trust);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new AuditChainer(
                        auditContext(),
                        FixedSigners.factory(TENANT, SignerRole.JOB, SEED),
                        TRUST_FILE::get,
                        HEAD,
                        null,
                        "chain[" + TENANT + "]",
                        ChainOrigin.none(),
                        ChainClock.system(),
                        pins),
                new AuditTenantKey(),
                Types.STRING);
        harnesses.add(h);
        h.open();
        return h;
    }

    private static AuditSigner ingestKey(int version, String seed) {
        return new AuditSigner(
                AuditSigner.keyId(TENANT, SignerRole.INGEST, version),
                SignerRole.INGEST,
                seed.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aRotatedKeyWhosePublicKeyIsSwappedInTheTrustFileMayNotSubmit() throws Exception {
        AuditSigner pinned = FixedSigners.signer(TENANT, SignerRole.INGEST, SEED);
        AuditSigner rotated = ingestKey(2, "rotated-ingest-key-seed-32-bytes");
        // After the legitimate rotation, someone who can write the trust file puts their own key under v2's id.
        AuditSigner swapped = ingestKey(2, "attacker-ingest-key-seed-32bytes");
        KeyPins pins = new KeyPins(
                java.util.Map.of(SignerRole.INGEST, java.util.Set.of(AuditTrust.fingerprint(pinned.publicKey()))),
                false);
        var h = pinnedHarness(TRUST.with(rotated, pinned.keyId()), pins);

        AuditRecord rotation = submittedBy(AuditAction.SIGNING_KEY_ROTATED, pinned, "rotation-1");
        rotation.recordKey = rotated.keyId();
        rotation.detail = "replaced the ingest key; " + AuditTrust.introducing(rotated.publicKey());
        AuditChain.signSubmission(rotation, pinned);
        h.processElement(rotation, 1L);
        AuditRecord genuine = submittedBy(AuditAction.RECORD_REJECTED, rotated, "genuine-1");
        AuditChain.signSubmission(genuine, rotated);
        h.processElement(genuine, 2L);
        TRUST_FILE.set(TRUST.with(swapped, pinned.keyId()));
        AuditRecord forged = submittedBy(AuditAction.RECORD_REJECTED, swapped, "forged-1");
        AuditChain.signSubmission(forged, swapped);
        h.processElement(forged, 3L);
        checkpoint(h, 1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action + " " + r.reason + " " + r.submitter)
                .containsExactly(
                        "JOB_START  ",
                        "SIGNING_KEY_ROTATED  " + pinned.keyId(),
                        "RECORD_REJECTED  " + rotated.keyId(),
                        "RECORD_REJECTED " + AuditSubmission.FORGED + " ",
                        "CHECKPOINT  ");
        assertThat(out.get(3).detail)
                .contains("forged-1", AuditTrust.fingerprint(swapped.publicKey()), "is not authentic");
    }

    @Test
    void anUnpinnedRoleTakesOnlyItsFirstKeyWithoutAPredecessorAtItsWord() throws Exception {
        AuditSigner first = FixedSigners.signer(TENANT, SignerRole.INGEST, SEED);
        // A second ingest key without a predecessor, added later by someone who can write the trust file.
        AuditSigner planted = ingestKey(9, "planted-ingest-key-seed-32-bytes");
        var h = pinnedHarness(TRUST.with(planted, ""), KeyPins.none());

        AuditRecord genuine = submittedBy(AuditAction.RECORD_REJECTED, first, "genuine-1");
        AuditChain.signSubmission(genuine, first);
        h.processElement(genuine, 1L);
        AuditRecord forged = submittedBy(AuditAction.RECORD_REJECTED, planted, "forged-1");
        AuditChain.signSubmission(forged, planted);
        h.processElement(forged, 2L);
        checkpoint(h, 1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action + " " + r.reason + " " + r.submitter)
                .containsExactly(
                        "JOB_START  ",
                        "RECORD_REJECTED  " + first.keyId(),
                        "RECORD_REJECTED " + AuditSubmission.FORGED + " ",
                        "CHECKPOINT  ");
        assertThat(out.get(2).detail).contains("forged-1", "is not the trust file's first ingest key");
    }

    @Test
    void aReplayedSubmissionIsChainedOnceAndItsReplayIsAudited() throws Exception {
        var h = harness(null);
        h.processElement(submitted("7f1c0a5e-0000-4000-8000-000000000001"), 1L);
        AuditRecord replay = submitted("7f1c0a5e-0000-4000-8000-000000000001");
        h.processElement(replay, 2L);
        checkpoint(h, 1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action)
                .containsExactly(
                        AuditAction.JOB_START,
                        AuditAction.DECRYPT,
                        AuditAction.RECORD_REJECTED,
                        AuditAction.CHECKPOINT);
        assertThat(out.get(1).submitter).isEqualTo(TENANT + "/cli/v1");
        assertThat(out.get(2).reason).isEqualTo(AuditSubmission.REPLAYED);
        assertThat(out.get(2).detail)
                .isEqualTo("replayed audit submission 7f1c0a5e-0000-4000-8000-000000000001" + " (submitted by " + TENANT
                        + "/cli/v1) refused: it was chained at sequence 2");
        assertValidChain(out, 1, AuditChain.GENESIS);
    }

    @Test
    void submissionIdsAreKeptForTheWindowOnlyAndAnOlderSubmissionIsRefusedAsStale() throws Exception {
        var h = harness(null);
        AuditRecord first = submitted("7f1c0a5e-0000-4000-8000-000000000002");
        long window = AuditChainer.SUBMISSION_WINDOW.toMillis();
        h.setProcessingTime(first.eventTime);
        h.processElement(first, 1L);
        // An hour later, well within the window, the same line is a replay.
        h.setProcessingTime(first.eventTime + 3_600_000L);
        h.processElement(submitted("7f1c0a5e-0000-4000-8000-000000000002"), 2L);
        assertThat(chainer(h).remembersSubmission(first.submissionId)).isTrue();

        // Once the window has passed, the id is forgotten...
        h.setProcessingTime(first.eventTime + window);
        assertThat(chainer(h).remembersSubmission(first.submissionId))
                .as("the id is dropped after the window")
                .isFalse();
        assertThat(h.numProcessingTimeTimers()).isZero();
        // ...and the line, replayed again, is refused as stale instead of being chained a second time.
        AuditRecord late = submitted("7f1c0a5e-0000-4000-8000-000000000002");
        late.eventTime = first.eventTime;
        AuditChain.signSubmission(late, FixedSigners.signer(TENANT, SignerRole.CLI, SEED));
        h.processElement(late, 3L);
        checkpoint(h, 1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action)
                .containsExactly(
                        AuditAction.JOB_START,
                        AuditAction.DECRYPT,
                        AuditAction.RECORD_REJECTED,
                        AuditAction.RECORD_REJECTED,
                        AuditAction.CHECKPOINT);
        assertThat(out).extracting(r -> r.reason).containsSubsequence(AuditSubmission.REPLAYED, AuditSubmission.STALE);
        assertThat(out.get(3).detail)
                .startsWith("stale audit submission 7f1c0a5e-0000-4000-8000-000000000002" + " (submitted by " + TENANT
                        + "/cli/v1) refused: its time ")
                .endsWith(" is more than 24 h old");
        assertThat(chainer(h).remembersSubmission(first.submissionId))
                .as("a stale line is not remembered")
                .isFalse();
        assertValidChain(out, 1, AuditChain.GENESIS);
    }

    @Test
    void aSubmissionOlderThanTheWindowIsNeverChained() throws Exception {
        var h = harness(null);
        AuditRecord old = submitted("7f1c0a5e-0000-4000-8000-000000000003");
        h.setProcessingTime(old.eventTime + AuditChainer.SUBMISSION_WINDOW.toMillis() + 1);
        h.processElement(old, 1L);
        checkpoint(h, 1);

        List<AuditRecord> out = h.extractOutputValues();
        assertThat(out)
                .extracting(r -> r.action)
                .containsExactly(AuditAction.JOB_START, AuditAction.RECORD_REJECTED, AuditAction.CHECKPOINT);
        assertThat(out.get(1).reason).isEqualTo(AuditSubmission.STALE);
        assertThat(out.get(1).recordKey).isEqualTo(old.submissionId);
        assertThat(chainer(h).remembersSubmission(old.submissionId)).isFalse();
        assertThat(h.numProcessingTimeTimers()).as("nothing is kept for it").isZero();
    }

    private static AuditChainer chainer(KeyedOneInputStreamOperatorTestHarness<String, AuditRecord, AuditRecord> h) {
        return (AuditChainer) h.getOperator();
    }
}
