package io.enclave.operators.record;

import io.enclave.config.StreamKind;

/**
 * A parsed event tagged with the tenant that owns the job processing it. Exactly one of
 * {@link #disaster} and {@link #alert} is set, matching {@link #stream}. What the event
 * itself claims ({@link #claimedTenant}, {@link #classification}, {@link #states}) is kept
 * apart from the tags, so the guard can compare the two.
 */
public class TenantEvent {
    /** The tenant whose job this is; never taken from the payload. */
    public String tenantId;

    public StreamKind stream;
    /** FEMA {@code id} or NWS alert {@code id}. */
    public String naturalKey;

    /** {@code tenant_id} written in the payload, or null when the event names none. */
    public String claimedTenant;
    /** {@code data_classification} as written in the payload, PUBLIC when absent. */
    public String classification;
    /** The US states the event is about, as written (FEMA) or derived from geocodes (NWS). */
    public String[] states;

    /** Processing time at tagging, epoch milliseconds. */
    public long processingTime;
    /** Where isolation is enforced for this event, e.g. {@code tenant:colorado_state}. */
    public String isolationBoundary;
    /** The organisation that owns the data. */
    public String dataOwner;
    /** SHA-256 of the payload, hex; equal content gives an equal hash. */
    public String contentHash;

    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;

    public DisasterDeclaration disaster;
    public WeatherAlert alert;

    public TenantEvent() {}

    /** The owning tenant, for sinks that re-check it before writing. */
    public static String tenantIdOf(TenantEvent event) {
        return event.tenantId;
    }

    @Override
    public String toString() {
        return "TenantEvent{" + tenantId + " " + stream + " " + naturalKey + " from " + sourceTopic + "-"
                + sourcePartition + "@" + sourceOffset + "}";
    }
}
