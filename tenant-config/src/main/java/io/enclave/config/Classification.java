package io.enclave.config;

import java.util.Locale;
import java.util.Optional;

/** Data classification levels, in their fixed order from least to most sensitive. */
public enum Classification {
    PUBLIC,
    INTERNAL,
    RESTRICTED,
    CONFIDENTIAL;

    /** True when data at this level may be shown to a holder cleared for {@code ceiling}. */
    public boolean isAtMost(Classification ceiling) {
        return compareTo(ceiling) <= 0;
    }

    /**
     * Parses an exact level name. Records are matched strictly: a look-alike or padded value
     * must not pass as a real level, so nothing is trimmed here.
     */
    public static Optional<Classification> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (Classification level : values()) {
            if (level.name().equals(text)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    /** Lower-case name used in metric and audit labels. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
