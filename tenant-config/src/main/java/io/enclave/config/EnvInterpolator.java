package io.enclave.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${NAME}} and {@code ${NAME:-default}} in a scalar, as a shell would:
 * the default applies when the variable is unset or empty, and {@code $${} is a literal
 * {@code ${}. Problems name the variable but never its value, because secrets arrive this way.
 * Only fields of a {@link ValueKind} that is filled from the environment resolve references;
 * in every other field a reference is a problem, so no variable can slip into, say, the
 * organization name that is copied into every row.
 */
final class EnvInterpolator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String OPEN = "${";
    private static final String ESCAPED_OPEN = "$${";
    private static final String DEFAULT_SEPARATOR = ":-";

    /** The resolved text, or the reasons it could not be resolved. */
    record Result(String text, List<String> problems) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Map<String, String> env;

    EnvInterpolator(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Resolves every reference in {@code raw}. */
    Result resolve(String raw) {
        return resolve(raw, true);
    }

    /**
     * Resolves {@code raw} for a field of {@code kind}: references are refused unless the kind
     * may be filled from the environment; {@code $${} stays a literal {@code ${} either way.
     */
    Result resolve(String raw, ValueKind kind) {
        return resolve(raw, kind.fromEnvironment());
    }

    private Result resolve(String raw, boolean referencesAllowed) {
        if (raw.indexOf('$') < 0) {
            return new Result(raw, List.of());
        }
        StringBuilder out = new StringBuilder(raw.length());
        List<String> problems = new ArrayList<>();
        int at = 0;
        while (at < raw.length()) {
            int dollar = raw.indexOf('$', at);
            if (dollar < 0) {
                out.append(raw, at, raw.length());
                break;
            }
            out.append(raw, at, dollar);
            if (raw.startsWith(ESCAPED_OPEN, dollar)) {
                out.append(OPEN);
                at = dollar + ESCAPED_OPEN.length();
            } else if (!raw.startsWith(OPEN, dollar)) {
                out.append('$');
                at = dollar + 1;
            } else {
                int close = raw.indexOf('}', dollar + OPEN.length());
                if (close < 0) {
                    problems.add("'${' is not closed; write ${NAME} or ${NAME:-default}");
                    break;
                }
                substitute(raw.substring(dollar + OPEN.length(), close), referencesAllowed, out, problems);
                at = close + 1;
            }
        }
        return new Result(out.toString(), List.copyOf(problems));
    }

    private void substitute(String reference, boolean allowed, StringBuilder out, List<String> problems) {
        int separator = reference.indexOf(DEFAULT_SEPARATOR);
        String name = separator < 0 ? reference : reference.substring(0, separator);
        String fallback = separator < 0 ? null : reference.substring(separator + DEFAULT_SEPARATOR.length());
        // A nested reference in a default would be cut at its first '}', so refuse it rather than guess.
        if (!NAME.matcher(name).matches() || (fallback != null && fallback.contains(OPEN))) {
            problems.add("'${" + reference + "}' is not a valid reference; write ${NAME} or ${NAME:-default}");
            return;
        }
        if (!allowed) {
            problems.add("'${" + reference + "}' is not allowed here: " + ValueKind.RULE);
            return;
        }
        String value = env.get(name);
        if (fallback != null && (value == null || value.isEmpty())) {
            value = fallback;
        }
        if (value == null) {
            problems.add("environment variable " + name + " is not set");
            return;
        }
        out.append(value);
    }
}
