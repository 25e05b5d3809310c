package io.enclave.config;

import java.io.Serializable;

/**
 * How long the tenant's audit trail is kept, where else it goes, and which job signing key its
 * auditor trusts.
 *
 * @param jobKeyFingerprint the fingerprint ({@code sha256:HEX}, as {@code keys init} prints it) of the tenant job's
 *     first audit signing key, pinned by the auditor out of band; {@code audit verify} authenticates the trust file
 *     from it. Empty when not pinned.
 */
public record AuditRequirements(
        int retentionDays,
        boolean siemIntegration,
        boolean realtimeMonitoring,
        String incidentResponse,
        String jobKeyFingerprint)
        implements Serializable {

    /** Without a pinned job key. */
    public AuditRequirements(
            int retentionDays, boolean siemIntegration, boolean realtimeMonitoring, String incidentResponse) {
        this(retentionDays, siemIntegration, realtimeMonitoring, incidentResponse, "");
    }
}
