package io.enclave.cli;

import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.config.DatabaseDialect;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.sinks.AuditPurge;
import io.enclave.sinks.AuditVerifier;
import io.enclave.sinks.dialect.Dialects;
import io.enclave.jobs.audit.OperatingSystemUser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enclave audit verify|purge}: check a tenant's audit chain, or apply its retention on MySQL. */
@Command(name = "audit", description = "Verify a tenant's tamper-evident audit trail, or purge it past retention.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Purge.class})
final class AuditCommand {
    /** Exit code of verify when the chain is broken; it names the first bad sequence. */
    static final int CHAIN_BROKEN = 1;
    /** Exit code when the database cannot be read: nothing was verified. */
    static final int UNREACHABLE = 3;

    /** Where the tenant's database is: from the config, or overridden by flags. Passwords only via the environment. */
    static final class Connect {
        @Option(names = "--config", defaultValue = "${sys:enclave.home:-.}/tenant-config/examples/tenants.yaml",
                description = "Tenant config YAML file (default: ${DEFAULT-VALUE}).")
        Path config;

        @Option(names = "--tenant", required = true, description = "Tenant id whose audit chain to check.")
        String tenantId;

        @Option(names = "--jdbc-url", description = "JDBC URL of the database server (default: global.database.jdbc_url).")
        String jdbcUrl;

        @Option(names = "--user", description = "Database user (default: the tenant's own user).")
        String user;

        @Option(names = "--password-env", description = "Environment variable holding the password "
                + "(default: the tenant's password from the config).")
        String passwordEnv;

        @Option(names = "--password-file", description = "File whose first line is the password.")
        Path passwordFile;

        Connection open(EnclaveConfig config, TenantConfig tenant) throws SQLException {
            String server = jdbcUrl != null ? jdbcUrl : config.global().databaseJdbcUrl();
            String url = config.global().withDatabase(server, config.global().databaseDialect())
                    .jdbcUrlFor(tenant.database().schema());
            String password = passwordEnv != null ? System.getenv().getOrDefault(passwordEnv, "")
                    : passwordFile != null ? firstLine(passwordFile)
                    : tenant.database().password().reveal();
            return DriverManager.getConnection(url, user != null ? user : tenant.database().user(), password);
        }

        private static String firstLine(Path file) throws SQLException {
            try {
                return java.nio.file.Files.readAllLines(file).stream().findFirst().orElse("");
            } catch (java.io.IOException e) {
                throw new SQLException("cannot read the password file " + file, e);
            }
        }
    }

    /** {@code enclave audit verify --config FILE --tenant ID}. */
    @Command(name = "verify", description = "Walk the tenant's audit chain; exit 1 naming the first bad sequence.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Connect connect;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<EnclaveConfig> loaded = ConfigFile.load(connect.config, spec);
            if (loaded.isEmpty()) {
                return EnclaveCli.INVALID_CONFIG;
            }
            EnclaveConfig config = loaded.get();
            TenantConfig tenant = config.tenant(connect.tenantId);
            AuditVerifier.Verdict v;
            try (KeyProvider keys = KeystoreKeyProviderFactory.forTenant(tenant).open();
                    Connection c = connect.open(config, tenant)) {
                v = new AuditVerifier(c, tenant.database().schema(), tenant.id(), new AuditChain(keys.auditKey()))
                        .verify();
            } catch (SQLException e) {
                err.printf("audit verify: cannot read the audit log of %s: %s%n", tenant.id(), e.getMessage());
                return UNREACHABLE;
            }
            if (!v.ok()) {
                err.printf("audit chain of %s is BROKEN at sequence %d: %s%n", tenant.id(), v.badSequence(), v.problem());
                return CHAIN_BROKEN;
            }
            out.printf("audit chain of %s verified: %d records (sequence %d..%d), head %s, signed head at sequence %d%n",
                    tenant.id(), v.records(), v.firstSequence(), v.lastSequence(), v.headHash(), v.signedHead());
            return 0;
        }
    }

    /** {@code enclave audit purge --config FILE --tenant ID}: MySQL/MariaDB retention; StarRocks drops partitions itself. */
    @Command(name = "purge", description = "Delete audit rows older than retention_days (MySQL/MariaDB), leaving a "
            + "signed anchor so the rest still verifies. Needs a user with DELETE on the tenant's database.")
    static final class Purge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Connect connect;

        @Option(names = "--older-than-days", description = "Override audit_requirements.retention_days.")
        Integer days;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<EnclaveConfig> loaded = ConfigFile.load(connect.config, spec);
            if (loaded.isEmpty()) {
                return EnclaveCli.INVALID_CONFIG;
            }
            EnclaveConfig config = loaded.get();
            TenantConfig tenant = config.tenant(connect.tenantId);
            if (config.global().databaseDialect() == DatabaseDialect.STARROCKS && connect.jdbcUrl == null) {
                err.println("audit purge: StarRocks drops audit_log partitions older than retention_days by itself "
                        + "(dynamic partitioning); purge is for MySQL and MariaDB (pass --jdbc-url)");
                return EnclaveCli.INVALID_CONFIG;
            }
            int keep = days != null ? days : tenant.auditRequirements().retentionDays();
            Instant cutoff = Instant.now().minus(Duration.ofDays(keep));
            String by = OperatingSystemUser.name() + " via enclave audit purge";
            try (KeyProvider keys = KeystoreKeyProviderFactory.forTenant(tenant).open();
                    Connection c = connect.open(config, tenant)) {
                AuditPurge.Result r = new AuditPurge(c, Dialects.MYSQL.dialect(), tenant.database().schema(), tenant.id(),
                        new AuditChain(keys.auditKey())).purgeBefore(cutoff, by);
                out.printf("purged %d audit records of %s older than %d days; the chain now starts at sequence %d "
                        + "(signed anchor in audit_anchor)%n", r.purgedRows(), tenant.id(), keep, r.firstRetained());
                return 0;
            } catch (IllegalStateException e) {
                err.println("audit purge: " + e.getMessage());
                return CHAIN_BROKEN;
            } catch (SQLException e) {
                err.printf("audit purge: cannot purge the audit log of %s: %s%n", tenant.id(), e.getMessage());
                return UNREACHABLE;
            }
        }
    }
}
