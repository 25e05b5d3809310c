package io.enclave.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Calls allowed per window to an upstream API, written in config as {@code 1000/hour}. */
public record RateLimit(long permits, Window window) implements Serializable {
    private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,9})/(second|minute|hour|day)");

    /** The windows a rate limit may be written in. */
    public enum Window {
        SECOND(Duration.ofSeconds(1)),
        MINUTE(Duration.ofMinutes(1)),
        HOUR(Duration.ofHours(1)),
        DAY(Duration.ofDays(1));

        private final Duration length;

        Window(Duration length) {
            this.length = length;
        }

        public Duration length() {
            return length;
        }
    }

    public static Optional<RateLimit> parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RateLimit(
                Long.parseLong(m.group(1)), Window.valueOf(m.group(2).toUpperCase(Locale.ROOT))));
    }

    public double permitsPerSecond() {
        return permits / (double) window.length().toSeconds();
    }

    @Override
    public String toString() {
        return permits + "/" + window.name().toLowerCase(Locale.ROOT);
    }
}
