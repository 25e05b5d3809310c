package io.enclave.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code enclave respond} contains, automatically, when one of the tenant's alerts is not acknowledged by its
 * deadline: {@code incident_response: {contain: publisher|job|readers|all, after: 5m}}. {@link #NONE} (no
 * {@code contain}) means the tenant is never quarantined automatically; its alerts are only shown.
 */
public enum AutoContainment {
    NONE,
    PUBLISHER,
    JOB,
    READERS,
    ALL;

    /** The values {@code contain} takes, as written in the config. */
    public static List<String> configValues() {
        return Arrays.stream(values())
                .filter(c -> c != NONE)
                .map(AutoContainment::configValue)
                .toList();
    }

    /** Its value in the config, and the {@code --scope} of {@code enclave quarantine} it maps to. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AutoContainment> fromConfigValue(String value) {
        return Arrays.stream(values())
                .filter(c -> c != NONE && c.configValue().equals(value))
                .findFirst();
    }
}
