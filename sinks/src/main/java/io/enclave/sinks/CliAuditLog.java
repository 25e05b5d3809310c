package io.enclave.sinks;

import io.enclave.config.GlobalSettings;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Where the ops CLI's security-relevant commands (key management, decryption) are audited: the
 * tenant's own {@code audit_log}. An interface, so the tamper-evident audit chain can take over
 * the writing without any command changing.
 */
public interface CliAuditLog extends AutoCloseable {

    /** Writes one record; throws if it could not be written, so a command never goes unaudited silently. */
    void append(AuditRecord record) throws SQLException;

    @Override
    void close() throws SQLException;

    /** The tenant's audit log in its own database, written as the tenant's own user. */
    static CliAuditLog forTenant(GlobalSettings global, TenantConfig tenant) throws SQLException {
        return JdbcCliAuditLog.open(JdbcSinkOptions.forTenant(global, tenant));
    }

    /**
     * A record of a CLI command: the principal is the operating-system user who ran it, the
     * source is {@code cli}, and the job name is the command.
     */
    static AuditRecord record(TenantConfig tenant, AuditAction action, AuditOutcome outcome, String command,
            String reason, String detail) {
        String user = System.getProperty("user.name", "unknown");
        AuditRecord r = new AuditContext(tenant.id(), "enclave " + command, user, true, true)
                .newRecord(action, outcome, "cli", 0);
        r.sourceTopic = "cli";
        r.reason = reason;
        r.detail = detail;
        // A command is never replayed, so its id only has to be unique.
        r.recordId = AuditRecord.deterministicId(tenant.id(), action, "cli", 0, r.eventTime, UUID.randomUUID().toString());
        return r;
    }
}
