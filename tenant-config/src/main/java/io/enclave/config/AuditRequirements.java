package io.enclave.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long the tenant's audit trail is kept, where else it goes, whether the tenant's job watches it in
 * real time, and which job signing key its auditor trusts: with {@code realtimeMonitoring} the job runs every
 * {@link DetectionRule} at its {@link #detection} threshold, and each alert must be answered within
 * {@code incidentResponse}.
 *
 * @param incidentResponse how long after an alert's event time it must be answered: its response deadline
 * @param containment what {@code enclave respond} quarantines when an alert is not acknowledged by its deadline;
 *     {@link AutoContainment#NONE} when the tenant is never quarantined automatically
 * @param jobKeyFingerprint the fingerprint ({@code sha256:HEX}, as {@code keys init} prints it) of the tenant job's
 *     first audit signing key, pinned by the auditor out of band; {@code audit verify} authenticates the trust file
 *     from it. Empty when not pinned.
 * @param ingestKeyFingerprint the same for the tenant ingest job's first key: a submission signed by an ingest key is
 *     accepted only under this key or one a chained rotation signed by its predecessor introduced. Empty when not
 *     pinned (then development mode takes the trust file at its word, and {@code audit verify} outside it fails on the
 *     first ingest submission).
 * @param cliKeyFingerprint the same for the ops CLI's first key
 */
public record AuditRequirements(
        int retentionDays,
        boolean siemIntegration,
        boolean realtimeMonitoring,
        Duration incidentResponse,
        Map<DetectionRule, DetectionThreshold> detection,
        String jobKeyFingerprint,
        String ingestKeyFingerprint,
        String cliKeyFingerprint,
        AutoContainment containment)
        implements Serializable {
    /** The response deadline of an alert when {@code incident_response} is not given. */
    public static final Duration DEFAULT_INCIDENT_RESPONSE = Duration.ofHours(1);

    public AuditRequirements {
        Objects.requireNonNull(incidentResponse, "incidentResponse");
        Objects.requireNonNull(jobKeyFingerprint, "jobKeyFingerprint");
        Objects.requireNonNull(ingestKeyFingerprint, "ingestKeyFingerprint");
        Objects.requireNonNull(cliKeyFingerprint, "cliKeyFingerprint");
        Objects.requireNonNull(containment, "containment");
        EnumMap<DetectionRule, DetectionThreshold> all = new EnumMap<>(DetectionRule.class);
        for (DetectionRule rule : DetectionRule.values()) {
            all.put(rule, rule.defaultThreshold());
        }
        all.putAll(detection);
        detection = Map.copyOf(all);
    }

    /** With the job's key pinned only; never contained automatically. */
    public AuditRequirements(
            int retentionDays,
            boolean siemIntegration,
            boolean realtimeMonitoring,
            Duration incidentResponse,
            Map<DetectionRule, DetectionThreshold> detection,
            String jobKeyFingerprint) {
        this(
                retentionDays,
                siemIntegration,
                realtimeMonitoring,
                incidentResponse,
                detection,
                jobKeyFingerprint,
                "",
                "",
                AutoContainment.NONE);
    }

    /** Without a pinned job key. */
    public AuditRequirements(
            int retentionDays,
            boolean siemIntegration,
            boolean realtimeMonitoring,
            Duration incidentResponse,
            Map<DetectionRule, DetectionThreshold> detection) {
        this(retentionDays, siemIntegration, realtimeMonitoring, incidentResponse, detection, "");
    }

    /** Retention and SIEM only: no real-time monitoring, default thresholds, no pinned job key. */
    public AuditRequirements(int retentionDays, boolean siemIntegration) {
        this(retentionDays, siemIntegration, false, DEFAULT_INCIDENT_RESPONSE, Map.of());
    }

    /** The pinned first key of a signer role ({@code job}, {@code ingest} or {@code cli}), empty when not pinned. */
    public String keyFingerprint(String role) {
        return switch (role) {
            case "job" -> jobKeyFingerprint;
            case "ingest" -> ingestKeyFingerprint;
            case "cli" -> cliKeyFingerprint;
            default -> throw new IllegalArgumentException("signer role must be job, ingest or cli, not " + role);
        };
    }

    /** The threshold of {@code rule}: the configured one, else its default. */
    public DetectionThreshold threshold(DetectionRule rule) {
        return detection.get(rule);
    }
}
