package io.enclave.cli;

import io.enclave.cli.provision.KafkaAdminConfig;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.KafkaAuditSubmitter;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The admin credentials of the commands that change the servers for a tenant (provision,
 * quarantine, release): a Kafka client properties file and a database admin whose password
 * comes from a file or an environment variable, never from the command line.
 */
final class AdminCredentials {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--kafka-admin-config",
            defaultValue = "${env:ENCLAVE_KAFKA_ADMIN_CONFIG}",
            description = "Kafka client properties of an admin principal (security.protocol, sasl.*, ssl.*);"
                    + " bootstrap.servers defaults to the config's.")
    Path kafkaAdminConfig;

    @Option(
            names = "--db-admin-user",
            defaultValue = "${env:ENCLAVE_DB_ADMIN_USER}",
            description = "Database user allowed to create databases, users and grants.")
    String dbAdminUser;

    /** The database admin's password: a file or an environment variable, as {@code validate} reads it. */
    @Mixin
    DatabaseAdminPassword dbAdminPassword;

    boolean hasKafka() {
        return kafkaAdminConfig != null;
    }

    boolean hasDatabase() {
        return dbAdminUser != null && !dbAdminUser.isEmpty();
    }

    /** The admin client's properties; every call gives up after {@code timeout} with a TimeoutException (exit 3). */
    Map<String, Object> kafkaAdminProperties(EnclaveConfig config, String clientId, TimeoutOption timeout)
            throws IOException {
        Map<String, Object> map = KafkaAdminConfig.load(kafkaAdminConfig, config.global(), clientId);
        map.putIfAbsent(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                timeout.duration().toMillis());
        map.putIfAbsent(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int)
                Math.min(timeout.duration().toMillis(), 30_000));
        return map;
    }

    /**
     * The tenant's audit submitter for a command that contains or releases it: as the Kafka admin when its
     * credentials are given, since a quarantine denies the publisher its audit topic; else as the publisher, as
     * every command. Signed with the CLI key either way.
     */
    AuditSubmitter auditSubmitter(EnclaveConfig config, TenantConfig tenant, TimeoutOption timeout, String clientId)
            throws IOException, AuditUnavailableException {
        if (!hasKafka()) {
            return KafkaAuditSubmitter.open(
                    config.global(), tenant, AuditSigning.factory(tenant, SignerRole.CLI), timeout.duration());
        }
        Properties login = new Properties();
        login.putAll(kafkaAdminProperties(config, clientId, timeout));
        return KafkaAuditSubmitter.open(
                config.global(), tenant, AuditSigning.factory(tenant, SignerRole.CLI), timeout.duration(), login);
    }

    /** A connection as the database admin, giving up after {@code timeout}. */
    Connection database(EnclaveConfig config, TimeoutOption timeout) throws SQLException {
        DriverManager.setLoginTimeout((int) timeout.duration().toSeconds());
        return DriverManager.getConnection(config.global().databaseJdbcUrl(), dbAdminUser, dbAdminPassword.password());
    }
}
