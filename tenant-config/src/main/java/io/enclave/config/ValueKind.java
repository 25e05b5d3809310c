package io.enclave.config;

/**
 * What a config field holds, which decides whether {@code ${VAR}} may fill it. Secrets,
 * endpoints and paths differ between machines and are handed in by the environment; every other
 * field (names, levels, limits, free text) is written out, so a variable can never turn a
 * password into, say, the organization that is copied into every row's data_owner column.
 */
enum ValueKind {
    /** Written out in the file; {@code ${VAR}} is a problem. */
    LITERAL(false),
    /** A password or key; {@code ${VAR}} is how it should arrive. */
    SECRET(true),
    /** Where and how to reach a server: addresses, URLs, the Kafka protocol, the database dialect. */
    ENDPOINT(true),
    /** A file on the machine that runs the command or job. */
    PATH(true);

    /** The rule, as problems quote it and tenant-config/README.md explains it. */
    static final String RULE = "${...} may fill only secrets, endpoints and paths (see tenant-config/README.md)";

    private final boolean fromEnvironment;

    ValueKind(boolean fromEnvironment) {
        this.fromEnvironment = fromEnvironment;
    }

    boolean fromEnvironment() {
        return fromEnvironment;
    }
}
