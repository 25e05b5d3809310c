package io.enclave.config;

import java.io.Serializable;

/** The tenant's own Kafka principal; empty username means the cluster has no authentication. */
public record KafkaCredentials(String username, Secret password) implements Serializable {
    public static final KafkaCredentials NONE = new KafkaCredentials("", Secret.of(""));

    public boolean isPresent() {
        return !username.isEmpty();
    }
}
