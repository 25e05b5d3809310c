package io.enclave.cli.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.audit.SignerRole;
import io.enclave.sinks.AuditSiemComparison.SiemCopy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The alert lifecycle as status and respond read it, on records signed as the job and the CLI sign them: an alert
 * is closed only by an acknowledgement or a quarantine that names it, and a line on the SIEM topic that the tenant's
 * job did not sign is ignored, so it can neither close nor fake an alert.
 */
class OpenAlertsTest {
    private static final String TENANT = "colorado_state";
    private static final Instant DEADLINE = Instant.parse("2026-12-02T15:00:00Z");
    private static final AuditSigner JOB = new AuditSigner(TENANT + "/job/v1", SignerRole.JOB, seed(1));
    private static final AuditSigner CLI = new AuditSigner(TENANT + "/cli/v1", SignerRole.CLI, seed(2));
    private static final AuditTrust TRUST =
            AuditTrust.empty(TENANT).with(JOB, "").with(CLI, "");
    /** The fingerprints the tenant's auditor pinned, outside development mode: an unpinned role has no key. */
    private static final KeyPins PINS = new KeyPins(
            Map.of(
                    SignerRole.JOB,
                    Set.of(AuditTrust.fingerprint(JOB.publicKey())),
                    SignerRole.CLI,
                    Set.of(AuditTrust.fingerprint(CLI.publicKey()))),
            true);

    private final AuditChain chain = new AuditChain();
    private final List<AuditRecord> records = new ArrayList<>();
    private String tip = AuditChain.GENESIS;

    private static byte[] seed(int b) {
        byte[] seed = new byte[32];
        seed[0] = (byte) b;
        return seed;
    }

    private static AuditRecord record(AuditAction action, String reason, String detail) {
        AuditRecord r = new AuditRecord();
        r.tenantId = TENANT;
        r.action = action;
        r.outcome = AuditOutcome.SUCCESS;
        r.reason = reason;
        r.detail = detail;
        r.recordId = AuditRecord.deterministicId(TENANT, action, "t", 0, System.nanoTime(), detail);
        return r;
    }

    /** Chained and signed by the job, as the chainer does. */
    private AuditRecord chained(AuditRecord r) {
        chain.link(r, records.size() + 1, tip, JOB);
        tip = r.hash;
        records.add(r);
        return r;
    }

    /** Submitted by a command (signed with the CLI key), then chained by the job. */
    private AuditRecord submitted(AuditAction action, String reason, String detail, String key) {
        AuditRecord r = record(action, reason, detail);
        r.recordKey = key;
        r.submissionId = "s-" + records.size();
        AuditChain.signSubmission(r, CLI);
        return chained(r);
    }

    private AuditRecord alert(String rule) {
        return chained(record(
                AuditAction.SECURITY_ALERT,
                rule,
                "rule " + rule + ": 5 events (threshold 5) in window a/b, first t-0@1, last t-0@5; respond by "
                        + DEADLINE));
    }

    private TrustedSiemRecords trusted() {
        return trusted(TRUST);
    }

    private TrustedSiemRecords trusted(AuditTrust trust) {
        return TrustedSiemRecords.of(TENANT, new SiemCopy(records, List.of(), List.of()), trust, PINS);
    }

