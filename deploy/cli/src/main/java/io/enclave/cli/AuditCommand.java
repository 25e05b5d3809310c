package io.enclave.cli;

import io.enclave.config.DatabaseDialect;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.KafkaCredentials;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.KafkaAuditSubmitter;
import io.enclave.jobs.audit.SiemTopicReader;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.sinks.AuditPurge;
import io.enclave.sinks.AuditSiemComparison;
import io.enclave.sinks.AuditVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enclave audit verify|purge}: check a tenant's audit chain, or apply its retention on MySQL. */
@Command(
        name = "audit",
        description = "Verify a tenant's tamper-evident audit trail, or purge it past retention.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Purge.class})
final class AuditCommand {
    /**
     * Now, for retention: the system's UTC clock; a test moves it past a tenant's retention to
     * see what verify and purge do once rows are old enough to go.
     */
    static volatile Clock clock = Clock.systemUTC();

    /**
     * The job signing keys an auditor trusts: fingerprints pinned out of band, from
     * {@code --job-key} or {@code audit_requirements.job_key_fingerprint}. Without one the trust
     * file, which whoever runs {@code keys} commands writes, authenticates nothing: refused
     * (exit 4) outside development mode, a warning line in it.
     */
    static final class JobKeyPins {
        @Option(
                names = "--job-key",
                paramLabel = "FINGERPRINT",
                description = "Fingerprint (sha256:HEX, printed by keys init) of the tenant job's audit signing key, "
                        + "pinned out of band; overrides audit_requirements.job_key_fingerprint. Repeat it for a later"
                        + " job key whose rotation record was purged. Required outside development mode.")
        List<String> pinned = new ArrayList<>();

        @Option(
                names = "--ingest-key",
                paramLabel = "FINGERPRINT",
                description = "Fingerprint of the tenant ingest job's first audit signing key (printed by keys init);"
                        + " overrides audit_requirements.ingest_key_fingerprint. Outside development mode a chain"
                        + " with ingest submissions fails without it.")
        List<String> pinnedIngest = new ArrayList<>();

        @Option(
                names = "--cli-key",
                paramLabel = "FINGERPRINT",
                description = "Fingerprint of the tenant CLI's first audit signing key (printed by keys init);"
                        + " overrides audit_requirements.cli_key_fingerprint. Outside development mode a chain"
                        + " with command records fails without it.")
        List<String> pinnedCli = new ArrayList<>();

        /** A role's pins: the command line's, else the config's. */
        private static Set<String> pins(List<String> given, TenantConfig tenant, SignerRole role) {
            if (!given.isEmpty()) {
                return Set.copyOf(given);
            }
            String configured = tenant.auditRequirements().keyFingerprint(role.id());
            return configured.isEmpty() ? Set.of() : Set.of(configured);
        }

        /**
         * The verification policy: the tenant's retention at {@link #clock}, and the pins.
         *
         * @throws KeyUnavailableException when nothing is pinned outside development mode (exit 4)
         * @throws UsageException when a pin is not a fingerprint (exit 2)
         */
        AuditVerifier.Policy policy(
                CommandSpec spec, String command, TenantConfig tenant, AuditTrust trust, Path trustFile) {
            Set<String> pins = pins(pinned, tenant, SignerRole.JOB);
            AuditVerifier.Policy policy;
            try {
                // Outside development mode a role nobody pinned has no authentic key: its first submission fails.
                KeyPins keyPins = new KeyPins(
                        Map.of(
                                SignerRole.JOB,
                                pins,
                                SignerRole.INGEST,
                                pins(pinnedIngest, tenant, SignerRole.INGEST),
                                SignerRole.CLI,
                                pins(pinnedCli, tenant, SignerRole.CLI)),
                        !EnclaveCli.devMode(spec).on());
                policy = new AuditVerifier.Policy(tenant.auditRequirements().retentionDays(), clock, keyPins);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (pins.isEmpty()) {
                String claimed = trust.keys().stream()
                        .filter(k -> k.role() == SignerRole.JOB && k.previous().isEmpty())
                        .map(k -> k.keyId() + " " + k.fingerprint())
                        .findFirst()
                        .map(k -> "; the trust file names " + k + ", which you must check out of band")
                        .orElse("");
                String unpinned = "no job key fingerprint is pinned for tenant " + tenant.id() + " (tenants."
                        + tenant.id() + ".audit_requirements.job_key_fingerprint or --job-key), so the trust file "
                        + trustFile + ", which whoever runs keys commands writes, cannot be authenticated" + claimed;
                if (!EnclaveCli.devMode(spec).on()) {
                    throw new KeyUnavailableException(unpinned);
                }
                spec.commandLine().getErr().println(command + ": WARNING (development mode): " + unpinned);
            }
            return policy;
        }
    }

    /** Where the tenant's database is: from the config, or overridden by flags. Passwords only via the environment. */
    static final class Connect {
        @Option(
                names = "--jdbc-url",
                description = "JDBC URL of the database server (default: global.database.jdbc_url).")
        String jdbcUrl;

        @Option(names = "--user", description = "Database user (default: the tenant's own user).")
        String user;

        @Option(
                names = "--password-env",
                description = "Environment variable holding the password "
                        + "(default: the tenant's password from the config).")
        String passwordEnv;

        @Option(names = "--password-file", description = "File whose first line is the password.")
        Path passwordFile;

        Connection open(EnclaveConfig config, TenantConfig tenant) throws SQLException {
            String server = jdbcUrl != null ? jdbcUrl : config.global().databaseJdbcUrl();
            String url = config.global()
                    .withDatabase(server, config.global().databaseDialect())
                    .jdbcUrlFor(tenant.database().schema());
            String password = passwordEnv != null
                    ? System.getenv().getOrDefault(passwordEnv, "")
                    : passwordFile != null
                            ? firstLine(passwordFile)
                            : tenant.database().password().reveal();
            return DriverManager.getConnection(
                    url, user != null ? user : tenant.database().user(), password);
        }

        private static String firstLine(Path file) throws SQLException {
            try {
                return java.nio.file.Files.readAllLines(file).stream()
                        .findFirst()
                        .orElse("");
            } catch (java.io.IOException e) {
                throw new SQLException("cannot read the password file " + file, e);
            }
        }
    }

    /** {@code enclave audit verify -c FILE -t ID}. */
    @Command(
            name = "verify",
            description = "Walk the tenant's audit chain with its public keys only. Exit codes: "
                    + "0 verified; 1 the chain is broken (named sequence); 2 bad arguments or config; 3 database unreachable; "
                    + "4 trust file missing or unreadable, or no job key pinned outside development mode. With --siem, also compares the chain with its copy on the SIEM topic "
                    + "(exit 1 when they differ, 3 when the broker is unreachable within --timeout).")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption configFile;

        @Mixin
        TenantOption tenantOption;

        @Mixin
        Connect connect;

        @Option(
                names = "--trust-file",
                paramLabel = "FILE",
                description = "The tenant's public audit trust file "
                        + "(default: <keystore>.audit-trust.json beside the tenant's key store). Holds no secret.")
        Path trustFile;

        @Option(
                names = "--siem",
                description =
                        "Also compare every row and signed head with the tenant's copy on "
                                + "the SIEM topic (read_committed, to its end offsets), so a chain rolled back in the database is caught.")
        boolean siem;

        @Mixin
        TimeoutOption timeout;

        @Mixin
        JobKeyPins pins;

        /**
         * Who reads the SIEM topic: the auditor principal ({@code global.audit.auditor}), which may
         * read that topic and nothing of any tenant's. A tenant's principals may only append to it,
         * so on a cluster with authentication there is no other login; without one (development) the
         * tenant's empty login is all there is.
         *
         * @throws UsageException when the cluster authenticates clients and the config names no auditor
         */
        private static KafkaCredentials siemLogin(EnclaveConfig config) {
            if (config.auditor().isPresent()) {
                return config.auditor();
            }
            if (config.global().kafkaUsesSasl()) {
                throw new UsageException(
                        "--siem reads the SIEM topic " + config.global().siemTopic()
                                + " as the auditor principal, and the config names none: set global.audit.auditor"
                                + " (username, password) and run provision --kafka; a tenant's principals may not read it");
            }
            return KafkaCredentials.NONE;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<EnclaveConfig> loaded = configFile.load(spec);
            if (loaded.isEmpty()) {
                return ExitCode.USAGE;
            }
            EnclaveConfig config = loaded.get();
            TenantConfig tenant = tenantOption.of(config, configFile);
            AuditVerifier.Verdict v;
            AuditSiemComparison.Result copy = null;
            try {
                Path trustPath = trustFile != null ? trustFile : AuditSigning.trustFile(tenant);
                AuditTrust trust = AuditTrust.read(trustPath);
                AuditVerifier.Policy policy = pins.policy(spec, "enclave audit verify", tenant, trust, trustPath);
                AuditSiemComparison.SiemCopy siemCopy = null;
                if (siem) {
                    timeout.waitingFor(
                            err,
                            spec.qualifiedName(),
                            "the SIEM topic " + config.global().siemTopic() + " on "
                                    + config.global().kafkaBootstrapServers());
                    siemCopy = SiemTopicReader.read(config.global(), siemLogin(config), tenant, timeout.duration());
                }
                try (Connection c = connect.open(config, tenant)) {
                    v = new AuditVerifier(c, tenant.database().schema(), tenant.id(), trust, policy).verify();
                    if (siemCopy != null) {
                        copy = new AuditSiemComparison(c, tenant.database().schema(), tenant.id(), trust)
                                .compare(siemCopy);
                    }
                }
            } catch (AuditUnavailableException e) {
                err.printf("enclave audit verify: cannot read the SIEM copy of %s: %s%n", tenant.id(), e.getMessage());
                return ExitCode.UNAVAILABLE;
            } catch (SQLException e) {
                err.printf(
                        "enclave audit verify: cannot read the audit log of %s: %s%n",
                        tenant.id(), CliErrors.oneLine(e));
                return ExitCode.UNAVAILABLE;
            }
            boolean differs = copy != null && !copy.same();
            if (differs) {
                AuditSiemComparison.Difference first = copy.differences().get(0);
                err.printf(
                        "audit chain of %s DIFFERS from its SIEM copy at sequence %d: %s (%d differences; database "
                                + "%d rows, signed head %d; SIEM %d rows, signed head %d)%n",
                        tenant.id(),
                        first.sequence(),
                        first.problem(),
                        copy.differences().size(),
                        copy.databaseRows(),
                        copy.databaseHead(),
                        copy.siemRows(),
                        copy.siemHead());
                copy.differences().stream()
                        .skip(1)
                        .limit(20)
                        .forEach(d -> err.printf("  sequence %d: %s%n", d.sequence(), d.problem()));
            }
            if (!v.ok()) {
                err.printf(
                        "audit chain of %s is BROKEN at sequence %d: %s%n", tenant.id(), v.badSequence(), v.problem());
                return ExitCode.CHECK_FAILED;
            }
            if (differs) {
                return ExitCode.CHECK_FAILED;
            }
            if (copy != null) {
                out.printf(
                        "audit chain of %s matches its SIEM copy: %d rows, signed head at sequence %d%n",
                        tenant.id(), copy.siemRows(), copy.siemHead());
            }
            out.printf(
                    "audit chain of %s verified: %d records (sequence %d..%d), head %s, signed head at sequence %d%n",
                    tenant.id(), v.records(), v.firstSequence(), v.lastSequence(), v.headHash(), v.signedHead());
            return 0;
        }
    }

    /** {@code enclave audit purge -c FILE -t ID}: MySQL/MariaDB retention; StarRocks drops partitions itself. */
    @Command(
            name = "purge",
            description = "Delete audit rows older than retention_days (MySQL/MariaDB): the rows before the newest"
                    + " day anchor the tenant job signed whose preceding rows are all older than that, so the rest"
                    + " still verifies from the anchor; chains an AUDIT_PURGE record naming it. Refuses to cut inside"
                    + " retention_days (exit 2). Needs a user with DELETE on the tenant's database.")
    static final class Purge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption configFile;

        @Mixin
        TenantOption tenantOption;

        @Mixin
        Connect connect;

        @Mixin
        JobKeyPins pins;

        @Option(
                names = "--older-than-days",
                description = "Keep more than audit_requirements.retention_days; " + "fewer days are refused.")
        Integer days;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<EnclaveConfig> loaded = configFile.load(spec);
            if (loaded.isEmpty()) {
                return ExitCode.USAGE;
            }
            EnclaveConfig config = loaded.get();
            TenantConfig tenant = tenantOption.of(config, configFile);
            if (config.global().databaseDialect() == DatabaseDialect.STARROCKS && connect.jdbcUrl == null) {
                err.println(
                        "enclave audit purge: StarRocks drops audit_log partitions older than retention_days by itself "
                                + "(dynamic partitioning); purge is for MySQL and MariaDB (pass --jdbc-url)");
                return ExitCode.USAGE;
            }
            int keep = days != null ? days : tenant.auditRequirements().retentionDays();
            Instant cutoff;
            try {
                cutoff = AuditPurge.cutoff(
                        clock.instant(), tenant.auditRequirements().retentionDays(), keep);
            } catch (IllegalArgumentException e) {
                err.println("enclave audit purge: " + e.getMessage());
                return ExitCode.USAGE;
            }
            // The chain is verified as audit verify would before anything is cut, so the same pins apply.
            Path trustPath = AuditSigning.trustFile(tenant);
            AuditTrust trust = AuditTrust.read(trustPath);
            AuditVerifier.Policy policy = pins.policy(spec, "enclave audit purge", tenant, trust, trustPath);
            // The purge is itself chained: the audit topic is reached first, so no purge goes unrecorded.
            try (AuditSubmitter log = KafkaAuditSubmitter.open(
                            config.global(), tenant, AuditSigning.factory(tenant, SignerRole.CLI));
                    Connection c = connect.open(config, tenant)) {
                AuditPurge.Result r =
                        new AuditPurge(c, tenant.database().schema(), tenant.id(), trust, policy).purgeBefore(cutoff);
                String detail = r.purgedRows() == 0
                        ? "purged nothing: no day anchor of the tenant job has only rows older than " + keep
                                + " days before it; the chain still starts at sequence " + r.firstRetained()
                        : "purged " + r.purgedRows() + " audit records older than " + keep + " days; the chain now"
                                + " starts at sequence " + r.firstRetained() + ", at the day anchor signed by "
                                + r.anchorSigner() + " linking to " + r.anchorPrevHash();
                AuditRecord record = AuditSubmitter.commandRecord(
                        tenant, AuditAction.AUDIT_PURGE, AuditOutcome.SUCCESS, "audit purge", "", detail);
                record.rowCount = r.purgedRows();
                record.recordKey = r.purgedRows() == 0 ? "" : "audit_anchor/" + r.firstRetained();
                log.submit(record);
                out.printf("%s: %s%n", tenant.id(), detail);
                return 0;
            } catch (KeyUnavailableException e) {
                err.println("enclave audit purge: " + e.getMessage());
                return ExitCode.KEY_MATERIAL;
            } catch (AuditUnavailableException e) {
                err.printf(
                        "enclave audit purge: cannot chain the purge record of %s, so nothing was purged: %s%n",
                        tenant.id(), e.getMessage());
                return ExitCode.UNAVAILABLE;
            } catch (IllegalStateException e) {
                err.println("enclave audit purge: " + e.getMessage());
                return ExitCode.CHECK_FAILED;
            } catch (SQLException e) {
                err.printf(
                        "enclave audit purge: cannot purge the audit log of %s: %s%n",
                        tenant.id(), CliErrors.oneLine(e));
                return ExitCode.UNAVAILABLE;
            }
        }
    }
}
