package io.enclave.cli.provision;

import io.enclave.config.GlobalSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The admin client settings provisioning runs with, read from a Kafka client properties file
 * (security.protocol, sasl.*, ssl.*), so that no admin secret is ever a command-line argument.
 */
public final class KafkaAdminConfig {
    private KafkaAdminConfig() {}

    /** The file's properties; {@code bootstrap.servers} defaults to the config's, {@code client.id} to {@code clientId}. */
    public static Map<String, Object> load(Path file, GlobalSettings global, String clientId) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        Map<String, Object> map = new HashMap<>();
        props.forEach((k, v) -> map.put(k.toString(), v.toString()));
        map.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        map.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return map;
    }
}
