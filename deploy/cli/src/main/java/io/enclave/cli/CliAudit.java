package io.enclave.cli;

import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.crypto.DecryptionException;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs an audited command: reaches the tenant's audit topic first (nothing is done when the
 * command could not be audited), runs it, submits its outcome (failures too) to the tenant's
 * chain, and only then prints its result, so nothing is revealed that was not audited.
 */
final class CliAudit {
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

    static int run(
            CommandSpec spec,
            KeyTarget target,
            TimeoutOption timeout,
            AuditAction action,
            String command,
            String recordKey,
            Action body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!target.resolve(err)) {
            return ExitCode.USAGE;
        }
        timeout.waitingFor(
                err,
                spec.qualifiedName(),
                "the audit topic " + target.tenant.names().auditTopic() + " at "
                        + target.loaded.global().kafkaBootstrapServers());
        try (AuditSubmitter log = target.auditSubmitter(timeout.duration())) {
            Done done = null;
            AuditRecord record;
            try {
                done = body.run();
                record = AuditSubmitter.commandRecord(
                        target.tenant, action, AuditOutcome.SUCCESS, command, "", done.detail());
            } catch (KeyUnavailableException | DecryptionException | IllegalStateException e) {
                record = AuditSubmitter.commandRecord(
                        target.tenant, action, AuditOutcome.FAILED, command, reason(e), e.getMessage());
                record.recordKey = recordKey;
                log.submit(record);
                err.println(e.getMessage());
                return exitCode(e);
            }
            record.recordKey = recordKey;
            log.submit(record);
            out.println(done.output());
            return 0;
        } catch (AuditUnavailableException e) {
            err.println("cannot submit the audit record of " + command + " to the audit trail of tenant "
                    + target.tenantId() + ": " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
    }

    /** A missing or destroyed key is key material (4); a value that fails to decrypt is a failed check (1). */
    static int exitCode(RuntimeException e) {
        return e instanceof KeyUnavailableException
                ? ExitCode.KEY_MATERIAL
                : e instanceof DecryptionException ? ExitCode.CHECK_FAILED : ExitCode.USAGE;
    }

    static String reason(RuntimeException e) {
        if (e instanceof DecryptionException d) {
            return d.reason();
        }
        return e instanceof KeyUnavailableException ? "key_unavailable" : "refused";
    }
}
