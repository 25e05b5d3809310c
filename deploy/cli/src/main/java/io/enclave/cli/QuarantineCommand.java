package io.enclave.cli;

import io.enclave.cli.incident.ChainQuarantine;
import io.enclave.cli.incident.DatabaseGrantees;
import io.enclave.cli.incident.FlinkJobs;
import io.enclave.cli.incident.PublisherDenial;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.DatabaseDialect;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.OperatingSystemUser;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.Dialects;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave quarantine -c FILE -t ID --reason TEXT [--scope publisher|job|readers|all] [--dry-run]}:
 * contains one tenant without losing data or keys. Its publisher is denied everything on every
 * resource pattern provisioning allows it (its topics, audit topic included, and its
 * transactional ids), its processing and ingest jobs are stopped with a savepoint without
 * draining, and every database account the server shows with a grant on its database is locked;
 * each step is recorded in {@link QuarantineFile} as it is taken (so {@code release} reverses
 * exactly what was done) and submitted to the tenant's audit trail, as the Kafka admin once the
 * publisher is denied. Keys are never touched, and no other tenant's resource is named by any step.
 */
@Command(
        name = "quarantine",
        description = {
            "Contain one tenant: DENY ALL ACLs for its publisher on every resource its ALLOWs name (topics, audit"
                    + " topic, transactional ids), its jobs stopped with a savepoint (not drained), every database"
                    + " account with a grant on its database locked (those locked already are recorded and stay"
                    + " locked). Every step is audited and recorded beside the tenant's key store, so"
                    + " `enclave release` reverses exactly what was done. Keys are never destroyed.",
            "Exit codes: 0 contained (or the plan shown); 1 already quarantined; 2 invalid config or options;"
                    + " 3 the audit topic, broker, cluster or database unreachable (the steps taken so far are recorded)."
        })
final class QuarantineCommand implements Callable<Integer> {
    /** What a quarantine contains. */
    enum Scope {
        PUBLISHER,
        JOB,
        READERS,
        ALL;

