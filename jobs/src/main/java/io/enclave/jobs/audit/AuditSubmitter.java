package io.enclave.jobs.audit;

import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import java.util.UUID;

/**
 * How a command outside the tenant's job (key management, decryption) gets its audit record
 * into the tenant's chain: it submits the record, and the tenant's job chains it. An
 * interface, so commands do not know the transport.
 */
public interface AuditSubmitter extends AutoCloseable {

    /** Submits one record and returns once it is durably accepted; throws otherwise, never drops it silently. */
    void submit(AuditRecord record) throws AuditUnavailableException;

    @Override
    void close();

    /**
     * A record of a CLI command: the principal is the operating-system user who ran it, the
     * source is {@code cli}, and the job name is the command.
     */
    static AuditRecord commandRecord(
            TenantConfig tenant,
            AuditAction action,
            AuditOutcome outcome,
            String command,
            String reason,
            String detail) {
        // From the kernel, not the user.name property that -Duser.name=... overrides.
        String user = OperatingSystemUser.name();
        AuditRecord r = new AuditContext(tenant.id(), "enclave " + command, user, true, true)
                .newRecord(action, outcome, "cli", 0);
        r.sourceTopic = "cli";
        r.reason = reason;
        r.detail = detail;
        // A command is never replayed, so its id only has to be unique.
        r.recordId = AuditRecord.deterministicId(
                tenant.id(), action, "cli", 0, r.eventTime, UUID.randomUUID().toString());
        return r;
    }
}
