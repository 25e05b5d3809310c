package io.enclave.operators.audit;

import io.enclave.config.TenantConfig;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The identity half of every audit record a tenant's job writes: tenant, job, principal and
 * compliance flags. Operators hold one and stamp the where (operator, subtask, host) on it.
 */
public final class AuditContext implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final String jobName;
    private final String principal;
    private final boolean fedramp;
    private final boolean dora;

    public AuditContext(String tenantId, String jobName, String principal, boolean fedramp, boolean dora) {
        this.tenantId = tenantId;
        this.jobName = jobName;
        this.principal = principal;
        this.fedramp = fedramp;
        this.dora = dora;
    }

    /** Every tenant job runs under FedRAMP Moderate and DORA controls. */
    public static AuditContext of(TenantConfig tenant) {
        String principal = tenant.kafka().isPresent()
                ? tenant.kafka().username()
                : tenant.database().user();
        return new AuditContext(tenant.id(), tenant.names().jobName(), principal, true, true);
    }

    public String tenantId() {
        return tenantId;
    }

    public String jobName() {
        return jobName;
    }

    /** A record with who and where filled in; the caller sets what happened. */
    public AuditRecord newRecord(AuditAction action, AuditOutcome outcome, String operator, int subtask) {
        AuditRecord r = new AuditRecord();
        r.tenantId = tenantId;
        r.action = action;
        r.outcome = outcome;
        r.reason = "";
        r.detail = "";
        r.eventTime = System.currentTimeMillis();
        r.jobName = jobName;
        r.operator = operator;
        r.subtask = subtask;
        r.host = HostName.LOCAL;
        r.principal = principal;
        r.classification = "";
        r.sourceTopic = "";
        r.sourceOffset = -1;
        r.recordKey = "";
        r.fedramp = fedramp;
        r.dora = dora;
        return r;
    }

    /** Resolved once per JVM: a DNS lookup per audit record would stall the operator. */
    private static final class HostName {
        static final String LOCAL = resolve();

        private static String resolve() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "unknown";
            }
        }
    }
}
