package io.enclave.cli;

import io.enclave.cli.incident.ChainQuarantine;
import io.enclave.cli.incident.DatabaseGrantees;
import io.enclave.cli.incident.FlinkJobs;
import io.enclave.cli.incident.PublisherDenial;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.ingest.IngestOptions;
import io.enclave.jobs.TenantIngestJob;
import io.enclave.jobs.TenantJob;
import io.enclave.jobs.TenantJobSettings;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.sinks.TenantDatabase;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code enclave release -c FILE -t ID}: reverses exactly what the tenant's recorded quarantine
 * did, newest step first, once the record is checked against the servers (see {@link #foreignSteps}
 * and {@link #jobProblems}): unlocks the accounts it locked (not those it found locked), resumes each
 * job it stopped from that job's savepoint (so every event published before the quarantine, still unread in Kafka, is
 * processed now, and nothing processed before is processed twice), and removes the DENY ACLs it
 * added. Each step is audited; the record is then kept as history and the tenant counts as running.
 */
@Command(
        name = "release",
        description = {
            "Reverse a tenant's recorded quarantine: unlock its accounts, resume its jobs from their savepoints,"
                    + " remove the publisher's DENY ACLs. Every step is audited.",
            "Before anything is reversed, the record is checked: every ACL and account must be the tenant's, no job"
                    + " of the tenant may be running already, and each savepoint must be the last one its job completed"
                    + " per Flink's checkpoint history.",
            "Exit codes: 0 released; 1 not quarantined, a job of the tenant already running, or a record release"
                    + " refuses (nothing reversed); 2 invalid config or options; 3 the audit topic, broker, cluster or"
                    + " database unreachable (the steps not yet reversed stay recorded)."
        })
final class ReleaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    @Mixin
    AdminCredentials admin;

    @Mixin
    FlinkRestOption flink;

    @Mixin
    TimeoutOption timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        TenantConfig tenant = tenantOption.of(config, configFile);
        QuarantineFile file = QuarantineFile.of(tenant);
        Optional<QuarantineState> recorded = file.read();
        if (recorded.isEmpty()) {
            err.println("tenant " + tenant.id() + " is not quarantined (no " + file.path() + ")");
            return ExitCode.CHECK_FAILED;
        }
        QuarantineState state = recorded.get();
        if (state.steps.stream().anyMatch(s -> "db_account".equals(s.kind)) && !admin.hasDatabase()) {
            err.println("release: unlocking database accounts needs admin credentials: --db-admin-user (or"
                    + " ENCLAVE_DB_ADMIN_USER) and --db-admin-password-file or ENCLAVE_DB_ADMIN_PASSWORD");
            return ExitCode.USAGE;
        }
        List<String> foreign = foreignSteps(config, tenant, state, grantees(config, tenant, state));
        if (!foreign.isEmpty()) {
            foreign.forEach(problem -> err.println("release of " + tenant.id() + " refused: " + file.path() + " "
                    + problem + "; nothing was reversed"));
            return ExitCode.CHECK_FAILED;
        }
        List<String> jobProblems = jobProblems(state);
        if (!jobProblems.isEmpty()) {
            jobProblems.forEach(problem ->
                    err.println("release of " + tenant.id() + " refused: " + problem + "; nothing was reversed"));
            return ExitCode.CHECK_FAILED;
        }
        timeout.waitingFor(
                err, spec.qualifiedName(), "the audit topic " + tenant.names().auditTopic());
        try (AuditSubmitter audit = admin.auditSubmitter(config, tenant, timeout, "enclave-release-audit")) {
            List<QuarantineState.Step> newestFirst = new ArrayList<>(state.steps);
            Collections.reverse(newestFirst);
            for (QuarantineState.Step step : newestFirst) {
                String done;
                try {
                    done = reverse(config, tenant, step);
                } catch (Exception e) {
                    audit.submit(AuditSubmitter.commandRecord(
                            tenant,
                            AuditAction.RELEASE,
                            AuditOutcome.FAILED,
                            "release",
                            step.kind,
                            "could not reverse " + step.kind + " " + step.target + ": " + e.getMessage()));
                    err.println("release of " + tenant.id() + " stopped at " + step.kind + " " + step.target + ": "
                            + e.getMessage() + "; the steps not yet reversed stay in " + file.path());
                    return ExitCode.UNAVAILABLE;
                }
                state.steps.remove(step);
                file.write(state);
                audit.submit(AuditSubmitter.commandRecord(
                        tenant, AuditAction.RELEASE, AuditOutcome.SUCCESS, "release", step.kind, done));
                out.println(done);
            }
            String summary = "released " + tenant.id() + ", quarantined since " + state.since + " (" + state.reason
                    + "); " + state.refusedEvents + " events were refused to its publishers meanwhile";
            audit.submit(AuditSubmitter.commandRecord(
                    tenant, AuditAction.RELEASE, AuditOutcome.SUCCESS, "release", ChainQuarantine.RELEASED, summary));
            file.archive(Instant.now());
            out.println(summary);
            return ExitCode.OK;
        } catch (AuditUnavailableException e) {
            err.println("cannot submit the audit records of release to the audit trail of tenant " + tenant.id() + ": "
                    + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
    }

    /**
     * The steps of the record that are not the tenant's own, each as one line. The record sits beside the key store
     * and nothing signs it, so whoever can write there could otherwise have release unlock, re-allow or resume
     * anything in the admin's name: another tenant's account or ACL, or SQL spliced into an account name. An ACL must
     * be one that quarantine derives from the config for this tenant, never one quarantine found denied already
     * ({@code alreadyDenied}, an operator's own), an account one of {@code grantees} (those the
     * server shows with a grant on the tenant's database, quoted as quarantine quoted them) and never one quarantine
     * found locked already, and a job the tenant's; its savepoint is checked against Flink by {@link #jobProblems}.
     */
    static List<String> foreignSteps(
            EnclaveConfig config, TenantConfig tenant, QuarantineState state, List<String> grantees) {
        List<String> problems = new ArrayList<>();
        if (!tenant.id().equals(state.tenant)) {
            problems.add("is the record of tenant '" + state.tenant + "'");
        }
        List<String> accounts =
                grantees.stream().filter(a -> !state.alreadyLocked.contains(a)).toList();
        List<String> denials = PublisherDenial.bindings(tenant).stream()
                .map(PublisherDenial::describe)
                .toList();
        for (QuarantineState.Step step : state.steps) {
            boolean own = switch (step.kind == null ? "" : step.kind) {
                case "db_account" -> accounts.contains(step.target);
                case "publisher_acl" -> denials.contains(step.target) && !state.alreadyDenied.contains(step.target);
                case "tenant_job" -> tenant.names().jobName().equals(step.target);
                case "ingest_job" -> tenant.names().ingestJobName().equals(step.target);
                default -> false;
            };
            if (!own) {
                problems.add("names " + step.kind + " " + step.target
                        + (step.savepoint == null || step.savepoint.isEmpty()
                                ? ""
                                : " (savepoint " + step.savepoint + ")")
                        + ", which quarantine never takes for tenant " + tenant.id());
            }
        }
        return problems;
    }

    /**
     * The accounts the server shows with a grant on the tenant's database, when the record holds an account to unlock;
     * an account outside them was never locked by a quarantine of this tenant.
     */
    private List<String> grantees(EnclaveConfig config, TenantConfig tenant, QuarantineState state) throws Exception {
        if (state.steps.stream().noneMatch(s -> "db_account".equals(s.kind))) {
            return List.of();
        }
        try (Connection db = admin.database(config, timeout)) {
            return DatabaseGrantees.of(db, tenant.database().schema());
        }
    }

    /**
     * Why the recorded jobs cannot be resumed, per the JobManager, each as one line. A job of that name already
     * running would be doubled by a second one reading the same topics into the same tables. A savepoint must be the
     * last one the recorded job completed, that job the last of its name to finish: the record is not signed, and an
     * older savepoint would replay every record written since into the tables and the chain.
     */
    private List<String> jobProblems(QuarantineState state) throws Exception {
        List<QuarantineState.Step> jobSteps = state.steps.stream()
                .filter(s -> "tenant_job".equals(s.kind) || "ingest_job".equals(s.kind))
                .toList();
        List<String> problems = new ArrayList<>();
        if (jobSteps.isEmpty()) {
            return problems;
        }
        try (RestClusterClient<?> client = flink.client()) {
            FlinkJobs jobs = new FlinkJobs(client, timeout.duration());
            for (QuarantineState.Step step : jobSteps) {
                Optional<JobID> running = jobs.running(step.target);
                if (running.isPresent()) {
                    problems.add("job " + step.target + " is already running (" + running.get()
                            + "); resuming it would start a second one");
                    continue;
                }
                jobs.notTheQuarantineSavepoint(step.target, step.jobId, step.savepoint)
                        .ifPresent(why -> problems.add("the recorded savepoint " + step.savepoint + " of job "
                                + step.target + " is not the one the quarantine took: " + why));
            }
        }
        return problems;
    }

    private String reverse(EnclaveConfig config, TenantConfig tenant, QuarantineState.Step step) throws Exception {
        switch (step.kind) {
            case "db_account" -> {
                try (Connection db = admin.database(config, timeout);
                        Statement st = db.createStatement()) {
                    st.execute(TenantDatabase.unlockStatement(step.target));
                }
                return "unlocked: account " + step.target;
            }
            case "tenant_job", "ingest_job" -> {
                JobClient job = resume(config, tenant, step);
                return "resumed from savepoint " + step.savepoint + ": job " + step.target + " (" + job.getJobID()
                        + ")";
            }
            case "publisher_acl" -> {
                AclBinding denial = PublisherDenial.parse(step.target);
                try (Admin kafka = Admin.create(admin.kafkaAdminProperties(config, "enclave-release", timeout))) {
                    kafka.deleteAcls(List.of(denial.toFilter())).all().get();
                }
                return "removed: acl " + step.target;
            }
            default -> throw new IllegalStateException("unknown quarantine step " + step.kind);
        }
    }

    /** Submits the job again, restoring the savepoint it was stopped with; only the tenant's own slice of config goes in. */
    private JobClient resume(EnclaveConfig config, TenantConfig tenant, QuarantineState.Step step) throws Exception {
        EnclaveConfig slice = config.sliceFor(tenant.id());
        TenantConfig own = slice.tenant(tenant.id());
        Configuration extra = flink.remote();
        extra.set(StateRecoveryOptions.SAVEPOINT_PATH, step.savepoint);
        if ("ingest_job".equals(step.kind)) {
            return TenantIngestJob.environment(slice.global(), own, IngestOptions.defaults(), extra)
                    .executeAsync(own.names().ingestJobName());
        }
        Configuration conf = TenantJobSettings.forTenant(own);
        conf.addAll(extra);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        TenantJob.addTenantGraph(env, slice.global(), own, TenantKafkaSource.create(slice.global(), own));
        return env.executeAsync(own.names().jobName());
    }
}
