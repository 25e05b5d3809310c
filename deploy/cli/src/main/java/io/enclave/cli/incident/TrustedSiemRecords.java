package io.enclave.cli.incident;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.sinks.AuditSiemComparison;
import io.enclave.sinks.AuditSiemComparison.SiemCopy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A tenant's records as the SIEM topic holds them, kept only when the tenant's job chained them: each must hash to
 * its hash and carry the signature of an authentic job key (a submitted record, such as an ack or a quarantine step,
 * also an authentic submitter's), as {@code audit verify} authenticates keys: the trust file is written by whoever
 * runs {@code keys} commands, so a key it lists counts only when it is its role's pinned key ({@link KeyPins}) or a
 * chained SIGNING_KEY_ROTATED record, signed by its authentic predecessor, names its fingerprint. Whoever can write
 * the SIEM topic can write any line onto it, so a line that does not verify is ignored, never believed: it can
 * neither raise, acknowledge nor close an alert. A sequence with two different lines that both verify is not
 * believed either (one of them was forged with a job key that leaked): all its lines are ignored rather than the
 * first taken. The ignored lines are counted, for one warning.
 *
 * @param records the verified records, one per sequence (the topic is at-least-once), in chain order
 * @param ignored how many lines of the tenant were ignored: unreadable, edited, unsigned, forged or contradicted
 * @param firstProblem why the first ignored line was ignored; empty when none was
 */
public record TrustedSiemRecords(List<AuditRecord> records, int ignored, String firstProblem) {
    public TrustedSiemRecords {
        records = List.copyOf(records);
    }

    /** The lines of {@code copy} that verify as records of {@code tenantId}'s chain under {@code trust} and {@code pins}. */
    public static TrustedSiemRecords of(String tenantId, SiemCopy copy, AuditTrust trust, KeyPins pins) {
        AuditChain chain = new AuditChain();
        List<String> problems = new ArrayList<>();
        copy.unreadable().forEach(line -> problems.add("unreadable: " + line));
        // Sequence -> hash -> one line with it: repeats of a line are the topic's at-least-once, not a conflict.
        Map<Long, Map<String, AuditRecord>> verifying = new TreeMap<>();
        for (AuditRecord r : copy.records()) {
            String problem = AuditSiemComparison.recordProblem(chain, trust, tenantId, r);
            if (problem != null) {
                problems.add("sequence " + r.sequence + " is " + problem);
                continue;
            }
            verifying.computeIfAbsent(r.sequence, s -> new LinkedHashMap<>()).putIfAbsent(r.hash, r);
        }
        Set<String> introduced = introducedFingerprints(trust, pins, verifying);
        List<AuditRecord> kept = new ArrayList<>();
        for (Map.Entry<Long, Map<String, AuditRecord>> e : verifying.entrySet()) {
            List<AuditRecord> authentic = new ArrayList<>();
            for (AuditRecord r : e.getValue().values()) {
                String problem = unauthentic(tenantId, trust, pins, introduced, r.signer);
                if (problem == null && r.submitter != null && !r.submitter.isEmpty()) {
                    problem = unauthentic(tenantId, trust, pins, introduced, r.submitter);
                }
                if (problem == null) {
                    authentic.add(r);
                } else {
                    problems.add("sequence " + r.sequence + " is forged: " + problem);
                }
            }
            if (authentic.size() == 1) {
                kept.add(authentic.get(0));
            } else if (authentic.size() > 1) {
                for (AuditRecord r : authentic) {
                    problems.add("sequence " + r.sequence + " holds " + authentic.size() + " different records that"
                            + " all verify under authentic keys (a job key leaked?), so none of them is believed");
                }
            }
        }
        return new TrustedSiemRecords(kept, problems.size(), problems.isEmpty() ? "" : problems.get(0));
    }

    /**
     * The fingerprints chained rotations introduce, in chain order: a rotation counts when its submitter (the key it
     * replaced) is authentic by then, whatever else the topic holds at its sequence, since that key signed it.
     */
    private static Set<String> introducedFingerprints(
            AuditTrust trust, KeyPins pins, Map<Long, Map<String, AuditRecord>> verifying) {
        Set<String> introduced = new HashSet<>();
        for (Map<String, AuditRecord> atSequence : verifying.values()) {
            for (AuditRecord r : atSequence.values()) {
                KeyPins.introducedBy(trust, r)
                        .filter(fresh -> unauthentic("", trust, pins, introduced, r.submitter) == null)
                        .ifPresent(fresh -> introduced.add(fresh.fingerprint()));
            }
        }
        return introduced;
    }

    /** Why {@code keyId} is not authentic, or null: its role's pinned (or, unpinned, first) key, or introduced. */
    private static String unauthentic(
            String tenantId, AuditTrust trust, KeyPins pins, Set<String> introduced, String keyId) {
        Optional<AuditTrust.TrustedKey> key = trust.key(keyId);
        if (key.isEmpty()) {
            return "key " + keyId + " is not in the trust file";
        }
        return introduced.contains(key.get().fingerprint()) || pins.root(trust, key.get())
                ? null
                : pins.whyNot(tenantId, key.get());
    }

    /** The one warning line about the ignored lines, when there were any. */
    public Optional<String> warning(String tenantId) {
        if (ignored == 0) {
            return Optional.empty();
        }
        return Optional.of("WARNING: ignored " + ignored + " record(s) of tenant " + tenantId
                + " on the SIEM topic that do not verify under its audit trust file and key pins (someone wrote the"
                + " topic who is not its job; first: " + firstProblem + ")");
    }
}
