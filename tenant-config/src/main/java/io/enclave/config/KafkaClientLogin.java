package io.enclave.config;

import java.util.Properties;

/**
 * The Kafka client security settings of one principal: the global pass-through (e.g. TLS trust
 * store) first, then the protocol and, on SASL, that principal's own login and nobody else's.
 */
public final class KafkaClientLogin {
    private KafkaClientLogin() {}

    public static Properties properties(GlobalSettings global, KafkaCredentials principal) {
        Properties props = new Properties();
        props.putAll(global.kafkaClientProperties());
        props.setProperty("security.protocol", global.kafkaSecurityProtocol());
        if (global.kafkaUsesSasl()) {
            props.setProperty("sasl.mechanism", global.kafkaSaslMechanism());
            String module = global.kafkaSaslMechanism().startsWith("SCRAM")
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            props.setProperty(
                    "sasl.jaas.config",
                    module + " required username=\""
                            + jaasEscape(principal.username()) + "\" password=\""
                            + jaasEscape(principal.password().reveal()) + "\";");
        }
        return props;
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
