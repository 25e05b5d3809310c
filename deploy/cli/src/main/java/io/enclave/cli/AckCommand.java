package io.enclave.cli;

import io.enclave.cli.incident.OpenAlerts;
import io.enclave.cli.incident.TrustedSiemRecords;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave ack -c FILE -t ID --alert <#|id> --reason TEXT}: an operator acknowledges one of the tenant's
 * alerts. The alert must be on the SIEM topic and verify under the tenant's trust file; the acknowledgement is an
 * ALERT_ACKNOWLEDGED record signed with the CLI's own audit key and submitted to the tenant's audit topic, as
 * {@code decrypt} and {@code query} submit theirs, so the job chains it and it reaches the SIEM topic, where it
 * closes the alert for {@code status} and {@code respond}.
 */
@Command(
        name = "ack",
        description = {
            "Acknowledge one of a tenant's security alerts (its # as status shows it, or its record id): an audited"
                    + " ALERT_ACKNOWLEDGED record naming it, chained by the tenant's job. An acknowledged alert is"
                    + " closed: status no longer lists it and respond never contains the tenant for it.",
            "Exit codes: 0 acknowledged (or already closed); 2 invalid config or options, or no such alert on the"
                    + " SIEM topic; 3 the SIEM or audit topic unreachable; 4 the trust file or the CLI signing key"
                    + " missing."
        })
final class AckCommand implements Callable<Integer> {
    private static final Pattern SEQUENCE = Pattern.compile("#?([0-9]{1,18})");
    private static final Pattern RECORD_ID = Pattern.compile("[0-9a-f]{32}");

    @Spec
    CommandSpec spec;

    @Mixin
    KeyTarget target;

    @Option(
            names = "--alert",
            required = true,
            paramLabel = "ALERT",
            description = "The alert: its # (sequence) as status shows it, or its record id.")
    String alert;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: the ticket, the finding.")
    String reason;

    @Mixin
    TimeoutOption timeout;

    /** The admin who may read the shared SIEM topic, which tenants' logins may not on a broker with ACLs. */
    @Mixin
    AdminCredentials admin;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!target.resolve(err)) {
            return ExitCode.USAGE;
        }
        TenantConfig tenant = target.tenant;
        if (!tenant.auditRequirements().realtimeMonitoring()
                || !tenant.auditRequirements().siemIntegration()) {
            err.println("ack: tenant " + tenant.id() + " has no alerts on the SIEM topic (it needs realtime_monitoring"
                    + " and siem_integration)");
            return ExitCode.USAGE;
        }
        if (!SEQUENCE.matcher(alert).matches() && !RECORD_ID.matcher(alert).matches()) {
            throw new UsageException(
                    "--alert takes an alert's # as status shows it (like 12 or #12) or its 32-digit" + " record id");
        }
        timeout.waitingFor(
                err,
                spec.qualifiedName(),
                "the SIEM topic " + target.loaded.global().siemTopic() + " and the audit topic "
                        + tenant.names().auditTopic());
        try {
            TrustedSiemRecords trusted = TrustedSiemRecords.of(
                    tenant.id(),
                    SiemCopies.of(target.loaded, tenant, admin, timeout),
                    AuditTrust.read(AuditSigning.trustFile(tenant)),
                    KeyPins.of(
                            tenant.auditRequirements(),
                            !EnclaveCli.devMode(spec).on()));
            trusted.warning(tenant.id()).ifPresent(w -> err.println("ack: " + w));
            Optional<OpenAlerts.Alert> named = OpenAlerts.raised(trusted.records()).stream()
                    .filter(this::isNamed)
                    .findFirst();
            if (named.isEmpty()) {
                err.println("ack: no alert " + alert + " of tenant " + tenant.id() + " on the SIEM topic (`enclave"
                        + " status` lists the open ones)");
                return ExitCode.USAGE;
            }
            OpenAlerts.Alert a = named.get();
            List<OpenAlerts.Alert> open = OpenAlerts.of(trusted.records());
            if (!open.contains(a)) {
                out.println(a.reference() + " of tenant " + tenant.id() + " (" + a.rule()
                        + ") is already closed by an acknowledgement or a quarantine; nothing recorded");
                return ExitCode.OK;
            }
            String detail = "acknowledged " + a.reference() + " (" + a.rule() + ", id " + a.id() + ", respond by "
                    + a.respondBy() + "): " + reason;
            try (AuditSubmitter log = target.auditSubmitter(timeout.duration())) {
                AuditRecord record = AuditSubmitter.commandRecord(
                        tenant, AuditAction.ALERT_ACKNOWLEDGED, AuditOutcome.SUCCESS, "ack", "acknowledged", detail);
                record.recordKey = OpenAlerts.ackKey(a.id());
                log.submit(record);
            }
            out.println(detail + "; submitted to " + tenant.names().auditTopic()
                    + ", it closes the alert once the job has chained it");
            return ExitCode.OK;
        } catch (AuditUnavailableException e) {
            err.println("ack: " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        } catch (KeyUnavailableException e) {
            err.println("ack: " + e.getMessage());
            return ExitCode.KEY_MATERIAL;
        }
    }

    private boolean isNamed(OpenAlerts.Alert a) {
        var m = SEQUENCE.matcher(alert);
        return m.matches() ? Long.parseLong(m.group(1)) == a.sequence() : alert.equals(a.id());
    }
}
