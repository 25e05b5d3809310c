package io.enclave.embedded.events;

/** One generated message: the topic it goes to, its bytes, and what the pipeline should decide. */
public record GeneratedEvent(String topic, String key, byte[] payload, Expectation expectation) {

    /** What a correct pipeline does with the message. */
    public enum Expectation {
        ACCEPT,
        FOREIGN_TENANT,
        DISALLOWED_STATE,
        OVER_CLASSIFIED,
        MALFORMED
    }
}
