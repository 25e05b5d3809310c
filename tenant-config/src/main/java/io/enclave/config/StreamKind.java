package io.enclave.config;

import java.util.Locale;
import java.util.Optional;

/** The two event streams every tenant has, with the topic suffix and table each maps to. */
public enum StreamKind {
    DISASTERS("disasters", "disaster_declarations"),
    WEATHER("weather", "weather_alerts");

    private final String topicSuffix;
    private final String table;

    StreamKind(String topicSuffix, String table) {
        this.topicSuffix = topicSuffix;
        this.table = table;
    }

    public String topicSuffix() {
        return topicSuffix;
    }

    public String table() {
        return table;
    }

    public static Optional<StreamKind> fromConfigKey(String key) {
        for (StreamKind kind : values()) {
            if (kind.topicSuffix.equals(key)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
