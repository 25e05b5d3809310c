package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.SqlDialect;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave probe -c FILE --as B --target A}: an attacker's drill. With tenant B's own
 * credentials it tries to read A's topic, join A's group, write into A's topic and read A's
 * table, and reports what the servers answered. Exit 0 only when every attempt was denied.
 */
@Command(
        name = "probe",
        description = "Try, with one tenant's credentials, to reach another tenant's topics and"
                + " tables; exit 0 only if the brokers and the database deny every attempt.")
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Option(names = "--as", required = true, description = "The tenant whose credentials are used (the attacker).")
    String attackerId;

    @Option(names = "--target", required = true, description = "The tenant whose data is attacked.")
    String targetId;

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers, if not the config's.")
    String bootstrap;

    @Option(names = "--jdbc-url", description = "Database server JDBC URL, if not the config's.")
    String jdbcUrl;

    @Option(names = "--security-protocol", description = "Kafka security protocol, if not the config's.")
    String securityProtocol;

    @Override
    public Integer call() {
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        GlobalSettings configured = config.global();
        GlobalSettings global = configured
                .withKafka(
                        bootstrap != null ? bootstrap : configured.kafkaBootstrapServers(),
                        securityProtocol != null ? securityProtocol : configured.kafkaSecurityProtocol())
                .withDatabase(jdbcUrl != null ? jdbcUrl : configured.databaseJdbcUrl(), configured.databaseDialect());
        // Two tenants, so no -t: it could name either. Each is checked as -t checks one.
        TenantConfig attacker = TenantOption.find(config, attackerId, configFile.file());
        TenantConfig target = TenantOption.find(config, targetId, configFile.file());
        PrintWriter out = spec.commandLine().getOut();
        String topic = target.names().topic(StreamKind.DISASTERS);

        List<Attempt> attempts = List.of(
                new Attempt(
                        attacker.id() + "'s job principal reads " + topic + " in its own group",
                        () -> read(global, attacker, topic, attacker.names().consumerGroup())),
                new Attempt(
                        attacker.id() + "'s job principal joins "
                                + target.names().consumerGroup(),
                        () -> read(
                                global,
                                attacker,
                                attacker.names().topic(StreamKind.DISASTERS),
                                target.names().consumerGroup())),
                new Attempt(attacker.id() + "'s publisher writes into " + topic, () -> write(global, attacker, topic)),
                new Attempt(
                        attacker.id() + "'s database user reads "
                                + target.database().schema(),
                        () -> select(global.jdbcUrlFor(attacker.database().schema()), attacker, target)));
        int allowed = 0;
        for (Attempt attempt : attempts) {
            String verdict = attempt.run();
            boolean denied = verdict.startsWith("DENIED");
            allowed += denied ? 0 : 1;
            out.printf("%-9s %s%n          %s%n", denied ? "DENIED" : "NOT DENIED", attempt.description(), verdict);
        }
        out.printf("%d of %d attempts denied%n", attempts.size() - allowed, attempts.size());
        return allowed == 0 ? 0 : 1;
    }

    /** Asks for the topic's partitions, reads from them, and commits in the group: each needs its own ACL. */
    private static String read(GlobalSettings global, TenantConfig as, String topic, String group) {
        Properties props = KafkaClientLogin.properties(global, as.kafka());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            int records = consumer.poll(Duration.ofSeconds(5)).count();
            consumer.commitSync(Duration.ofSeconds(15));
            return "read " + records + " records and committed offsets in group " + group;
        } catch (KafkaException e) {
            return denial(e);
        }
    }

    private static String write(GlobalSettings global, TenantConfig as, String topic) {
        Properties props = KafkaClientLogin.properties(global, as.kafkaPublisher());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "{\"id\":\"probe\"}".getBytes()))
                    .get();
            return "wrote a record";
        } catch (ExecutionException e) {
            return e.getCause() instanceof KafkaException k ? denial(k) : "failed: " + e.getCause();
        } catch (KafkaException e) {
            return denial(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String select(String url, TenantConfig as, TenantConfig target) {
        try (Connection c = DriverManager.getConnection(
                        url, as.database().user(), as.database().password().reveal());
                Statement st = c.createStatement()) {
            st.executeQuery("SELECT COUNT(*) FROM "
                            + SqlDialect.qualified(target.database().schema(), StreamKind.DISASTERS.table()))
                    .close();
            return "selected from " + target.database().schema();
        } catch (SQLException e) {
            return (isAccessDenied(e) ? "DENIED: " : "failed: ") + e.getMessage();
        }
    }

    /**
     * Whether the server refused a statement for want of a privilege: the answer isolation
     * expects. SQLState 42000 alone is not enough, since MySQL and MariaDB also give it to
     * syntax errors (1064) and unknown names, which prove nothing about isolation. A refused
     * login (1045) is not counted either: then the attacker never got to try.
     */
    static boolean isAccessDenied(SQLException e) {
        return switch (e.getErrorCode()) {
            case 1044, // ER_DBACCESS_DENIED_ERROR: no privilege on the database
                    1142, // ER_TABLEACCESS_DENIED_ERROR: command denied on the table
                    1143, // ER_COLUMNACCESS_DENIED_ERROR: command denied on a column
                    1227 // ER_SPECIFIC_ACCESS_DENIED_ERROR: a global privilege is needed
            -> true;
            default -> false;
        };
    }

    private static String denial(KafkaException e) {
        String type = e.getClass().getSimpleName();
        boolean denied = type.contains("Authorization");
        return (denied ? "DENIED: " : "failed: ") + type + ": " + e.getMessage();
    }

    /** One thing the attacker tries. */
    private record Attempt(String description, java.util.function.Supplier<String> action) {
        String run() {
            return action.get();
        }
    }
}
