package io.enclave.cli;

import io.enclave.cli.incident.ChainQuarantine;
import io.enclave.cli.incident.OpenAlerts;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.cli.incident.TrustedSiemRecords;
import io.enclave.config.AutoContainment;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.SiemTopicReader;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.sinks.AuditSiemComparison.SiemCopy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave respond --watch|--once -c FILE [-t ID...]}: the operator-run automatic response of issue 18. It
 * reads the SIEM topic under the operator's admin identity ({@code --kafka-admin-config}, never a tenant job's
 * login), keeps only the records the tenants' jobs signed ({@link TrustedSiemRecords}), and when an alert of a tenant
 * with {@code incident_response: {contain: ..., after: ...}} is still open at its deadline, quarantines that tenant
 * with that scope by running {@code enclave quarantine} itself, so each step is that command's audited step and its
 * reason names the alerts. It holds no state of its own: what is open and what is contained is read anew each pass
 * from the SIEM topic and the quarantine record, so it is idempotent and survives its own restart. A tenant without
 * {@code contain} is never quarantined.
 */
@Command(
        name = "respond",
        description = {
            "Contain tenants automatically: read the SIEM topic under an admin identity and, when an alert of a"
                    + " tenant whose incident_response has `contain` is not acknowledged (enclave ack) by its"
                    + " deadline, run `enclave quarantine` with that scope, the reason naming the alerts. State is"
                    + " read from the SIEM topic each pass, so it never contains a tenant twice and survives restarts.",
            "Exit codes: 0 the pass ran and every overdue alert is contained (or none was due); 1 records on the SIEM"
                    + " topic did not verify and were ignored; 2 invalid config or options; 3 the SIEM topic"
                    + " unreadable or a quarantine cut short by an unreachable server; 4 a trust file missing. With"
                    + " --watch it runs until stopped, reporting each failed pass and retrying at the next."
        })
final class RespondCommand implements Callable<Integer> {
    /** Now, for the deadlines; a test moves it to see a pass before and after one. */
    static volatile Clock clock = Clock.systemUTC();

    /** The options of quarantine that respond takes too and hands on to it as given. */
    private static final Set<String> HANDED_ON = Set.of(
            "--kafka-admin-config",
            "--db-admin-user",
            "--db-admin-password-env",
            "--db-admin-password-file",
            "--flink",
            "--savepoint-dir",
            "--job-jar",
            "--timeout");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Option(
            names = {"-t", "--tenant"},
            paramLabel = "ID",
            description = "Only this tenant; repeat it for more (default: every tenant of the config).")
    List<String> tenantIds = new ArrayList<>();

    /** One pass or a loop. */
    static final class Mode {
        @Option(names = "--watch", required = true, description = "Run a pass every --interval until stopped.")
        boolean watch;

        @Option(names = "--once", required = true, description = "Run one pass and exit (tests, cron).")
        boolean once;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            defaultValue = "15",
            description = "Seconds between passes with --watch (default: ${DEFAULT-VALUE}).")
    long intervalSeconds;

    @Mixin
    AdminCredentials admin;

    @Mixin
    FlinkRestOption flink;

    @Mixin
    TimeoutOption timeout;

