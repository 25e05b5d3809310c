package io.enclave.jobs.cli;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.crypto.DecryptionException;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.sinks.CliAuditLog;
import java.io.PrintWriter;
import java.sql.SQLException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs an audited command: connects to the tenant's audit log first (nothing is done when the
 * command could not be audited), runs it, records its outcome (failures too), and only then
 * prints its result, so nothing is revealed that was not audited.
 */
final class CliAudit {
    /** The audit log was unreachable or refused the record. */
    static final int AUDIT_UNAVAILABLE = 3;

    private CliAudit() {}

    /** What a successful command did: the audit detail, what to print, and the row it concerned. */
    record Done(String detail, String output, String recordKey) {
        static Done of(String detail) {
            return new Done(detail, detail, "");
        }
    }

    /** What a command does. */
    @FunctionalInterface
    interface Action {
        Done run();
    }

    static int run(CommandSpec spec, KeyTarget target, AuditAction action, String command, String recordKey,
            Action body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!target.resolve(err)) {
            return EnclaveCli.INVALID_CONFIG;
        }
        try (CliAuditLog log = target.auditLog()) {
            Done done = null;
            AuditRecord record;
            try {
                done = body.run();
                record = CliAuditLog.record(target.tenant, action, AuditOutcome.SUCCESS, command, "", done.detail());
            } catch (KeyUnavailableException | DecryptionException | IllegalStateException e) {
                record = CliAuditLog.record(target.tenant, action, AuditOutcome.FAILED, command, reason(e),
                        e.getMessage());
                record.recordKey = recordKey;
                log.append(record);
                err.println(e.getMessage());
                return 1;
            }
            record.recordKey = recordKey;
            log.append(record);
            out.println(done.output());
            return 0;
        } catch (SQLException e) {
            err.println("cannot write the audit record of " + command + " to the audit_log of tenant "
                    + target.tenantId + ": " + e.getMessage());
            return AUDIT_UNAVAILABLE;
        }
    }

    static String reason(RuntimeException e) {
        if (e instanceof DecryptionException d) {
            return d.reason();
        }
        return e instanceof KeyUnavailableException ? "key_unavailable" : "refused";
    }
}
