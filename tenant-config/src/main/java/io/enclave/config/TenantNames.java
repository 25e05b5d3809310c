package io.enclave.config;

import java.io.Serializable;
import java.util.List;

/**
 * The one place that derives every name of a tenant's resources: topics, consumer group,
 * job, database, tables, and operator names and uids. Ids are validated as
 * {@code [a-z][a-z0-9_]{1,47}}, so every derived name is a safe identifier.
 */
public final class TenantNames implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final String database;

    TenantNames(TenantConfig tenant) {
        this(tenant.id(), tenant.database().schema());
    }

    public TenantNames(String tenantId, String database) {
        this.tenantId = tenantId;
        this.database = database;
    }

    public String tenantId() {
        return tenantId;
    }

    /**
     * Prefix shared by all of the tenant's topics and groups. Never used as a Kafka ACL prefix:
     * {@code _} may occur inside an id, so {@code tenant_fema_} also begins
     * {@code tenant_fema_region_4_disasters}; ACLs name each topic and group literally.
     */
    public String resourcePrefix() {
        return "tenant_" + tenantId + "_";
    }

    public String topic(StreamKind stream) {
        return resourcePrefix() + stream.topicSuffix();
    }

    public List<String> topics() {
        return List.of(topic(StreamKind.DISASTERS), topic(StreamKind.WEATHER));
    }

    /**
     * The topic on which records made outside the processing job (key and decrypt commands,
     * the ingest job) reach its audit chain, each signed with its submitter's own key. Provisioning
     * grants the publisher WRITE and the job READ on it by its literal name.
     */
    public String auditTopic() {
        return resourcePrefix() + "audit";
    }

    public String consumerGroup() {
        return resourcePrefix() + "group";
    }

    /** The job's group on {@link #auditTopic()}: its own, so its offsets never mix with the data topics'. */
    public String auditConsumerGroup() {
        return resourcePrefix() + "audit_group";
    }

    public String jobName() {
        return resourcePrefix() + "emergency_processing";
    }

    /** The job that pulls the upstream APIs into the tenant's topics. */
    public String ingestJobName() {
        return resourcePrefix() + "ingest";
    }

    /**
     * Prefix of every Kafka transactional id of the tenant, and the one prefixed ACL it is
     * granted. It ends in {@code -}, which an id cannot contain, so no tenant's prefix begins
     * another's ({@code tenant_fema-} never begins {@code tenant_fema_region_4-...}).
     */
    public String transactionalIdPrefix() {
        return "tenant_" + tenantId + "-";
    }

    /**
     * Prefix of the ingest job's Kafka transactional ids (Flink appends {@code -<subtask>-<n>}):
     * inside {@link #transactionalIdPrefix()}, so the publisher's ACL on it covers them and no
     * two tenants' transactions can fence each other.
     */
    public String ingestTransactionalIdPrefix() {
        return transactionalIdPrefix() + "ingest";
    }

    /** Transactional ids of the ingest job's audit submissions; neither this prefix nor the records' extends the other. */
    public String ingestAuditTransactionalIdPrefix() {
        return transactionalIdPrefix() + "audit_ingest";
    }

    public String database() {
        return database;
    }

    public String table(StreamKind stream) {
        return stream.table();
    }

    public String auditTable() {
        return "audit_log";
    }

    /** Readable operator name shown in the Flink web UI, e.g. {@code guard[colorado_state]}. */
    public String operatorName(String step) {
        return step + "[" + tenantId + "]";
    }

    /** Stable operator uid; savepoints map state by it, so it must never change for a step. */
    public String operatorUid(String step) {
        return resourcePrefix() + step;
    }

    /** Name of a sink operator: the table it writes, e.g. {@code sink[colorado_emergency.weather_alerts]}. */
    public String sinkName(String table) {
        return "sink[" + database + "." + table + "]";
    }

    public String sinkUid(String table) {
        return resourcePrefix() + "sink_" + table;
    }
}
