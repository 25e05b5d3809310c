package io.enclave.operators;

import io.enclave.config.Classification;
import io.enclave.config.DataRestrictions;
import io.enclave.config.UsStates;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.PayloadFingerprint;
import io.enclave.operators.audit.Rejection;
import io.enclave.operators.record.TenantEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The operator-level isolation check, keyed by tenant + record key. It refuses, with a reason
 * on the audit side output, records that claim another tenant, concern no allowed state, are
 * classified above what the tenant may hold, or repeat content already accepted for the key.
 * Audit details never quote the payload: values from it appear only as fingerprints.
 */
public class TenantGuard extends KeyedProcessFunction<String, TenantEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final DataRestrictions restrictions;
    private final Duration dedupTtl;
    private final OutputTag<AuditRecord> auditTag;
    private final String operatorName;

    private transient ValueState<String> acceptedContentHash;
    private transient TenantMetrics metrics;
    private transient int subtask;

    public TenantGuard(
            AuditContext audit,
            DataRestrictions restrictions,
            Duration dedupTtl,
            OutputTag<AuditRecord> auditTag,
            String operatorName) {
        this.audit = audit;
        this.restrictions = restrictions;
        this.dedupTtl = dedupTtl;
        this.auditTag = auditTag;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<String> descriptor = new ValueStateDescriptor<>("accepted-content-hash", Types.STRING);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(dedupTtl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        acceptedContentHash = getRuntimeContext().getState(descriptor);
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        metrics = TenantMetrics.acceptedAndRejections(
                getRuntimeContext().getMetricGroup(),
                audit.tenantId(),
                RejectReason.CROSS_TENANT,
                RejectReason.STATE_NOT_ALLOWED,
                RejectReason.UNKNOWN_CLASSIFICATION,
                RejectReason.CLASSIFICATION_NOT_ALLOWED,
                RejectReason.DUPLICATE);
    }

    @Override
    public void processElement(TenantEvent event, Context ctx, Collector<TenantEvent> out) throws Exception {
        if (!audit.tenantId().equals(event.tenantId)
                || (event.claimedTenant != null && !audit.tenantId().equals(event.claimedTenant))) {
            // The claim is payload: named by fingerprint only (see PayloadFingerprint).
            reject(
                    event,
                    ctx,
                    RejectReason.CROSS_TENANT,
                    event.claimedTenant != null
                            ? "record claims another tenant, " + PayloadFingerprint.of(event.claimedTenant)
                            : "record was tagged for another tenant, " + PayloadFingerprint.of(event.tenantId));
            return;
        }
        if (!concernsAllowedState(event.states)) {
            reject(
                    event,
                    ctx,
                    RejectReason.STATE_NOT_ALLOWED,
                    "states " + describeStates(event.states) + " are outside allowed_states "
                            + restrictions.allowedStates());
            return;
        }
        Optional<Classification> level = Classification.parse(event.classification);
        if (level.isEmpty()) {
            reject(
                    event,
                    ctx,
                    RejectReason.UNKNOWN_CLASSIFICATION,
                    "classification " + PayloadFingerprint.of(event.classification)
                            + " is not one of PUBLIC, INTERNAL, RESTRICTED, CONFIDENTIAL");
            return;
        }
        if (!restrictions.allows(level.get())) {
            reject(
                    event,
                    ctx,
                    RejectReason.CLASSIFICATION_NOT_ALLOWED,
                    level.get() + " is not in allowed_classifications");
            return;
        }
        if (event.contentHash.equals(acceptedContentHash.value())) {
            reject(event, ctx, RejectReason.DUPLICATE, "same content already accepted for this key");
            return;
        }
        acceptedContentHash.update(event.contentHash);
        metrics.accepted();
        out.collect(event);
    }

    /**
     * A record is in scope when at least one of its states is allowed. Only a tenant allowed
     * ALL states receives records that name no state at all, such as marine-zone alerts.
     */
    private boolean concernsAllowedState(String[] states) {
        if (states == null || states.length == 0) {
            return restrictions.allowedStates().isAll();
        }
        for (String state : states) {
            if (restrictions.allowedStates().allows(state)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The states for the audit detail. A USPS code is one of a fixed set of ours and is named;
     * anything else is payload text of any length and content, so it is only counted and
     * fingerprinted. The detail stays bounded: at most the code list plus one fingerprint.
     */
    static String describeStates(String[] states) {
        if (states == null || states.length == 0) {
            return "(none)";
        }
        Set<String> codes = new TreeSet<>();
        List<String> others = new ArrayList<>();
        for (String state : states) {
            if (UsStates.isCode(state)) {
                codes.add(state);
            } else {
                others.add(state == null ? "" : state);
            }
        }
        String named = String.join(",", codes);
        if (others.isEmpty()) {
            return named;
        }
        String unnamed = others.size()
                + (others.size() == 1 ? " unrecognised value " : " unrecognised values ")
                + PayloadFingerprint.of(String.join("\0", others));
        return named.isEmpty() ? unnamed : named + " and " + unnamed;
    }

    private void reject(TenantEvent event, Context ctx, RejectReason reason, String detail) {
        metrics.rejected(reason);
        ctx.output(
                auditTag,
                Rejection.of(audit, operatorName, subtask, reason.label(), detail)
                        .source(event.sourceTopic, event.sourcePartition, event.sourceOffset)
                        .recordKey(event.naturalKey)
                        // Only a level of our own enum; an unknown one is payload and appears in the detail as a
                        // fingerprint.
                        .classification(Classification.parse(event.classification)
                                .map(Enum::name)
                                .orElse(""))
                        .build(reason.label()));
    }
}
