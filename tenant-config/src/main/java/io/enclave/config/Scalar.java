package io.enclave.config;

/**
 * One scalar value after {@code ${...}} resolution, with where it came from.
 *
 * @param text the resolved value, which may hold a secret
 * @param raw the text as written in the file; messages quote only this, so a value that came
 *     from the environment is never echoed
 */
record Scalar(String text, String raw, String path, int line) {
    private static final int MAX_QUOTED = 60;

    /** The file's own text in quotes, shortened so one huge value cannot flood the report. */
    String quoted() {
        return quote(raw);
    }

    static String quote(String raw) {
        String shown = raw.length() > MAX_QUOTED ? raw.substring(0, MAX_QUOTED) + "..." : raw;
        return "'" + shown + "'";
    }
}
