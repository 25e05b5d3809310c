package io.enclave.operators.detect;

import io.enclave.config.AuditRequirements;
import io.enclave.config.DetectionRule;
import io.enclave.config.DetectionThreshold;
import io.enclave.operators.RejectReason;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSubmission;
import java.io.Serializable;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which {@link DetectionRule} an audit record counts towards, and the rule's threshold. Only
 * the machine-readable columns decide (action, reason, operator): never a detail text. A record
 * counts towards at most one rule.
 */
public final class DetectionRules implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The sink guard's operator name starts so (see {@code TenantNames#operatorName}); the keyed guard's does not. */
    static final String SINK_GUARD_OPERATOR = "sink_guard[";
    /**
     * Reader actions counted per principal. QUERY is named so, not by enum constant, so that the
     * rule covers an audited {@code query} command as soon as one records under that action.
     */
    private static final Set<String> READER_ACTIONS = Set.of(AuditAction.DECRYPT.name(), "QUERY");

    private static final Set<String> CLASSIFICATION =
            Set.of(RejectReason.CLASSIFICATION_NOT_ALLOWED.label(), RejectReason.UNKNOWN_CLASSIFICATION.label());
    private static final Set<String> MALFORMED = Set.of(
            RejectReason.MALFORMED.label(),
            RejectReason.OVERSIZE.label(),
            RejectReason.MISSING_KEY.label(),
            AuditSubmission.MALFORMED);
    private static final Set<String> FORGED = Set.of(AuditSubmission.FORGED, AuditSubmission.FOREIGN_TENANT);

    private final Map<DetectionRule, DetectionThreshold> thresholds;
    private final Duration incidentResponse;

    public DetectionRules(Map<DetectionRule, DetectionThreshold> thresholds, Duration incidentResponse) {
        this.thresholds = new EnumMap<>(thresholds);
        this.incidentResponse = incidentResponse;
    }

    /** The tenant's configured thresholds (defaults for rules it does not set) and response time. */
    public static DetectionRules of(AuditRequirements audit) {
        return new DetectionRules(audit.detection(), audit.incidentResponse());
    }

    /** The rule {@code r} counts towards, if any. */
    public Optional<DetectionRule> match(AuditRecord r) {
        if (r.action == null) {
            return Optional.empty();
        }
        if (READER_ACTIONS.contains(r.action.name())) {
            return Optional.of(DetectionRule.READER_BURST);
        }
        if (r.action != AuditAction.RECORD_REJECTED || r.reason == null) {
            return Optional.empty();
        }
        if (RejectReason.CROSS_TENANT.label().equals(r.reason)) {
            boolean sinkGuard = r.operator != null && r.operator.startsWith(SINK_GUARD_OPERATOR);
            return Optional.of(sinkGuard ? DetectionRule.SINK_GUARD_DROPS : DetectionRule.CROSS_TENANT_CLAIMS);
        }
        if (FORGED.contains(r.reason)) {
            return Optional.of(DetectionRule.FORGED_AUDIT_SUBMISSIONS);
        }
        if (CLASSIFICATION.contains(r.reason)) {
            return Optional.of(DetectionRule.CLASSIFICATION_VIOLATIONS);
        }
        if (MALFORMED.contains(r.reason)) {
            return Optional.of(DetectionRule.MALFORMED_INPUT);
        }
        return Optional.empty();
    }

    /** The key a record is counted under: its rule, and for a reader burst also the principal. */
    public String key(AuditRecord r) {
        DetectionRule rule = match(r).orElseThrow(() -> new IllegalArgumentException("no rule matches " + r));
        return rule == DetectionRule.READER_BURST ? rule.configKey() + "|" + r.principal : rule.configKey();
    }

    /** The rule whose records are counted under {@code key}, a key made by {@link #key}. */
    public DetectionRule ruleOf(String key) {
        int principal = key.indexOf('|');
        String rule = principal < 0 ? key : key.substring(0, principal);
        return DetectionRule.fromConfigKey(rule).orElseThrow(() -> new IllegalArgumentException("no rule " + rule));
    }

    public DetectionThreshold threshold(DetectionRule rule) {
        return thresholds.get(rule);
    }

    /** How long after an alert's event time it must be answered. */
    public Duration incidentResponse() {
        return incidentResponse;
    }
}