        boolean covers(Scope part) {
            return this == ALL || this == part;
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why: the alert or ticket.")
    String reason;

    @Option(
            names = "--scope",
            defaultValue = "all",
            description = "publisher, job, readers or all (default: ${DEFAULT-VALUE}).")
    Scope scope;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

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
        Optional<QuarantineState> existing = file.read();
        if (existing.isPresent()) {
            err.println("tenant " + tenant.id() + " is already quarantined"
                    + (existing.get().completed == null ? " (INCOMPLETE: cut short by a failed step)" : "")
                    + " since " + existing.get().since + " (" + existing.get().reason + "); run `enclave release -c "
                    + configFile.file() + " -t " + tenant.id()
                    + "` first");
            return ExitCode.CHECK_FAILED;
        }
        TenantDatabase database =
                new TenantDatabase(tenant, Dialects.of(config.global().databaseDialect()));
        if (dryRun) {
            List<String> plan = plan(config, tenant, database);
            plan.forEach(step -> out.println("would " + step));
            return ExitCode.OK;
        }
        Optional<String> missing = missingPrerequisite(config, tenant);
        if (missing.isPresent()) {
            err.println("quarantine: " + missing.get());
            return ExitCode.USAGE;
        }
        timeout.waitingFor(
                err, spec.qualifiedName(), "the audit topic " + tenant.names().auditTopic());
        QuarantineState state = new QuarantineState();
        state.tenant = tenant.id();
        state.reason = reason;
        state.scope = scope.name().toLowerCase(java.util.Locale.ROOT);
        state.since = Instant.now().toString();
        state.by = OperatingSystemUser.name();
        try (AuditSubmitter audit = admin.auditSubmitter(config, tenant, timeout, "enclave-quarantine-audit")) {
            file.write(state);
            audit.submit(AuditSubmitter.commandRecord(
                    tenant,
                    AuditAction.QUARANTINE,
                    AuditOutcome.SUCCESS,
                    "quarantine",
                    ChainQuarantine.STARTED,
                    "quarantine of " + tenant.id() + " (scope " + state.scope + ") started: " + reason));
            Steps steps = new Steps(tenant, file, state, audit, out);
            try {
                if (scope.covers(Scope.PUBLISHER)) {
                    denyPublisher(config, tenant, steps);
                }
                if (scope.covers(Scope.JOB)) {
                    stopJobs(tenant, steps);
                }
                if (scope.covers(Scope.READERS)) {
                    lockAccounts(config, tenant, steps);
                }
            } catch (AuditUnavailableException e) {
                throw e;
            } catch (Exception e) {
                steps.failed(e);
                err.println("quarantine of " + tenant.id() + " stopped at a failed step (" + e.getMessage()
                        + "); the steps taken are recorded in " + file.path() + " and `enclave release` reverses them");
                return ExitCode.UNAVAILABLE;
            }
            // Only now is the tenant contained as the scope says: the completion record is what closes the alerts the
            // reason names, and what tells respond the quarantine need not be finished.
            state.completed = Instant.now().toString();
            file.write(state);
            audit.submit(AuditSubmitter.commandRecord(
                    tenant,
                    AuditAction.QUARANTINE,
                    AuditOutcome.SUCCESS,
                    "quarantine",
                    ChainQuarantine.COMPLETED,
                    "quarantine of " + tenant.id() + " (scope " + state.scope + ") completed after "
                            + state.steps.size() + " steps: " + reason));
            out.println("quarantined " + tenant.id() + ": " + state.steps.size() + " steps, recorded in " + file.path()
                    + "; keys untouched");
            return ExitCode.OK;
        } catch (AuditUnavailableException e) {
            err.println("cannot submit the audit records of quarantine to the audit trail of tenant " + tenant.id()
                    + ": " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
    }

    /**
     * What a quarantine would do. The accounts come from the server when the admin's credentials are given (read
     * only), else from the config, with a line saying the server's list is what counts.
     */
    private List<String> plan(EnclaveConfig config, TenantConfig tenant, TenantDatabase database) throws Exception {
        List<String> plan = new ArrayList<>();
        if (scope.covers(Scope.PUBLISHER)) {
            PublisherDenial.bindings(tenant).forEach(b -> plan.add("add acl " + PublisherDenial.describe(b)));
            plan.add("submit the audit records of this quarantine as the Kafka admin (the publisher is denied its"
                    + " audit topic)");
        }
        if (scope.covers(Scope.JOB)) {
            plan.add("stop job " + tenant.names().jobName() + " with a savepoint, without draining (event-time windows"
                    + " stay open in the savepoint)");
            plan.add("stop job " + tenant.names().ingestJobName() + " with a savepoint, if it runs");
        }
        if (scope.covers(Scope.READERS)) {
            if (admin.hasDatabase() && config.global().databaseDialect() == DatabaseDialect.MYSQL) {
                try (Connection db = admin.database(config, timeout)) {
                    for (String account :
                            DatabaseGrantees.of(db, tenant.database().schema())) {
                        plan.add(
                                DatabaseGrantees.isLocked(db, account)
                                        ? "leave database account " + account
                                                + " locked (locked already; release keeps it so)"
                                        : "lock database account " + account);
                    }
                }
            } else {
                database.accounts().forEach(a -> plan.add("lock database account " + a));
                plan.add("lock every other account the server shows with a grant on "
                        + tenant.database().schema() + " (give --db-admin-user to list them)");
            }
        }
        return plan;
    }

    private Optional<String> missingPrerequisite(EnclaveConfig config, TenantConfig tenant) {
        if (scope.covers(Scope.PUBLISHER) && !admin.hasKafka()) {
            return Optional.of("denying the publisher needs Kafka admin credentials: --kafka-admin-config FILE or"
                    + " ENCLAVE_KAFKA_ADMIN_CONFIG (or --scope job|readers)");
        }
        if (scope.covers(Scope.PUBLISHER) && !tenant.kafkaPublisher().isPresent()) {
            return Optional.of("tenant " + tenant.id() + " has no publisher principal (kafka.publisher_username)");
        }
        if (scope.covers(Scope.READERS) && config.global().databaseDialect() != DatabaseDialect.MYSQL) {
            return Optional.of("locking database accounts needs MySQL or MariaDB (ALTER USER ... ACCOUNT LOCK);"
                    + " StarRocks has no account lock: revoke the tenant's role from its users by hand (see the README's"
                    + " Detection and containment), then quarantine with --scope publisher or job");
        }
        if (scope.covers(Scope.READERS) && !admin.hasDatabase()) {
            return Optional.of("locking database accounts needs admin credentials: --db-admin-user (or"
                    + " ENCLAVE_DB_ADMIN_USER) and --db-admin-password-file or ENCLAVE_DB_ADMIN_PASSWORD");
        }
        return Optional.empty();
    }

    private void denyPublisher(EnclaveConfig config, TenantConfig tenant, Steps steps) throws Exception {
        try (Admin kafka = Admin.create(admin.kafkaAdminProperties(config, "enclave-quarantine", timeout))) {
            for (AclBinding denial : PublisherDenial.bindings(tenant)) {
                if (!kafka.describeAcls(denial.toFilter()).values().get().isEmpty()) {
                    steps.alreadyDenied(PublisherDenial.describe(denial));
                    continue;
                }
                kafka.createAcls(List.of(denial)).all().get();
                steps.done("publisher_acl", PublisherDenial.describe(denial), "", "", "denied: acl ");
            }
        }
    }

    private void stopJobs(TenantConfig tenant, Steps steps) throws Exception {
        try (RestClusterClient<?> client = flink.client()) {
            FlinkJobs jobs = new FlinkJobs(client, timeout.duration().multipliedBy(4));
            for (String[] job : List.of(
                    new String[] {"tenant_job", tenant.names().jobName()},
                    new String[] {"ingest_job", tenant.names().ingestJobName()})) {
                Optional<JobID> id = jobs.running(job[1]);
                if (id.isEmpty()) {
                    steps.out.println("not running: job " + job[1]);
                    continue;
                }
                String savepoint = jobs.stopWithSavepoint(id.get(), flink.savepointDirectory);
                steps.done(
                        job[0],
                        job[1],
                        savepoint,
                        id.get().toHexString(),
                        "stopped with savepoint " + savepoint + " (not drained): job ");
            }
        }
    }

    /**
     * Locks every account the server shows with a grant on the tenant's database, the config's and any other (a
     * reader dropped from the config keeps its grants). One locked already stays locked and is recorded as such, so
     * the release does not unlock what the quarantine found locked.
     */
    private void lockAccounts(EnclaveConfig config, TenantConfig tenant, Steps steps) throws Exception {
        try (Connection db = admin.database(config, timeout)) {
            for (String account : DatabaseGrantees.of(db, tenant.database().schema())) {
                if (DatabaseGrantees.isLocked(db, account)) {
                    steps.alreadyLocked(account);
                    continue;
                }
                try (Statement st = db.createStatement()) {
                    st.execute(TenantDatabase.lockStatement(account));
                }
                int killed = killSessions(db, account);
                steps.done("db_account", account, "", "", "locked (" + killed + " open sessions closed): account ");
            }
        }
    }

    /** A lock refuses new logins only: the account's open sessions are closed too. */
    private static int killSessions(Connection db, String account) throws Exception {
        String user = DatabaseGrantees.user(account);
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps =
                db.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        for (long id : ids) {
            try (Statement st = db.createStatement()) {
                st.execute("KILL CONNECTION " + id);
            }
        }
        return ids.size();
    }

    /** Records and audits each step as it is taken. */
    private static final class Steps {
        private final TenantConfig tenant;
        private final QuarantineFile file;
        private final QuarantineState state;
        private final AuditSubmitter audit;
        private final PrintWriter out;

        Steps(TenantConfig tenant, QuarantineFile file, QuarantineState state, AuditSubmitter audit, PrintWriter out) {
            this.tenant = tenant;
            this.file = file;
            this.state = state;
            this.audit = audit;
            this.out = out;
        }

        void done(String kind, String target, String savepoint, String jobId, String what)
                throws AuditUnavailableException {
            QuarantineState.Step step =
                    new QuarantineState.Step(kind, target, Instant.now().toString());
            step.savepoint = savepoint;
            step.jobId = jobId;
            state.steps.add(step);
            file.write(state);
            String line = what + target;
            audit.submit(AuditSubmitter.commandRecord(
                    tenant, AuditAction.QUARANTINE, AuditOutcome.SUCCESS, "quarantine", kind, line));
            out.println(line);
        }

        /** An account found locked: recorded and audited, and no step, so release leaves it locked. */
        void alreadyLocked(String account) throws AuditUnavailableException {
            foundInPlace(
                    state.alreadyLocked,
                    account,
                    "db_account_locked",
                    "locked already, left locked (release keeps it so): account ");
        }

        /** A DENY that existed already (an operator's): recorded and audited, and no step, so release keeps it. */
        void alreadyDenied(String acl) throws AuditUnavailableException {
            foundInPlace(
                    state.alreadyDenied,
                    acl,
                    "publisher_acl_denied",
                    "denied already, left in place (release keeps it): acl ");
        }

        private void foundInPlace(List<String> recorded, String target, String reason, String what)
                throws AuditUnavailableException {
            recorded.add(target);
            file.write(state);
            String line = what + target;
            audit.submit(AuditSubmitter.commandRecord(
                    tenant, AuditAction.QUARANTINE, AuditOutcome.SUCCESS, "quarantine", reason, line));
            out.println(line);
        }

        void failed(Exception e) throws AuditUnavailableException {
            audit.submit(AuditSubmitter.commandRecord(
                    tenant,
                    AuditAction.QUARANTINE,
                    AuditOutcome.FAILED,
                    "quarantine",
                    "step_failed",
                    "quarantine step failed after " + state.steps.size() + " steps: " + e.getMessage()));
        }
    }
}
