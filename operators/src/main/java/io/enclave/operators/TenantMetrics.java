package io.enclave.operators;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per-tenant counters under a {@code tenant} metric group, so they show up under the
 * tenant's job in the web UI and REST API as {@code tenant.<id>.accepted} and
 * {@code tenant.<id>.rejected.<reason>}.
 */
public final class TenantMetrics {
    private final Counter accepted;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    private TenantMetrics(MetricGroup tenantGroup, boolean decidesAcceptance, RejectReason... reasons) {
        this.accepted = decidesAcceptance ? tenantGroup.counter("accepted") : null;
        MetricGroup rejectedGroup = tenantGroup.addGroup("rejected");
        for (RejectReason reason : reasons) {
            rejected.put(reason, rejectedGroup.counter(reason.label()));
        }
    }

    /** Counters of the operator that has the last word on acceptance: accepted plus its rejections. */
    public static TenantMetrics acceptedAndRejections(
            MetricGroup operatorGroup, String tenantId, RejectReason... reasons) {
        return new TenantMetrics(operatorGroup.addGroup("tenant", tenantId), true, reasons);
    }

    /** Counters of an operator that only refuses; an "accepted" counter there would mislead. */
    public static TenantMetrics rejectionsOnly(MetricGroup operatorGroup, String tenantId, RejectReason... reasons) {
        return new TenantMetrics(operatorGroup.addGroup("tenant", tenantId), false, reasons);
    }

    public void accepted() {
        if (accepted != null) {
            accepted.inc();
        }
    }

    public void rejected(RejectReason reason) {
        Counter counter = rejected.get(reason);
        if (counter != null) {
            counter.inc();
        }
    }
}
