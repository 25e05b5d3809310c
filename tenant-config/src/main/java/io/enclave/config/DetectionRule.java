package io.enclave.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A real-time detection rule the tenant job runs over its own audit stream when
 * {@code realtime_monitoring} is on: so many matching audit events in one event-time window
 * raise one SECURITY_ALERT. The defaults are the thresholds a tenant gets without a
 * {@code detection} section; each is set per rule in {@code audit_requirements.detection}.
 */
public enum DetectionRule {
    /** Records claiming another tenant, refused by the keyed guard. */
    CROSS_TENANT_CLAIMS("cross_tenant_claims", 5, Duration.ofMinutes(5)),
    /** Audit submissions whose signature does not verify under the tenant's trust, or that name another tenant. */
    FORGED_AUDIT_SUBMISSIONS("forged_audit_submissions", 3, Duration.ofMinutes(5)),
    /**
     * Rows of another tenant dropped by the sink guard. The keyed guard refuses them first, so one
     * reaching the sink guard means a guard was bypassed: one is already an alert.
     */
    SINK_GUARD_DROPS("sink_guard_drops", 1, Duration.ofMinutes(5)),
    /** Records over the tenant's classification, or of an unknown level. */
    CLASSIFICATION_VIOLATIONS("classification_violations", 5, Duration.ofMinutes(5)),
    /** A sudden rise in malformed, oversized or keyless input. */
    MALFORMED_INPUT("malformed_input", 100, Duration.ofMinutes(5)),
    /** A burst of decrypt (and query) calls by one principal: bulk reading of protected values. */
    READER_BURST("reader_burst", 50, Duration.ofMinutes(1));

    private final String configKey;
    private final int defaultCount;
    private final Duration defaultWindow;

    DetectionRule(String configKey, int defaultCount, Duration defaultWindow) {
        this.configKey = configKey;
        this.defaultCount = defaultCount;
        this.defaultWindow = defaultWindow;
    }

    /** Its key under {@code audit_requirements.detection}, and its name in alerts. */
    public String configKey() {
        return configKey;
    }

    public DetectionThreshold defaultThreshold() {
        return new DetectionThreshold(defaultCount, defaultWindow);
    }

    public static List<String> configKeys() {
        return Arrays.stream(values()).map(DetectionRule::configKey).toList();
    }

    public static Optional<DetectionRule> fromConfigKey(String key) {
        return Arrays.stream(values()).filter(r -> r.configKey.equals(key)).findFirst();
    }
}
