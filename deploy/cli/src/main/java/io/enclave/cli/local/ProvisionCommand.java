package io.enclave.cli.local;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantKeys;
import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.cli.provision.ProvisionReport;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.Dialects;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code provision FILE [--tenant ID]}: what a local tenant needs before its job starts,
 * idempotently: on Kafka the ops CLI's full provisioning (topics, SCRAM principals, ACLs on the
 * tenant's own names, quotas), and its database, tables, user and keys.
 */
@Command(name = "provision", description = "Create each tenant's topics, Kafka principals and ACLs, database,"
        + " tables and database user.")
final class ProvisionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Option(names = "--tenant", description = "Only this tenant (default: all).")
    String tenantId;

    @Option(names = "--admin-user", defaultValue = "${env:ENCLAVE_DB_ADMIN_USER:-root}",
            description = "Database administrator (env ENCLAVE_DB_ADMIN_USER, default root).")
    String adminUser;

    @Option(names = "--kafka-admin-config", defaultValue = "${env:ENCLAVE_KAFKA_ADMIN_CONFIG}",
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
        Optional<EnclaveConfig> loaded = LocalConfig.load(file, err);
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
        try (Connection admin = DriverManager.getConnection(config.global().databaseJdbcUrl(), adminUser,
                adminPassword())) {
            for (TenantConfig tenant : tenants.get()) {
                TenantDatabase database = new TenantDatabase(tenant, Dialects.of(config.global().databaseDialect()));
                database.createSchema(admin);
                database.createUser(admin);
                out.printf("database %s: tables and user %s ready%n", tenant.database().schema(),
                        tenant.database().user());
                boolean created = TenantKeys.ensure(config.global(), tenant, "deploy/local provision");
                out.printf("keys of %s: %s in %s%n", tenant.id(), created ? "created" : "present",
                        tenant.keystore().path());
            }
        }
        return kafkaExit;
    }

    /**
     * The ops CLI's Kafka provisioning, as the local broker's super user: each tenant's topics,
     * SCRAM users, ACLs on its own names and transactional ids, and quotas, printed one line per
     * resource. Returns the report's exit code: 0 in line, 3 when something is left for a human.
     */
    private int provisionKafka(EnclaveConfig config, List<TenantConfig> tenants, PrintWriter out, PrintWriter err)
            throws Exception {
        if (kafkaAdminConfig == null) {
            err.println("provision: Kafka needs the broker's admin client properties: --kafka-admin-config FILE"
                    + " or ENCLAVE_KAFKA_ADMIN_CONFIG (kafka.sh writes kafka/admin.properties in the run dir)");
            return 1;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(kafkaAdminConfig)) {
            props.load(in);
        }
        Map<String, Object> adminProps = new HashMap<>();
        props.forEach((k, v) -> adminProps.put(k.toString(), v.toString()));
        adminProps.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.global().kafkaBootstrapServers());
        ProvisionReport report = new ProvisionReport();
        try (Admin admin = Admin.create(adminProps)) {
            KafkaProvisioner provisioner = new KafkaProvisioner(admin, adminProps, config.global());
            for (TenantConfig tenant : tenants) {
                report.addAll(provisioner.plan(tenant));
            }
            // The fixes use the admin client, so they run before it closes.
            return report.run(false, out);
        }
    }
}
