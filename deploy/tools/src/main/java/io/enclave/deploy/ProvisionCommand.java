package io.enclave.deploy;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantKeys;
import io.enclave.jobs.audit.AuditTopic;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.Dialects;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code provision FILE [--tenant ID]}: the minimum a local tenant needs before its job starts,
 * its two data topics, its audit topic and its database, tables and user, idempotently. It is the local stand-in
 * for full provisioning (Kafka principals, ACLs, quotas), which the ops CLI owns.
 */
@Command(name = "provision", description = "Create each tenant's topics, database, tables and database user.")
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

    /** Read from the environment only, so the password never shows in a process list. */
    private static String adminPassword() {
        String fromEnv = System.getenv("ENCLAVE_DB_ADMIN_PASSWORD");
        return fromEnv != null ? fromEnv : io.enclave.embedded.EmbeddedMariaDb.ROOT_PASSWORD;
    }

    @Override
    public Integer call() throws SQLException, InterruptedException, ExecutionException, AuditUnavailableException {
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
        createTopics(config, tenants.get(), out);
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
        return 0;
    }

    private static void createTopics(EnclaveConfig config, List<TenantConfig> tenants, PrintWriter out)
            throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.global().kafkaBootstrapServers()))) {
            for (TenantConfig tenant : tenants) {
                List<NewTopic> topics = new ArrayList<>();
                for (StreamKind stream : StreamKind.values()) {
                    // One broker locally: replication factor 1.
                    topics.add(new NewTopic(tenant.names().topic(stream), tenant.processing().topicPartitions(),
                            (short) 1));
                }
                topics.add(AuditTopic.definition(tenant, Optional.of((short) 1)));
                for (NewTopic topic : topics) {
                    try {
                        admin.createTopics(List.of(topic)).all().get();
                        out.printf("topic %s: created (%d partitions)%n", topic.name(), topic.numPartitions());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                        out.printf("topic %s: exists%n", topic.name());
                    }
                }
            }
        }
    }
}
