package io.enclave.cli;

import io.enclave.cli.incident.JobPlacement;
import io.enclave.cli.incident.OpenAlerts;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.SiemTopicReader;
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
 * the SIEM topic with the tenant's own Kafka login, as {@code audit verify --siem} reads it; and
 * where its job runs ({@link JobPlacement}: cluster and TaskManagers, from the Flink REST APIs).
 */
@Command(
        name = "status",
        description = {
            "Per tenant: running or quarantined (since when, why), and its open security alerts with their response"
                    + " deadlines, from the SIEM topic.",
            "Exit codes: 0 shown; 2 invalid config or options; 3 a SIEM topic could not be read (the rest is shown)."
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
                List<OpenAlerts.Alert> open =
                        OpenAlerts.of(SiemTopicReader.read(config.global(), tenant, timeout.duration())
                                .records());
                out.println("  open alerts: " + open.size());
                for (OpenAlerts.Alert alert : open) {
                    out.println("    #" + alert.sequence() + " " + alert.rule() + ", respond by " + alert.respondBy()
                            + " (" + alert.due(now) + "): " + alert.detail());
                }
            } catch (AuditUnavailableException e) {
                out.println("  alerts: unknown, " + e.getMessage());
                exit = ExitCode.UNAVAILABLE;
            }
        }
        return exit;
    }
}
