package io.enclave.config;

import java.io.Serializable;

/** How long the tenant's audit trail is kept and where else it goes. */
public record AuditRequirements(
        int retentionDays, boolean siemIntegration, boolean realtimeMonitoring, String incidentResponse)
        implements Serializable {}
