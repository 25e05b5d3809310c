package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;

/**
 * The servers the audit ITCases share: a fresh broker, the JVM's MariaDB, and {@code audit-it-tenants.yaml} copied
 * with the broker filled in (the commands run in the test JVM see no test environment), its keys initialised,
 * colorado_state's database recreated and its data, audit and SIEM topics created.
 */
final class AuditItServers implements AutoCloseable {
    final EmbeddedKafka kafka;
    final EmbeddedMariaDb database;
    final Path configFile;
    final EnclaveConfig config;
    final TenantConfig colorado;

    private AuditItServers(EmbeddedKafka kafka, EmbeddedMariaDb database, Path configFile, EnclaveConfig config) {
        this.kafka = kafka;
        this.database = database;
        this.configFile = configFile;
        this.config = config;
        this.colorado = config.tenant("colorado_state");
    }

    /** Starts the broker and prepares colorado_state; {@code name} names the temporary config directory. */
    static AuditItServers start(String name) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        EmbeddedMariaDb database = EmbeddedMariaDb.shared();
        Map<String, String> env =
                Map.of("KAFKA_BOOTSTRAP", kafka.bootstrapServers(), "JDBC_URL", database.rootJdbcUrl());
        Path configFile = Files.createTempDirectory(name).resolve("audit-it-tenants.yaml");
        Path template = Path.of(AuditItServers.class
                .getClassLoader()
                .getResource("audit-it-tenants.yaml")
                .toURI());
        Files.writeString(
                configFile,
                Files.readString(template).replace("${KAFKA_BOOTSTRAP:-localhost:9092}", kafka.bootstrapServers()));
        AuditItServers servers =
                new AuditItServers(kafka, database, configFile, TenantConfigLoader.load(configFile, env));
        TestKeys.initialise(servers.config.tenants());
        try (Connection root = database.rootConnection()) {
            FreshTenantDatabase.recreate(root, servers.colorado);
        }
        kafka.createTopics(2, servers.colorado.names().topics().toArray(String[]::new));
        kafka.createTopics(
                1, servers.config.global().siemTopic(), servers.colorado.names().auditTopic());
        return servers;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
