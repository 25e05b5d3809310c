package io.enclave.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One mapping of the config and the keys it may hold. Typed reads report a problem and hand
 * back a fallback, so one bad value never stops the rest of the file from being checked. An
 * absent or broken section reads as empty and stays silent: its parent already said why.
 */
final class YamlSection {
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,9})");
    private static final Pattern DURATION = Pattern.compile("(0|[1-9][0-9]{0,8})(ms|s|m|h|d)");
    private static final Pattern MEMORY_SIZE = Pattern.compile("([1-9][0-9]{0,6})(mb|gb)");
    private static final Map<String, ChronoUnit> DURATION_UNITS = Map.of(
            "ms",
            ChronoUnit.MILLIS,
            "s",
            ChronoUnit.SECONDS,
            "m",
            ChronoUnit.MINUTES,
            "h",
            ChronoUnit.HOURS,
            "d",
            ChronoUnit.DAYS);

    private final YamlReader reader;
    private final String path;
    private final int line;
    private final Map<String, YamlReader.Entry> entries;
    private final List<String> keys;
    private final boolean present;

    private YamlSection(
            YamlReader reader,
            String path,
            int line,
            Map<String, YamlReader.Entry> entries,
            List<String> keys,
            boolean present) {
        this.reader = reader;
        this.path = path;
        this.line = line;
        this.entries = entries;
        this.keys = List.copyOf(keys);
        this.present = present;
    }

    static YamlSection present(
            YamlReader reader, String path, int line, Map<String, YamlReader.Entry> entries, List<String> keys) {
        YamlSection section = new YamlSection(reader, path, line, entries, keys, true);
        section.reportUnknownKeys();
        return section;
    }

    static YamlSection absent(YamlReader reader, String path, int line, List<String> keys) {
        return new YamlSection(reader, path, line, Map.of(), keys, false);
    }

    private void reportUnknownKeys() {
        for (YamlReader.Entry entry : entries.values()) {
            if (!keys.contains(entry.key())) {
                reader.problem(
                        YamlReader.child(path, entry.key()),
                        "unknown key " + Scalar.quote(entry.key()) + "; expected one of " + String.join(", ", keys),
                        entry.keyLine());
            }
        }
    }

    /** True when the section is written in the file; an absent one reads as empty. */
    boolean isPresent() {
        return present;
    }

    String pathOf(String key) {
        return YamlReader.child(path, key);
    }

    /** The key's own line when it is there, else this section's, which is where it should be added. */
    int lineOf(String key) {
        YamlReader.Entry entry = entries.get(key);
        return entry == null ? line : entry.keyLine();
    }

    /** True when the key is written in the file at all, even with an empty value. */
    boolean given(String key) {
        return entries.containsKey(key);
    }

    /** True when the key is given with a non-null value. */
    boolean has(String key) {
        return node(key).isPresent();
    }

    Optional<Node> node(String key) {
        if (!keys.contains(key)) {
            throw new IllegalArgumentException("'" + key + "' is not a declared key of " + path);
        }
        return Optional.ofNullable(entries.get(key))
                .map(YamlReader.Entry::value)
                .filter(value -> !YamlReader.isNull(value));
    }

    /** Reports a missing key and returns false; an absent section stays silent. */
    boolean require(String key) {
        if (has(key)) {
            return true;
        }
        if (present) {
            reader.problem(pathOf(key), "is required", lineOf(key));
        }
        return false;
    }

    YamlSection section(String key, List<String> sectionKeys) {
        return node(key)
                .flatMap(value -> reader.section(value, pathOf(key), lineOf(key), sectionKeys))
                .orElseGet(() -> absent(reader, pathOf(key), lineOf(key), sectionKeys));
    }

    YamlSection requiredSection(String key, List<String> sectionKeys) {
        require(key);
        return section(key, sectionKeys);
    }

    /** A mapping whose keys are data (tenant ids, API names) rather than a fixed schema. */
    Optional<Map<String, YamlReader.Entry>> mapping(String key) {
        return node(key).flatMap(value -> reader.mapping(value, pathOf(key)));
    }

    Optional<Map<String, YamlReader.Entry>> requiredMapping(String key) {
        require(key);
        return mapping(key);
    }

    Optional<List<Node>> list(String key) {
        return node(key).flatMap(value -> reader.sequence(value, pathOf(key)));
    }

    /** A value written out in the file; {@code ${...}} in it is a problem. */
    Optional<Scalar> scalar(String key) {
        return scalar(key, ValueKind.LITERAL);
    }

    /** A value that {@code ${...}} may fill when {@code kind} allows it. */
    Optional<Scalar> scalar(String key, ValueKind kind) {
        return node(key).flatMap(value -> reader.scalar(value, pathOf(key), kind));
    }

    /** A value that must be given and must not resolve to an empty string. */
    Optional<Scalar> required(String key) {
        return required(key, ValueKind.LITERAL);
    }

    Optional<Scalar> required(String key, ValueKind kind) {
        if (!require(key)) {
            return Optional.empty();
        }
        Optional<Scalar> value = scalar(key, kind);
        if (value.isPresent() && value.get().text().isEmpty()) {
            reader.problem(value.get(), "must not be empty");
            return Optional.empty();
        }
        return value;
    }

    /** A required value that must match {@code pattern}, which the message quotes as the rule. */
    Optional<Scalar> requiredMatching(String key, Pattern pattern) {
        return required(key).filter(value -> reader.matches(value, pattern));
    }

    String string(String key, String fallback) {
        return string(key, fallback, ValueKind.LITERAL);
    }

    String string(String key, String fallback, ValueKind kind) {
        return scalar(key, kind).map(Scalar::text).orElse(fallback);
    }

    /**
     * An optional secret, empty when not given. Every secret is bound here or in
     * {@link #password}, so the development-mode policy ({@link YamlReader#isStrongSecret})
     * covers every secret field, including ones added later.
     */
    Secret secret(String key) {
        return Secret.of(scalar(key, ValueKind.SECRET)
                .filter(reader::isStrongSecret)
                .map(Scalar::text)
                .orElse(""));
    }

    /** A secret that outside development mode must be given: an account without a password is no isolation. */
    Secret password(String key) {
        return password(key, false);
    }

    /**
     * A key store's password: as {@link #password}, and, when its section is given, never empty,
     * not even in development mode, because an empty password opens every key in the store to
     * whoever has the file.
     */
    Secret requiredPassword(String key) {
        return password(key, true);
    }

    private Secret password(String key, boolean evenInDevMode) {
        Optional<Scalar> value = scalar(key, ValueKind.SECRET);
        if (value.isEmpty() && has(key)) {
            return Secret.of(""); // given but unreadable, and already reported
        }
        if (value.isEmpty() || value.get().text().isEmpty()) {
            if (!reader.devMode().on()) {
                reader.problem(
                        pathOf(key),
                        "is required outside development mode; set it, for example from ${VAR},"
                                + " or turn on development mode (" + DevMode.HOW_TO_ENABLE + ")",
                        lineOf(key));
            } else if (evenInDevMode && present) {
                reader.problem(
                        pathOf(key),
                        "must not be empty, not even in development mode:" + " it guards every key in the store",
                        lineOf(key));
            }
            return Secret.of("");
        }
        return Secret.of(reader.isStrongSecret(value.get()) ? value.get().text() : "");
    }

    String oneOf(String key, List<String> allowed, String fallback) {
        return oneOf(key, allowed, fallback, ValueKind.LITERAL);
    }

    String oneOf(String key, List<String> allowed, String fallback, ValueKind kind) {
        Optional<Scalar> value = scalar(key, kind);
        if (value.isEmpty()) {
            return fallback;
        }
        if (!allowed.contains(value.get().text())) {
            reader.problem(value.get(), value.get().quoted() + " is not one of " + String.join(", ", allowed));
            return fallback;
        }
        return value.get().text();
    }

    /** Integers are read from the text, and only plain decimals pass. */
    int integer(String key, int fallback, int min, int max) {
        Optional<Scalar> value = scalar(key);
        if (value.isEmpty()) {
            return fallback;
        }
        Scalar scalar = value.get();
        if (!INTEGER.matcher(scalar.text()).matches()) {
            reader.problem(scalar, "expected an integer, got " + scalar.quoted());
            return fallback;
        }
        long number = Long.parseLong(scalar.text());
        if (number < min || number > max) {
            reader.problem(scalar, "must be between " + min + " and " + max + ", got " + scalar.quoted());
            return fallback;
        }
        return (int) number;
    }

    /** Only {@code true} and {@code false}: YAML 1.1 would also turn yes, no, on and off into booleans. */
    boolean bool(String key, boolean fallback) {
        Optional<Scalar> value = scalar(key);
        if (value.isEmpty()) {
            return fallback;
        }
        return switch (value.get().text()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                reader.problem(
                        value.get(),
                        "expected true or false, got " + value.get().quoted());
                yield fallback;
            }
        };
    }

    Duration duration(String key, Duration fallback) {
        Optional<Scalar> value = scalar(key);
        if (value.isEmpty()) {
            return fallback;
        }
        Matcher m = DURATION.matcher(value.get().text());
        if (!m.matches()) {
            reader.problem(value.get(), value.get().quoted() + " is not a duration like 500ms, 5s, 2m, 1h or 7d");
            return fallback;
        }
        long amount = Long.parseLong(m.group(1));
        if (amount == 0) {
            reader.problem(value.get(), "must be longer than zero");
            return fallback;
        }
        return Duration.of(amount, DURATION_UNITS.get(m.group(2)));
    }

    /** A memory size in whole mebibytes, written like {@code 256mb} or {@code 2gb}, between the bounds. */
    long mebibytes(String key, long minMb, long maxMb) {
        Optional<Scalar> value = scalar(key);
        if (value.isEmpty()) {
            return 0;
        }
        Matcher m = MEMORY_SIZE.matcher(value.get().text());
        if (!m.matches()) {
            reader.problem(value.get(), value.get().quoted() + " is not a memory size like 256mb or 2gb");
            return 0;
        }
        long mb = Long.parseLong(m.group(1)) * (m.group(2).equals("gb") ? 1024 : 1);
        if (mb < minMb || mb > maxMb) {
            reader.problem(
                    value.get(),
                    "must be between " + minMb + "mb and " + maxMb + "mb, got "
                            + value.get().quoted());
            return 0;
        }
        return mb;
    }
}
