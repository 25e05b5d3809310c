package io.enclave.cli;

import io.enclave.cli.provision.DatabaseProvisioner;
import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.cli.provision.ProvisionReport;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.Dialects;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave provision -c FILE [-t ID] [--kafka] [--database] [--dry-run]}: makes each
 * tenant's Kafka topics, users, ACLs and quotas and its database, account and grants match the
 * config, printing one line per resource. Run twice, the second run changes nothing. With
 * {@code --dry-run} it only lists the differences and exits 3 when there are any.
 */
@Command(
        name = "provision",
        description = {
            "Create or reconcile each tenant's Kafka topics, SCRAM users, ACLs and quotas, and its database,"
                    + " tables, account and grants, from the config. Idempotent.",
            "Admin credentials: --kafka-admin-config (or ENCLAVE_KAFKA_ADMIN_CONFIG), a Kafka client properties file;"
                    + " --db-admin-user (or ENCLAVE_DB_ADMIN_USER) and the password from --db-admin-password-file or the"
                    + " environment variable --db-admin-password-env names (default ENCLAVE_DB_ADMIN_PASSWORD).",
            "Exit codes: 0 in line with the config; 1 differences (dry run), some left for a human, or a fix failed;"
                    + " 2 invalid config or options; 3 the broker or database unreachable."
        })
final class ProvisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    @Option(names = "--kafka", description = "Kafka only (default: Kafka and database).")
    boolean kafka;

    @Option(names = "--database", description = "Database only (default: Kafka and database).")
    boolean database;

    @Option(names = "--dry-run", description = "List every difference from the config; change nothing.")
    boolean dryRun;

    @Mixin
    TimeoutOption timeout;

    @Mixin
    AdminCredentials admin;

    @Option(
            names = "--kafka-super-users",
            defaultValue = "${env:ENCLAVE_KAFKA_SUPER_USERS}",
            split = ";",
            description = "The brokers' super.users, as in their config (User:a;User:b), when they hold more than"
                    + " the admin of --kafka-admin-config: a tenant naming one is refused. Brokers do not report it.")
    List<String> kafkaSuperUsers;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        List<String> shared = admin.dbAdminPassword.readersWithTheAdminsPassword(config);
        if (!shared.isEmpty()) {
            shared.forEach(err::println);
            return ExitCode.USAGE;
        }
        List<TenantConfig> tenants = tenantOption.selected(config, configFile);
        boolean both = !kafka && !database;
        int exit = 0;
        if (kafka || both) {
            exit = combine(exit, provisionKafka(config, tenants));
        }
        if (database || both) {
            exit = combine(exit, provisionDatabase(config, tenants, new ProvisionReport()));
        }
        return exit;
    }

    /** A usage error (2) wins over drift (1), which wins over success (0). */
    private static int combine(int a, int b) {
        return Math.max(a, b);
    }

    private int provisionKafka(EnclaveConfig config, List<TenantConfig> tenants) throws Exception {
        if (!admin.hasKafka()) {
            spec.commandLine()
                    .getErr()
                    .println("provision: Kafka needs admin credentials: --kafka-admin-config FILE"
                            + " or ENCLAVE_KAFKA_ADMIN_CONFIG (or pass --database only)");
            return ExitCode.USAGE;
        }
        Map<String, Object> adminProps = admin.kafkaAdminProperties(config, "enclave-provision", timeout);
        PrintWriter err = spec.commandLine().getErr();
        ProvisionReport report = new ProvisionReport();
        timeout.waitingFor(
                spec.commandLine().getErr(),
                spec.qualifiedName(),
                "the Kafka cluster at " + adminProps.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin kafkaAdmin = Admin.create(adminProps)) {
            KafkaProvisioner provisioner = new KafkaProvisioner(
                    kafkaAdmin,
                    adminProps,
                    config.global(),
                    kafkaSuperUsers == null
                            ? java.util.Set.of()
                            : kafkaSuperUsers.stream()
                                    .map(String::trim)
                                    .filter(principal -> !principal.isEmpty())
                                    .collect(java.util.stream.Collectors.toSet()));
            try (Progress progress = Progress.of(err, spec.qualifiedName() + ": Kafka", tenants.size(), "tenants")) {
                for (TenantConfig tenant : tenants) {
                    report.addAll(provisioner.plan(tenant));
                    progress.step(tenant.id());
                }
            }
            if (config.auditor().isPresent()) {
                report.addAll(provisioner.planAuditor(config.auditor()));
            }
            // The fixes use the admin client, so they run before it closes.
            return report.run(dryRun, spec.commandLine().getOut());
        }
    }

    private int provisionDatabase(EnclaveConfig config, List<TenantConfig> tenants, ProvisionReport report)
            throws SQLException {
        PrintWriter err = spec.commandLine().getErr();
        if (!admin.hasDatabase()) {
            err.println(
                    "provision: the database needs admin credentials: --db-admin-user (or ENCLAVE_DB_ADMIN_USER) and"
                            + " --db-admin-password-file, or ENCLAVE_DB_ADMIN_PASSWORD (or pass --kafka only)");
            return ExitCode.USAGE;
        }
        timeout.waitingFor(
                err, spec.qualifiedName(), "the database at " + config.global().databaseJdbcUrl());
        try (Connection dbAdmin = admin.database(config, timeout)) {
            DatabaseProvisioner provisioner =
                    new DatabaseProvisioner(dbAdmin, config.global(), Dialects.of(config.global()));
            try (Progress progress = Progress.of(err, spec.qualifiedName() + ": database", tenants.size(), "tenants")) {
                for (TenantConfig tenant : tenants) {
                    report.addAll(provisioner.plan(tenant));
                    progress.step(tenant.id());
                }
            }
            return report.run(dryRun, spec.commandLine().getOut());
        }
    }
}
