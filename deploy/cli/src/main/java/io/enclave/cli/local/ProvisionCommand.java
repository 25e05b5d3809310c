package io.enclave.cli.local;

import io.enclave.cli.Progress;
import io.enclave.cli.provision.DatabaseProvisioner;
import io.enclave.cli.provision.KafkaAdminConfig;
import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.cli.provision.ProvisionReport;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantKeys;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.sinks.dialect.Dialects;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * {@code enclave local provision FILE [--tenant ID]}: what a local tenant needs before its job
 * starts, idempotently, with the ops CLI's one provisioning ({@code io.enclave.cli.provision}) as
 * the local servers' admins: on Kafka its topics, SCRAM principals, ACLs on its own names and
 * quotas; on the database its database, tables, account and grants; then its keys.
 */
@Command(
        name = "provision",
        description = "Create each tenant's topics, Kafka principals and ACLs, database,"
                + " tables, database user and grants, and keys, on the local broker and database.")
final class ProvisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Option(names = "--tenant", description = "Only this tenant (default: all).")
    String tenantId;

    @Option(
            names = "--admin-user",
            defaultValue = "${env:ENCLAVE_DB_ADMIN_USER:-root}",
            description = "Database administrator (env ENCLAVE_DB_ADMIN_USER, default root).")
    String adminUser;

    @Option(
            names = "--kafka-admin-config",
            defaultValue = "${env:ENCLAVE_KAFKA_ADMIN_CONFIG}",
            description = "Kafka client properties of the broker's super user (env ENCLAVE_KAFKA_ADMIN_CONFIG).")
    Path kafkaAdminConfig;

    /** Read from the environment only, so the password never shows in a process list. */
    private static String adminPassword() {
        String fromEnv = System.getenv("ENCLAVE_DB_ADMIN_PASSWORD");
        return fromEnv != null ? fromEnv : io.enclave.embedded.EmbeddedMariaDb.ROOT_PASSWORD;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> loaded = LocalConfig.load(file, spec);
        if (loaded.isEmpty()) {
            return LocalTools.INVALID_CONFIG;
        }
        EnclaveConfig config = loaded.get();
        Optional<List<TenantConfig>> tenants = LocalConfig.select(config, tenantId, err);
        if (tenants.isEmpty()) {
            return 1;
        }
        int kafkaExit = provisionKafka(config, tenants.get(), out, err);
        if (kafkaExit == 1) {
            return 1;
        }
        int databaseExit = provisionDatabase(config, tenants.get(), out);
        if (databaseExit == 1) {
            return 1;
        }
        for (TenantConfig tenant : tenants.get()) {
            boolean created = TenantKeys.ensure(config.global(), tenant, "enclave local provision");
            out.printf(
                    "keys of %s: %s in %s; %s%n",
                    tenant.id(),
                    created ? "created" : "present",
                    tenant.keystore().path(),
                    AuditSigning.pinHint(tenant, AuditTrust.read(AuditSigning.trustFile(tenant))));
        }
        return Math.max(kafkaExit, databaseExit);
    }

    /**
     * The database's part of the ops CLI's provisioning, as the local MariaDB's administrator:
     * each tenant's database, tables, account and grants, one line per resource. Returns the
     * report's exit code: 0 in line, 1 a fix failed, 3 something is left for a human.
     */
    private int provisionDatabase(EnclaveConfig config, List<TenantConfig> tenants, PrintWriter out) throws Exception {
        try (Connection admin =
                DriverManager.getConnection(config.global().databaseJdbcUrl(), adminUser, adminPassword())) {
            DatabaseProvisioner provisioner =
                    new DatabaseProvisioner(admin, config.global(), Dialects.of(config.global()));
            ProvisionReport report = new ProvisionReport();
            try (Progress progress =
                    Progress.of(spec.commandLine().getErr(), "provision: database", tenants.size(), "tenants")) {
                for (TenantConfig tenant : tenants) {
                    report.addAll(provisioner.plan(tenant));
                    progress.step(tenant.id());
                }
            }
            return report.run(false, out);
        }
    }

    /**
     * The ops CLI's Kafka provisioning, as the local broker's super user: each tenant's topics,
     * SCRAM users, ACLs on its own names and transactional ids, and quotas, printed one line per
     * resource. Returns the report's exit code: 0 in line, 1 a fix failed, 3 something is left for a human.
     */
    private int provisionKafka(EnclaveConfig config, List<TenantConfig> tenants, PrintWriter out, PrintWriter err)
            throws Exception {
        if (kafkaAdminConfig == null) {
            err.println("provision: Kafka needs the broker's admin client properties: --kafka-admin-config FILE"
                    + " or ENCLAVE_KAFKA_ADMIN_CONFIG (kafka.sh writes kafka/admin.properties in the run dir)");
            return 1;
        }
        Map<String, Object> adminProps =
                KafkaAdminConfig.load(kafkaAdminConfig, config.global(), "enclave-local-provision");
        ProvisionReport report = new ProvisionReport();
        try (Admin admin = Admin.create(adminProps)) {
            KafkaProvisioner provisioner = new KafkaProvisioner(admin, adminProps, config.global());
            try (Progress progress =
                    Progress.of(spec.commandLine().getErr(), "provision: Kafka", tenants.size(), "tenants")) {
                for (TenantConfig tenant : tenants) {
                    report.addAll(provisioner.plan(tenant));
                    progress.step(tenant.id());
                }
            }
            // The fixes use the admin client, so they run before it closes.
            return report.run(false, out);
        }
    }
}
