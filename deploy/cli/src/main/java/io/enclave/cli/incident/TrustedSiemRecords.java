package io.enclave.cli.incident;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.sinks.AuditSiemComparison;
import io.enclave.sinks.AuditSiemComparison.SiemCopy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A tenant's records as the SIEM topic holds them, kept only when the tenant's job chained them: each must hash to
 * its hash and carry the signature of a job key in the tenant's trust file (a submitted record, such as an ack or a
 * quarantine step, also its submitter's), as {@code audit verify --siem} checks them. Whoever can write the SIEM
 * topic can write any line onto it, so a line that does not verify is ignored, never believed: it can neither
 * raise, acknowledge nor close an alert. The ignored lines are counted, for one warning.
 *
 * @param records the verified records, one per sequence (the topic is at-least-once), in chain order
 * @param ignored how many lines of the tenant were ignored: unreadable, edited, unsigned or forged
 * @param firstProblem why the first ignored line was ignored; empty when none was
 */
public record TrustedSiemRecords(List<AuditRecord> records, int ignored, String firstProblem) {
    public TrustedSiemRecords {
        records = List.copyOf(records);
    }

    /** The lines of {@code copy} that verify as records of {@code tenantId}'s chain under {@code trust}. */
    public static TrustedSiemRecords of(String tenantId, SiemCopy copy, AuditTrust trust) {
        AuditChain chain = new AuditChain();
        Map<Long, AuditRecord> bySequence = new TreeMap<>();
        int ignored = copy.unreadable().size();
        String first = copy.unreadable().isEmpty()
                ? ""
                : "unreadable: " + copy.unreadable().get(0);
        for (AuditRecord r : copy.records()) {
            String problem = AuditSiemComparison.recordProblem(chain, trust, tenantId, r);
            if (problem != null) {
                ignored++;
                first = first.isEmpty() ? "sequence " + r.sequence + " is " + problem : first;
                continue;
            }
            bySequence.putIfAbsent(r.sequence, r);
        }
        List<AuditRecord> ordered = new ArrayList<>(bySequence.values());
        ordered.sort(Comparator.comparingLong(r -> r.sequence));
        return new TrustedSiemRecords(ordered, ignored, first);
    }

    /** The one warning line about the ignored lines, when there were any. */
    public Optional<String> warning(String tenantId) {
        if (ignored == 0) {
            return Optional.empty();
        }
        return Optional.of("WARNING: ignored " + ignored + " record(s) of tenant " + tenantId
                + " on the SIEM topic that do not verify under its audit trust file (someone wrote the topic who is"
                + " not its job; first: " + firstProblem + ")");
    }
}