    /** What --watch printed last per tenant, so a loop prints a line when something changes, not every pass. */
    private final Map<String, String> shown = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        List<TenantConfig> selected = tenantIds.isEmpty()
                ? List.copyOf(config.tenants())
                : tenantIds.stream()
                        .map(id -> TenantOption.find(config, id, configFile.file()))
                        .toList();
        List<TenantConfig> contained = new ArrayList<>();
        for (TenantConfig tenant : selected) {
            AutoContainment contain = tenant.auditRequirements().containment();
            if (contain == AutoContainment.NONE) {
                out.println(
                        tenant.id() + ": never contained automatically (its incident_response names no" + " contain)");
            } else {
                contained.add(tenant);
            }
        }
        if (contained.isEmpty()) {
            out.println("respond: no tenant to watch");
            return ExitCode.OK;
        }
        if (!admin.hasKafka()) {
            err.println("respond: reading the SIEM topic needs an admin identity: --kafka-admin-config FILE or"
                    + " ENCLAVE_KAFKA_ADMIN_CONFIG (never a tenant job's login)");
            return ExitCode.USAGE;
        }
        Properties login = new Properties();
        login.putAll(admin.kafkaAdminProperties(config, "enclave-respond", timeout));
        if (mode.once) {
            timeout.waitingFor(
                    err,
                    spec.qualifiedName(),
                    "the SIEM topic " + config.global().siemTopic());
            return pass(config, contained, login, out, err);
        }
        out.println("respond: watching " + contained.size() + " tenant(s) on "
                + config.global().siemTopic() + " every " + intervalSeconds + "s; stop with Ctrl-C");
        out.flush();
        while (!Thread.currentThread().isInterrupted()) {
            int exit = pass(config, contained, login, out, err);
            if (exit != ExitCode.OK) {
                err.println("respond: the pass at " + clock.instant() + " ended with exit " + exit + "; retrying in "
                        + intervalSeconds + "s");
            }
            out.flush();
            err.flush();
            try {
                Thread.sleep(Math.max(1, intervalSeconds) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ExitCode.OK;
    }

    /** One pass over every tenant: read, decide, act; the worst exit code of the pass. */
    private int pass(
            EnclaveConfig config, List<TenantConfig> tenants, Properties login, PrintWriter out, PrintWriter err) {
        Map<String, SiemCopy> copies;
        try {
            copies = SiemTopicReader.read(
                    config.global(),
                    login,
                    tenants.stream().map(TenantConfig::id).toList(),
                    timeout.duration());
        } catch (AuditUnavailableException e) {
            err.println("respond: " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
        int exit = ExitCode.OK;
        Instant now = clock.instant();
        for (TenantConfig tenant : tenants) {
            TrustedSiemRecords trusted;
            try {
                trusted = TrustedSiemRecords.of(
                        tenant.id(),
                        copies.get(tenant.id()),
                        AuditTrust.read(AuditSigning.trustFile(tenant)),
                        KeyPins.of(
                                tenant.auditRequirements(),
                                !EnclaveCli.devMode(spec).on()));
            } catch (KeyUnavailableException e) {
                show(err, tenant.id() + "/trust", tenant.id() + ": " + e.getMessage());
                exit = Math.max(exit, ExitCode.KEY_MATERIAL);
                continue;
            }
            Optional<String> warning = trusted.warning(tenant.id());
            if (warning.isPresent()) {
                show(err, tenant.id() + "/warning", tenant.id() + ": " + warning.get());
                exit = Math.max(exit, ExitCode.CHECK_FAILED);
            }
            exit = Math.max(exit, respond(config, tenant, trusted.records(), now, out, err));
        }
        return exit;
    }

    private int respond(
            EnclaveConfig config,
            TenantConfig tenant,
            List<AuditRecord> trusted,
            Instant now,
            PrintWriter out,
            PrintWriter err) {
        List<OpenAlerts.Alert> open = OpenAlerts.of(trusted);
        List<OpenAlerts.Alert> overdue =
                open.stream().filter(a -> a.overdue(now)).toList();
        if (overdue.isEmpty()) {
            show(
                    out,
                    tenant.id(),
                    open.isEmpty()
                            ? tenant.id() + ": no open alerts; nothing to do"
                            : tenant.id() + ": " + open.size() + " open alert(s), none overdue (next: "
                                    + open.get(0).reference() + " "
                                    + open.get(0).due(now) + ", respond by "
                                    + open.get(0).respondBy() + "); nothing to do");
            return ExitCode.OK;
        }
        String alerts = overdue.stream()
                .map(a -> a.reference() + " (" + a.rule() + ", id " + a.id() + ")")
                .collect(Collectors.joining(", "));
        Optional<QuarantineState> recorded = QuarantineFile.of(tenant).read();
        Optional<AuditRecord> inChain = ChainQuarantine.inForce(trusted);
        Optional<String> incomplete = ChainQuarantine.incomplete(recorded, trusted);
        if (incomplete.isPresent()) {
            // Cut short by a failed step: the tenant is only partly contained and its alerts stay open. Respond does
            // not retry on its own (the step that failed, e.g. a savepoint timing out, would most likely fail again
            // on every pass); it says so on every pass, with the command that lets it contain the tenant anew.
            show(
                    err,
                    tenant.id(),
                    tenant.id() + ": " + alerts + " overdue and the quarantine is INCOMPLETE ("
                            + incomplete.get() + "): run `enclave release -c " + configFile.file() + " -t "
                            + tenant.id() + "` on the host that holds "
                            + QuarantineFile.of(tenant).path()
                            + " to reverse the steps taken, and the next respond pass quarantines it again");
            return ExitCode.UNAVAILABLE;
        }
        if (recorded.isPresent() || inChain.isPresent()) {
            String since = recorded.map(q -> q.since + ": " + q.reason)
                    .orElseGet(() -> "sequence " + inChain.get().sequence + ": " + inChain.get().detail);
            show(
                    out,
                    tenant.id(),
                    tenant.id() + ": " + alerts + " overdue, but the tenant is already quarantined (since " + since
                            + "); nothing to do");
            return ExitCode.OK;
        }
        String scope = tenant.auditRequirements().containment().configValue();
        String reason = alerts + " not acknowledged by " + overdue.get(0).respondBy()
                + "; contained by enclave respond (incident_response.contain: " + scope + ")";
        out.println(
                tenant.id() + ": " + alerts + " not acknowledged by its deadline: quarantining (scope " + scope + ")");
        out.flush();
        CliRun run = quarantine(tenant, scope, reason);
        run.out().lines().forEach(l -> err.println("  quarantine: " + l));
        run.err().lines().forEach(l -> err.println("  quarantine: " + l));
        switch (run.exit()) {
            case ExitCode.OK -> {
                int steps = QuarantineFile.of(tenant)
                        .read()
                        .map(q -> q.steps.size())
                        .orElse(0);
                show(
                        out,
                        tenant.id(),
                        tenant.id() + ": QUARANTINED (scope " + scope + ", " + steps + " steps, each audited) for "
                                + alerts);
                return ExitCode.OK;
            }
            case ExitCode.CHECK_FAILED -> {
                // Quarantined meanwhile, by someone else: what respond wanted holds.
                show(out, tenant.id(), tenant.id() + ": already quarantined meanwhile; nothing to do");
                return ExitCode.OK;
            }
            default -> {
                out.println(tenant.id() + ": quarantine FAILED (exit " + run.exit() + "); see the lines above");
                shown.remove(tenant.id());
                return run.exit() == ExitCode.USAGE ? ExitCode.USAGE : ExitCode.UNAVAILABLE;
            }
        }
    }

    /** {@code enclave quarantine} as an operator would run it, with the options respond was given for it. */
    private CliRun quarantine(TenantConfig tenant, String scope, String reason) {
        List<String> args = new ArrayList<>(List.of(
                "quarantine",
                "-c",
                configFile.file().toString(),
                "-t",
                tenant.id(),
                "--scope",
                scope,
                "--reason",
                reason));
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            if (HANDED_ON.contains(option.longestName())) {
                for (String value : option.stringValues()) {
                    args.add(option.longestName());
                    args.add(value);
                }
            }
        }
        CommandLine cli = EnclaveCli.commandLine(EnclaveCli.devMode(spec));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args.toArray(String[]::new));
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** What quarantine printed, and its exit code. */
    private record CliRun(int exit, String out, String err) {}

    /** Prints {@code line}; with --watch only when it differs from what was last shown for {@code topic}. */
    private void show(PrintWriter to, String topic, String line) {
        if (mode.watch && line.equals(shown.get(topic))) {
            return;
        }
        shown.put(topic, line);
        to.println(line);
    }
}
