package io.enclave.config;

import java.util.Map;
import java.util.Optional;

/**
 * Whether the config may carry what only a developer's machine should: the {@code dev-only-*}
 * secrets of the examples, passwords shorter than {@link #MIN_SECRET_LENGTH}, and Kafka without
 * TLS. Off unless {@code ENCLAVE_DEV=1} is in the environment or a command is given
 * {@code --dev}, so a real deployment can never start on them by accident. The loader takes it,
 * so the policy is applied once, where secrets are bound, for every caller.
 *
 * @param on true when development defaults are accepted
 */
public record DevMode(boolean on) {
    /** The environment variable that turns development mode on when it is exactly {@code 1}. */
    public static final String ENVIRONMENT_VARIABLE = "ENCLAVE_DEV";
    /** Secrets starting with this are the examples' development defaults. */
    public static final String DEV_SECRET_PREFIX = "dev-only-";
    /** Shortest secret accepted outside development mode: about 95 bits even from lower-case letters and digits. */
    public static final int MIN_SECRET_LENGTH = 16;
    /** The one Kafka security protocol accepted outside development mode: credentials and records under TLS. */
    public static final String REQUIRED_KAFKA_PROTOCOL = "SASL_SSL";
    /** How to turn development mode on, for messages that refuse a development default. */
    public static final String HOW_TO_ENABLE = DevMode.ENVIRONMENT_VARIABLE + "=1 or --dev";
    /** The line the demo and the local tools print, so nobody mistakes their setup for a deployment. */
    public static final String NOTICE =
            "development mode: dev-only secrets, short passwords and Kafka without TLS are accepted";

    public static final DevMode ON = new DevMode(true);
    public static final DevMode OFF = new DevMode(false);

    /**
     * Why {@code secret} may not be used in this mode, or empty when it may: outside development
     * mode a development default or a secret shorter than {@link #MIN_SECRET_LENGTH} is refused.
     * An empty secret means not given and is left to the caller. The reason never quotes the secret.
     */
    public Optional<String> refusal(String secret) {
        if (on || secret.isEmpty()) {
            return Optional.empty();
        }
        if (secret.startsWith(DEV_SECRET_PREFIX)) {
            return Optional.of("is a development default (" + DEV_SECRET_PREFIX + "...); set a real secret,"
                    + " or turn on development mode (" + HOW_TO_ENABLE + ")");
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            return Optional.of("is shorter than " + MIN_SECRET_LENGTH + " characters; set a stronger secret,"
                    + " or turn on development mode (" + HOW_TO_ENABLE + ")");
        }
        return Optional.empty();
    }

    /** On when this process's environment has {@code ENCLAVE_DEV=1}. */
    public static DevMode fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** On when {@code env} has {@code ENCLAVE_DEV=1}; any other value, or none, is off. */
    public static DevMode fromEnvironment(Map<String, String> env) {
        return "1".equals(env.get(ENVIRONMENT_VARIABLE)) ? ON : OFF;
    }
}
