package io.enclave.cli;

import io.enclave.cli.incident.JobPlacement;
import io.enclave.cli.incident.OpenAlerts;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.cli.incident.TrustedSiemRecords;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code enclave status -c FILE [-t ID]}: per tenant, running or quarantined (since when, by
 * whom, why, from its quarantine record), and its open alerts with their deadlines, read from
 * the SIEM topic as the admin ({@code --kafka-admin-config}; else with the tenant's own login, on a broker without
 * ACLs). Only records that
 * verify under the tenant's audit trust file count ({@link TrustedSiemRecords}); the others are counted in one
 * warning line. An alert is open until an ack or a quarantine names it ({@link OpenAlerts}). And where
 * its job runs ({@link JobPlacement}: cluster and TaskManagers, from the Flink REST APIs).
 */
@Command(
        name = "status",
        description = {
            "Per tenant: running or quarantined (since when, why), and its open security alerts with their response"
                    + " deadlines, from the SIEM topic.",
            "An alert stays open until `enclave ack` or a quarantine names it; records on the SIEM topic that do not"
                    + " verify under the tenant's audit trust file are ignored and counted in a WARNING line.",
            "Exit codes: 0 shown; 1 records on the SIEM topic did not verify and were ignored (the rest is shown);"
                    + " 2 invalid config or options; 3 a SIEM topic could not be read (the rest is shown); 4 a tenant's"
                    + " audit trust file is missing or unreadable."
        })
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    @Mixin
    TimeoutOption timeout;

    @Mixin
    FlinkClustersOption flink;

    /** The admin who may read the shared SIEM topic, which tenants' logins may not on a broker with ACLs. */
    @Mixin
    AdminCredentials admin;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        int exit = ExitCode.OK;
        Instant now = Instant.now();
        JobPlacement placement = flink.placement(timeout.duration());
        for (TenantConfig tenant : tenantOption.selected(config, configFile)) {
            Optional<QuarantineState> quarantine = QuarantineFile.of(tenant).read();
            out.println(quarantine
                    .map(q -> tenant.id() + "  QUARANTINED since " + q.since + " by " + q.by + ": " + q.reason
                            + " (scope " + q.scope + ", " + q.steps.size() + " steps in force)")
                    .orElse(tenant.id() + "  RUNNING"));
            placement.describe(tenant).forEach(out::println);
            if (!tenant.auditRequirements().realtimeMonitoring()) {
                out.println("  alerts: none raised (realtime_monitoring is off)");
                continue;
            }
            if (!tenant.auditRequirements().siemIntegration()) {
                out.println("  alerts: in the tenant's audit_log only (siem_integration is off)");
                continue;
            }
            try {
                TrustedSiemRecords trusted = TrustedSiemRecords.of(
                        tenant.id(),
                        SiemCopies.of(config, tenant, admin, timeout),
                        AuditTrust.read(AuditSigning.trustFile(tenant)),
                        KeyPins.of(
                                tenant.auditRequirements(),
                                !EnclaveCli.devMode(spec).on()));
                Optional<String> warning = trusted.warning(tenant.id());
                if (warning.isPresent()) {
                    out.println("  " + warning.get());
                    exit = Math.max(exit, ExitCode.CHECK_FAILED);
                }
                List<OpenAlerts.Alert> open = OpenAlerts.of(trusted.records());
                out.println("  open alerts: " + open.size());
                for (OpenAlerts.Alert alert : open) {
                    out.println("    #" + alert.sequence() + " " + alert.rule() + ", respond by " + alert.respondBy()
                            + " (" + alert.due(now) + "): " + alert.detail());
                }
                if (!open.isEmpty()) {
                    out.println("    acknowledge one: enclave ack -c " + configFile.file() + " -t " + tenant.id()
                            + " --alert <#> --reason TEXT");
                }
            } catch (AuditUnavailableException e) {
                out.println("  alerts: unknown, " + e.getMessage());
                exit = Math.max(exit, ExitCode.UNAVAILABLE);
            } catch (KeyUnavailableException e) {
                out.println("  alerts: unknown, " + e.getMessage());
                exit = Math.max(exit, ExitCode.KEY_MATERIAL);
            }
        }
        return exit;
    }
}
