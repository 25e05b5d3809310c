package io.enclave.cli.isolation;

import io.enclave.cli.CliRun;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * Two tenants, {@code <suite>_alpha} (Colorado) and {@code <suite>_bravo} (Texas), on a SASL
 * broker and the shared MariaDB, provisioned the way an operator does it: through
 * {@code ./enclave provision}. Each test class passes its own suite name, so databases and
 * users never collide in the one MariaDB of the test JVM.
 */
final class IsolationFixture {
    static final String KAFKA_ADMIN = "enclave-admin";
    static final String KAFKA_ADMIN_PASSWORD = "admin-secret-for-tests";

    final String suite;
    final Path configFile;
    final Path kafkaAdminConfig;
    final EnclaveConfig config;

    IsolationFixture(String suite, Path dir, String bootstrap, String jdbcUrl, EmbeddedKafka kafka) throws IOException {
        this(suite, dir, bootstrap, jdbcUrl, kafka, UnaryOperator.identity());
    }

    /** The same two tenants, with {@code edit} applied to the YAML first (e.g. schema names that collide). */
    IsolationFixture(
            String suite, Path dir, String bootstrap, String jdbcUrl, EmbeddedKafka kafka, UnaryOperator<String> edit)
            throws IOException {
        this.suite = suite;
        this.configFile = dir.resolve(suite + "-tenants.yaml");
        Files.writeString(configFile, edit.apply(yaml(suite, bootstrap, jdbcUrl, dir)));
        this.config = TenantConfigLoader.load(configFile);
        io.enclave.testing.TestKeys.initialise(config.tenants());
        this.kafkaAdminConfig = dir.resolve(suite + "-kafka-admin.properties");
        Properties admin = new Properties();
        if (kafka != null) {
            kafka.adminClientProperties().forEach((k, v) -> admin.setProperty(k, v.toString()));
        }
        try (OutputStream out = Files.newOutputStream(kafkaAdminConfig)) {
            admin.store(out, "admin client of the test broker");
        }
    }

    TenantConfig alpha() {
        return config.tenant(suite + "_alpha");
    }

    TenantConfig bravo() {
        return config.tenant(suite + "_bravo");
    }

    /** Passwords with quotes and backslashes, so JAAS and DDL escaping are exercised too. */
    static String yaml(String suite, String bootstrap, String jdbcUrl, Path keystoreDir) {
        return """
                global:
                  kafka:
                    bootstrap_servers: %2$s
                    security_protocol: SASL_PLAINTEXT
                    sasl_mechanism: SCRAM-SHA-512
                  database:
                    jdbc_url: "%3$s"
                    dialect: mysql
                tenants:
                  %1$s_alpha:
                    organization: "Alpha County Office of Emergency Management"
                    classification_level: RESTRICTED
                    keystore:
                      path: "%4$s/%1$s_alpha-keys.p12"
                      password: "alpha-keys-\\"pw"
                      type: PKCS12
                      signing_passwords: {job: alpha-job-signing-pw, ingest: alpha-ingest-signing-pw, cli: alpha-cli-signing-pw}
                    database:
                      schema: %1$s_alpha_db
                      user: %1$s_alpha_writer
                      password: "alpha-db-'pw\\"\\\\x"
                      encryption_key: %1$s_alpha_key
                    kafka:
                      username: tenant_%1$s_alpha
                      password: "alpha-job-\\"pw"
                      publisher_username: tenant_%1$s_alpha_publisher
                      publisher_password: alpha-publisher-pw
                      quotas: {producer_byte_rate: 20971520, consumer_byte_rate: 41943040, request_percentage: 50}
                    data_restrictions:
                      allowed_states: [CO]
                      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]
                    processing:
                      parallelism: 1
                      batch_size: 200
                      batch_interval: 500ms
                      checkpoint_interval: 2s
                      topic_partitions: 2
                      # Hostile values are checked verbatim in the tables; encryption has its own suite.
                      encrypt: {}
                  %1$s_bravo:
                    organization: "Bravo State Division of Emergency Management"
                    classification_level: INTERNAL
                    keystore:
                      path: "%4$s/%1$s_bravo-keys.p12"
                      password: bravo-keys-pw
                      type: PKCS12
                      signing_passwords: {job: bravo-job-signing-pw, ingest: bravo-ingest-signing-pw, cli: bravo-cli-signing-pw}
                    database:
                      schema: %1$s_bravo_db
                      user: %1$s_bravo_writer
                      password: bravo-db-pw
                      encryption_key: %1$s_bravo_key
                    kafka:
                      username: tenant_%1$s_bravo
                      password: bravo-job-pw
                      publisher_username: tenant_%1$s_bravo_publisher
                      publisher_password: bravo-publisher-pw
                    data_restrictions:
                      allowed_states: [TX]
                      allowed_classifications: [PUBLIC, INTERNAL]
                    processing:
                      parallelism: 1
                      batch_size: 200
                      batch_interval: 500ms
                      checkpoint_interval: 2s
                      topic_partitions: 1
                """.formatted(suite, bootstrap, jdbcUrl, keystoreDir);
    }

    /** {@code ./enclave provision CONFIG --kafka} with the test broker's admin. */
    Run provisionKafka(String... more) {
        return cli(concat(
                new String[] {
                    "provision",
                    "-c",
                    configFile.toString(),
                    "--kafka",
                    "--kafka-admin-config",
                    kafkaAdminConfig.toString()
                },
                more));
    }

    /** {@code ./enclave provision CONFIG --database} as MariaDB's root. */
    Run provisionDatabase(String rootUser, String rootPassword, String... more) {
        return cli(concat(
                new String[] {
                    "provision",
                    "-c",
                    configFile.toString(),
                    "--database",
                    "--db-admin-user",
                    rootUser,
                    "--db-admin-password-file",
                    passwordFile(rootPassword)
                },
                more));
    }

    /** A file holding {@code password}, as provision takes an admin password: never on the command line. */
    static String passwordFile(String password) {
        try {
            Path file = Files.createTempFile("enclave-db-admin", ".password");
            file.toFile().deleteOnExit();
            Files.writeString(file, password + "\n");
            return file.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Run cli(String... args) {
        CliRun run = CliRun.of(args);
        return new Run(run.exit(), run.out(), run.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** What the CLI printed, and its exit code. */
    record Run(int exit, String out, String err) {
        /** The lines of the report whose status column is {@code status}. */
        java.util.List<String> lines(String status) {
            return out.lines()
                    .filter(l -> l.split("\\s+").length > 2 && l.split("\\s+")[2].equals(status))
                    .toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + err;
        }
    }

    /** Every secret of both tenants, to assert none is ever printed. */
    String[] secrets() {
        return config.tenants().stream()
                .flatMap(t -> java.util.stream.Stream.of(
                        t.database().password().reveal(),
                        t.kafka().password().reveal(),
                        t.kafkaPublisher().password().reveal(),
                        t.keystore().password().reveal()))
                .toArray(String[]::new);
    }

    static Map<String, Object> scram(EmbeddedKafka kafka, io.enclave.config.KafkaCredentials who) {
        return kafka.scramClientProperties(who.username(), who.password().reveal());
    }
}