    @Test
    void anAlertIsClosedOnlyByAnAckOrACompletedQuarantineThatNamesIt() {
        AuditRecord claims = alert("cross_tenant_claims");
        AuditRecord burst = alert("reader_burst");
        AuditRecord malformed = alert("malformed_input");
        // A quarantine for another reason closes nothing.
        submitted(AuditAction.QUARANTINE, "started", "quarantine of colorado_state started: ticket 7", "");
        // The SIEM copy is at-least-once: a record may come twice.
        records.add(records.get(0));
        assertThat(OpenAlerts.of(trusted().records()))
                .extracting(OpenAlerts.Alert::sequence)
                .containsExactly(claims.sequence, burst.sequence, malformed.sequence);

        submitted(
                AuditAction.ALERT_ACKNOWLEDGED,
                "acknowledged",
                "acknowledged alert #" + burst.sequence,
                OpenAlerts.ackKey(burst.recordId));
        // A quarantine that names it but has only started (a later step may fail) leaves it open, and is in force
        // but incomplete.
        submitted(
                AuditAction.QUARANTINE,
                "started",
                "quarantine of colorado_state started: alert #" + claims.sequence + " not acknowledged",
                "");
        submitted(AuditAction.QUARANTINE, "publisher_acl", "denied: acl User:p DENY ALL TOPIC LITERAL t", "");
        assertThat(OpenAlerts.of(trusted().records()))
                .extracting(OpenAlerts.Alert::sequence)
                .containsExactly(claims.sequence, malformed.sequence);
        assertThat(ChainQuarantine.incomplete(Optional.empty(), trusted().records()))
                .hasValueSatisfying(why -> assertThat(why).contains("never completed"));
        // Once every step succeeded, its completion record closes it.
        submitted(
                AuditAction.QUARANTINE,
                "completed",
                "quarantine of colorado_state completed after 1 steps: alert #" + claims.sequence + " not acknowledged",
                "");
        assertThat(ChainQuarantine.incomplete(Optional.empty(), trusted().records()))
                .isEmpty();

        assertThat(OpenAlerts.of(trusted().records())).singleElement().satisfies(a -> {
            assertThat(a.sequence()).isEqualTo(malformed.sequence);
            assertThat(a.id()).isEqualTo(malformed.recordId);
            assertThat(a.rule()).isEqualTo("malformed_input");
            assertThat(a.respondBy()).isEqualTo(DEADLINE);
        });
        // alert #1 must not read as alert #10..19.
        assertThat(OpenAlerts.closes(
                        records.get(records.size() - 1),
                        new OpenAlerts.Alert(claims.sequence * 10, "x", "r", "", DEADLINE)))
                .isFalse();
    }

    @Test
    void aForgedAckOrQuarantineOnTheSiemTopicIsIgnoredAndCounted() {
        AuditRecord claims = alert("cross_tenant_claims");
        // Whoever can write the SIEM topic but holds no job key: an unsigned ack, and a quarantine signed by a key
        // the trust file does not hold.
        AuditRecord unsigned = record(AuditAction.ALERT_ACKNOWLEDGED, "acknowledged", "ack");
        unsigned.recordKey = OpenAlerts.ackKey(claims.recordId);
        unsigned.sequence = 2;
        unsigned.submitter = CLI.keyId();
        records.add(unsigned);
        AuditRecord forged = record(AuditAction.QUARANTINE, "started", "alert #" + claims.sequence);
        forged.submissionId = "forged";
        AuditChain.signSubmission(forged, CLI);
        new AuditChain().link(forged, 3, claims.hash, new AuditSigner(TENANT + "/job/v9", SignerRole.JOB, seed(9)));
        records.add(forged);
        // A real record edited afterwards: its fields no longer hash to its hash.
        AuditRecord edited = submitted(AuditAction.QUARANTINE, "completed", "ticket 7", "");
        edited.detail = "alert #" + claims.sequence;

        TrustedSiemRecords trusted = trusted();

        assertThat(trusted.ignored()).isEqualTo(3);
        assertThat(trusted.warning(TENANT))
                .hasValueSatisfying(w -> assertThat(w).startsWith("WARNING: ignored 3 record(s) of tenant " + TENANT));
        assertThat(OpenAlerts.of(trusted.records()))
                .extracting(OpenAlerts.Alert::sequence)
                .containsExactly(claims.sequence);
        assertThat(ChainQuarantine.inForce(trusted.records())).isEmpty();
    }

    @Test
    void theQuarantineFileDecidesWhetherTheQuarantineCompletedWhenThereIsOne() {
        QuarantineState cutShort = new QuarantineState();
        cutShort.since = "2026-12-02T14:00:00Z";
        cutShort.reason = "alert #1";
        cutShort.steps.add(new QuarantineState.Step("publisher_acl", "User:p DENY ALL TOPIC LITERAL t", "now"));
        assertThat(ChainQuarantine.incomplete(Optional.of(cutShort), List.of()))
                .hasValueSatisfying(why -> assertThat(why).contains("1 steps taken and no completion"));
        cutShort.completed = "2026-12-02T14:01:00Z";
        assertThat(ChainQuarantine.incomplete(Optional.of(cutShort), List.of())).isEmpty();
    }

