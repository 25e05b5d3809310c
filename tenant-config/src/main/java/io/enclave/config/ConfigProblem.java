package io.enclave.config;

/**
 * One thing wrong with a config file, located by its YAML path and line, e.g.
 * {@code tenants.colorado_state.data_restrictions.allowed_states[1]: 'XX' is not a US state or territory code (line 14)}.
 *
 * @param line 1-based line, or 0 when the problem has no single place (a missing section's
 *     parent line is used where known)
 */
public record ConfigProblem(String path, String message, int line) {
    @Override
    public String toString() {
        return path + ": " + message + (line > 0 ? " (line " + line + ")" : "");
    }
}
