package io.enclave.cli;

import io.enclave.config.DatabaseDialect;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.cli.provision.DatabaseProvisioner;
import io.enclave.cli.provision.KafkaAdminConfig;
import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.cli.provision.ProvisionReport;
import io.enclave.sinks.dialect.Dialects;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code enclave provision FILE [--tenant ID] [--kafka] [--database] [--dry-run]}: makes each
 * tenant's Kafka topics, users, ACLs and quotas and its database, account and grants match the
 * config, printing one line per resource. Run twice, the second run changes nothing. With
 * {@code --dry-run} it only lists the differences and exits 3 when there are any.
 */
@Command(name = "provision", description = {
        "Create or reconcile each tenant's Kafka topics, SCRAM users, ACLs and quotas, and its database,"
                + " tables, account and grants, from the config. Idempotent.",
        "Admin credentials: --kafka-admin-config (or ENCLAVE_KAFKA_ADMIN_CONFIG), a Kafka client properties file;"
                + " --db-admin-user/--db-admin-password (or ENCLAVE_DB_ADMIN_USER/ENCLAVE_DB_ADMIN_PASSWORD).",
        "Exit codes: 0 in line with the config, 2 invalid config, 3 differences (dry run) or some left for a human,"
                + " 1 an error."})
final class ProvisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Option(names = "--tenant", description = "Only this tenant.")
    String tenantId;

    @Option(names = "--kafka", description = "Kafka only (default: Kafka and database).")
    boolean kafka;

    @Option(names = "--database", description = "Database only (default: Kafka and database).")
    boolean database;

    @Option(names = "--dry-run", description = "List every difference from the config; change nothing.")
    boolean dryRun;

    @Option(names = "--kafka-admin-config", defaultValue = "${env:ENCLAVE_KAFKA_ADMIN_CONFIG}",
            description = "Kafka client properties of an admin principal (security.protocol, sasl.*, ssl.*);"
                    + " bootstrap.servers defaults to the config's.")
    Path kafkaAdminConfig;

    @Option(names = "--kafka-super-users", defaultValue = "${env:ENCLAVE_KAFKA_SUPER_USERS}", split = ";",
            description = "The brokers' super.users, as in their config (User:a;User:b), when they hold more than"
                    + " the admin of --kafka-admin-config: a tenant naming one is refused. Brokers do not report it.")
    List<String> kafkaSuperUsers;

    @Option(names = "--db-admin-user", defaultValue = "${env:ENCLAVE_DB_ADMIN_USER}",
            description = "Database user allowed to create databases, users and grants.")
    String dbAdminUser;

    @Option(names = "--db-admin-password", defaultValue = "${env:ENCLAVE_DB_ADMIN_PASSWORD}",
            description = "Its password; prefer the environment variable, which stays out of the process list.")
    String dbAdminPassword;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> loaded = ConfigFile.load(file, spec);
        if (loaded.isEmpty()) {
            return EnclaveCli.INVALID_CONFIG;
        }
        EnclaveConfig config = loaded.get();
        List<TenantConfig> tenants = tenantId == null ? List.copyOf(config.tenants()) : List.of(config.tenant(tenantId));
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

    /** An error (1) wins over drift (3), which wins over success (0). */
    private static int combine(int a, int b) {
        return a == 1 || b == 1 ? 1 : Math.max(a, b);
    }

    private int provisionKafka(EnclaveConfig config, List<TenantConfig> tenants) throws Exception {
        if (kafkaAdminConfig == null) {
            spec.commandLine().getErr().println("provision: Kafka needs admin credentials: --kafka-admin-config FILE"
                    + " or ENCLAVE_KAFKA_ADMIN_CONFIG (or pass --database only)");
            return 1;
        }
        Map<String, Object> adminProps = kafkaAdminProperties(config);
        ProvisionReport report = new ProvisionReport();
        try (Admin admin = Admin.create(adminProps)) {
            KafkaProvisioner provisioner = new KafkaProvisioner(admin, adminProps, config.global(),
                    kafkaSuperUsers == null ? java.util.Set.of() : kafkaSuperUsers.stream().map(String::trim)
                            .filter(principal -> !principal.isEmpty()).collect(java.util.stream.Collectors.toSet()));
            for (TenantConfig tenant : tenants) {
                report.addAll(provisioner.plan(tenant));
            }
            // The fixes use the admin client, so they run before it closes.
            return report.run(dryRun, spec.commandLine().getOut());
        }
    }

    private int provisionDatabase(EnclaveConfig config, List<TenantConfig> tenants, ProvisionReport report)
            throws SQLException {
        PrintWriter err = spec.commandLine().getErr();
        if (config.global().databaseDialect() != DatabaseDialect.MYSQL) {
            err.println("provision: live database provisioning supports MySQL and MariaDB (global.database.dialect:"
                    + " mysql). For StarRocks, review and apply the output of: ./enclave ddl " + file
                    + " --dialect starrocks");
            return 1;
        }
        if (dbAdminUser == null || dbAdminUser.isEmpty()) {
            err.println("provision: the database needs admin credentials: --db-admin-user and --db-admin-password,"
                    + " or ENCLAVE_DB_ADMIN_USER and ENCLAVE_DB_ADMIN_PASSWORD (or pass --kafka only)");
            return 1;
        }
        try (Connection admin = DriverManager.getConnection(config.global().databaseJdbcUrl(), dbAdminUser,
                dbAdminPassword == null ? "" : dbAdminPassword)) {
            DatabaseProvisioner provisioner = new DatabaseProvisioner(admin, config.global(),
                    Dialects.of(config.global().databaseDialect()));
            for (TenantConfig tenant : tenants) {
                report.addAll(provisioner.plan(tenant));
            }
            return report.run(dryRun, spec.commandLine().getOut());
        }
    }

    private Map<String, Object> kafkaAdminProperties(EnclaveConfig config) throws IOException {
        return KafkaAdminConfig.load(kafkaAdminConfig, config.global(), "enclave-provision");
    }
}