    @Test
    void linesSignedByKeysAddedToTheTrustFileAreIgnoredDespiteVerifyingThere() {
        AuditRecord claims = alert("cross_tenant_claims");
        // Someone who can write both the trust file and the SIEM topic adds a job and a CLI key of their own (the
        // job key even claims to replace the real one), then writes an ack at the next sequence and a quarantine
        // at a future one: both verify under the trust file, but no pin or signed rotation vouches for their keys.
        AuditSigner job = new AuditSigner(TENANT + "/job/v2", SignerRole.JOB, seed(7));
        AuditSigner cli = new AuditSigner(TENANT + "/cli/v9", SignerRole.CLI, seed(8));
        AuditTrust written = TRUST.with(job, JOB.keyId()).with(cli, "");
        AuditRecord ack = record(AuditAction.ALERT_ACKNOWLEDGED, "acknowledged", "acknowledged alert #1");
        ack.recordKey = OpenAlerts.ackKey(claims.recordId);
        ack.submissionId = "forged-ack";
        AuditChain.signSubmission(ack, cli);
        new AuditChain().link(ack, claims.sequence + 1, claims.hash, job);
        records.add(ack);
        AuditRecord quarantine =
                record(AuditAction.QUARANTINE, "started", "quarantine started: alert #" + claims.sequence);
        quarantine.submissionId = "forged-quarantine";
        AuditChain.signSubmission(quarantine, CLI);
        new AuditChain().link(quarantine, 100, ack.hash, job);
        records.add(quarantine);

        TrustedSiemRecords trusted = trusted(written);

        assertThat(trusted.records()).extracting(r -> r.sequence).containsExactly(claims.sequence);
        assertThat(OpenAlerts.of(trusted.records()))
                .extracting(OpenAlerts.Alert::sequence)
                .containsExactly(claims.sequence);
        assertThat(ChainQuarantine.inForce(trusted.records())).isEmpty();
        assertThat(trusted.ignored()).isEqualTo(2);
        assertThat(trusted.firstProblem()).contains("job key " + job.keyId(), "is not the pinned job key");
    }

    @Test
    void twoDifferentRecordsThatVerifyAtOneSequenceAreBothIgnored() {
        AuditRecord claims = alert("cross_tenant_claims");
        // The job key leaked: a forged ack, properly chained, is written before the genuine record at its sequence.
        AuditRecord forged = record(AuditAction.ALERT_ACKNOWLEDGED, "acknowledged", "acknowledged alert #1");
        forged.recordKey = OpenAlerts.ackKey(claims.recordId);
        forged.submissionId = "forged-ack";
        AuditChain.signSubmission(forged, CLI);
        new AuditChain().link(forged, claims.sequence + 1, claims.hash, JOB);
        AuditRecord genuine = chained(record(AuditAction.CHECKPOINT, "", "checkpoint 1"));
        records.add(records.indexOf(genuine), forged);

        TrustedSiemRecords trusted = trusted();

        assertThat(trusted.records()).extracting(r -> r.sequence).containsExactly(claims.sequence);
        assertThat(OpenAlerts.of(trusted.records()))
                .extracting(OpenAlerts.Alert::sequence)
                .containsExactly(claims.sequence);
        assertThat(trusted.ignored()).isEqualTo(2);
        assertThat(trusted.warning(TENANT))
                .hasValueSatisfying(w -> assertThat(w).contains("sequence 2 holds 2 different records"));
    }

    @Test
    void theDeadlineIsShownAsDueOrOverdue() {
        alert("malformed_input");
        OpenAlerts.Alert alert = OpenAlerts.of(trusted().records()).get(0);

        assertThat(alert.due(DEADLINE.minusSeconds(12 * 60))).isEqualTo("due in 12m");
        assertThat(alert.due(DEADLINE.plusSeconds(3 * 60))).isEqualTo("OVERDUE by 3m");
        assertThat(alert.overdue(DEADLINE.minusSeconds(1))).isFalse();
        assertThat(alert.overdue(DEADLINE)).isTrue();
    }
}
