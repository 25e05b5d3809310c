package io.enclave.sinks.schema;

import static io.enclave.sinks.schema.Column.optional;
import static io.enclave.sinks.schema.Column.required;
import static io.enclave.sinks.schema.ColumnType.BIGINT;
import static io.enclave.sinks.schema.ColumnType.BOOLEAN;
import static io.enclave.sinks.schema.ColumnType.INT;
import static io.enclave.sinks.schema.ColumnType.KEY_TEXT;
import static io.enclave.sinks.schema.ColumnType.LONG_TEXT;
import static io.enclave.sinks.schema.ColumnType.SHORT_TEXT;
import static io.enclave.sinks.schema.ColumnType.TIMESTAMP;

import io.enclave.config.EncryptableFields;
import io.enclave.config.EncryptedField;
import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.TenantEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tables every tenant database holds. Each event table starts with the event's natural key
 * (its primary key) and ends with the tenant tags, so a row always says whose it is.
 */
public final class TenantTables {
    private TenantTables() {}

    public static TableDefinition<TenantEvent> forStream(StreamKind stream) {
        return stream == StreamKind.DISASTERS ? disasterDeclarations() : weatherAlerts();
    }

    /**
     * The stream's table as a tenant that encrypts {@code encrypted} stores it: each encrypted
     * column becomes long text, because a ciphertext of a 255-character value is about 1,400
     * characters of base64url.
     */
    public static TableDefinition<TenantEvent> forStream(StreamKind stream, Collection<EncryptedField> encrypted) {
        TableDefinition<TenantEvent> table = forStream(stream);
        Set<String> columns = new HashSet<>();
        for (EncryptedField f : encrypted) {
            if (f.stream() == stream) {
                columns.add(EncryptableFields.column(stream, f.field())
                        .orElseThrow(() ->
                                new IllegalArgumentException(f.field() + " is not an encryptable field of " + stream)));
            }
        }
        List<Column<TenantEvent>> c = new ArrayList<>();
        for (Column<TenantEvent> column : table.columns()) {
            c.add(
                    columns.contains(column.name())
                            ? new Column<>(
                                    column.name(),
                                    LONG_TEXT,
                                    column.nullable(),
                                    column.comment() + ", encrypted (enc:<format>:k<version>:<base64url>)",
                                    column.extractor())
                            : column);
        }
        return new TableDefinition<>(table.name(), table.comment(), c, table.primaryKey());
    }

    /** Every table of a tenant database that encrypts {@code encrypted}, in creation order. */
    public static List<TableDefinition<?>> all(Collection<EncryptedField> encrypted) {
        return List.of(
                forStream(StreamKind.DISASTERS, encrypted),
                forStream(StreamKind.WEATHER, encrypted),
                auditLog(),
                auditHead(),
                AuditAnchor.table(),
                AuditConflict.table());
    }

    /**
     * The audit tables: append-only, written with {@code insertOnly} and never updated, so that
     * neither a replay nor the job's account can change a stored row.
     */
    public static final Set<String> APPEND_ONLY = Set.of("audit_log", "audit_head", "audit_anchor", "audit_conflict");

    public static TableDefinition<TenantEvent> disasterDeclarations() {
        List<Column<TenantEvent>> c = new ArrayList<>();
        c.add(required("id", KEY_TEXT, "OpenFEMA record id (uuid)", e -> e.disaster.id));
        c.add(optional(
                "fema_declaration_string", SHORT_TEXT, "e.g. DR-4706-OK", e -> e.disaster.femaDeclarationString));
        c.add(optional("disaster_number", INT, "FEMA disaster number", e -> e.disaster.disasterNumber));
        c.add(optional("state", SHORT_TEXT, "USPS state code", e -> e.disaster.state));
        c.add(optional("declaration_type", SHORT_TEXT, "DR, EM or FM", e -> e.disaster.declarationType));
        c.add(optional("declaration_date", TIMESTAMP, "UTC", e -> e.disaster.declarationDate));
        c.add(optional("fy_declared", INT, "fiscal year declared", e -> e.disaster.fyDeclared));
        c.add(optional("incident_type", SHORT_TEXT, "incident type", e -> e.disaster.incidentType));
        c.add(optional("declaration_title", LONG_TEXT, "declaration title", e -> e.disaster.declarationTitle));
        c.add(optional("ih_program_declared", BOOLEAN, "IH program", e -> e.disaster.ihProgramDeclared));
        c.add(optional("ia_program_declared", BOOLEAN, "IA program", e -> e.disaster.iaProgramDeclared));
        c.add(optional("pa_program_declared", BOOLEAN, "PA program", e -> e.disaster.paProgramDeclared));
        c.add(optional("hm_program_declared", BOOLEAN, "HM program", e -> e.disaster.hmProgramDeclared));
        c.add(optional("incident_begin_date", TIMESTAMP, "UTC", e -> e.disaster.incidentBeginDate));
        c.add(optional("incident_end_date", TIMESTAMP, "UTC", e -> e.disaster.incidentEndDate));
        c.add(optional("disaster_closeout_date", TIMESTAMP, "UTC", e -> e.disaster.disasterCloseoutDate));
        c.add(optional("tribal_request", BOOLEAN, "tribal request", e -> e.disaster.tribalRequest));
        c.add(optional("fips_state_code", SHORT_TEXT, "FIPS state code", e -> e.disaster.fipsStateCode));
        c.add(optional("fips_county_code", SHORT_TEXT, "FIPS county code", e -> e.disaster.fipsCountyCode));
        c.add(optional("place_code", SHORT_TEXT, "FEMA place code", e -> e.disaster.placeCode));
        c.add(optional("designated_area", SHORT_TEXT, "designated area", e -> e.disaster.designatedArea));
        c.add(optional(
                "declaration_request_number", SHORT_TEXT, "request number", e -> e.disaster.declarationRequestNumber));
        c.add(optional("declaration_request_date", TIMESTAMP, "UTC", e -> e.disaster.declarationRequestDate));
        c.add(optional("last_ia_filing_date", TIMESTAMP, "UTC", e -> e.disaster.lastIAFilingDate));
        c.add(optional("incident_id", SHORT_TEXT, "incident identifier", e -> e.disaster.incidentId));
        c.add(optional("region", INT, "FEMA region", e -> e.disaster.region));
        c.add(optional(
                "designated_incident_types",
                SHORT_TEXT,
                "incident type codes",
                e -> e.disaster.designatedIncidentTypes));
        c.add(optional("last_refresh", TIMESTAMP, "UTC", e -> e.disaster.lastRefresh));
        c.add(optional("fema_hash", SHORT_TEXT, "OpenFEMA hash of the record", e -> e.disaster.hash));
        addTenantTags(c);
        return new TableDefinition<>(
                StreamKind.DISASTERS.table(), "OpenFEMA disaster declarations summaries", c, List.of("id"));
    }

    public static TableDefinition<TenantEvent> weatherAlerts() {
        List<Column<TenantEvent>> c = new ArrayList<>();
        c.add(required("id", KEY_TEXT, "CAP alert id", e -> e.alert.id));
        c.add(optional("event", SHORT_TEXT, "event type", e -> e.alert.event));
        c.add(optional("status", SHORT_TEXT, "Actual, Test, ...", e -> e.alert.status));
        c.add(optional("message_type", SHORT_TEXT, "Alert, Update, Cancel", e -> e.alert.messageType));
        c.add(optional("category", SHORT_TEXT, "CAP category", e -> e.alert.category));
        c.add(optional("severity", SHORT_TEXT, "CAP severity", e -> e.alert.severity));
        c.add(optional("certainty", SHORT_TEXT, "CAP certainty", e -> e.alert.certainty));
        c.add(optional("urgency", SHORT_TEXT, "CAP urgency", e -> e.alert.urgency));
        c.add(optional("response", SHORT_TEXT, "CAP response", e -> e.alert.response));
        c.add(optional("sent", TIMESTAMP, "UTC", e -> e.alert.sent));
        c.add(optional("effective", TIMESTAMP, "UTC", e -> e.alert.effective));
        c.add(optional("onset", TIMESTAMP, "UTC", e -> e.alert.onset));
        c.add(optional("expires", TIMESTAMP, "UTC", e -> e.alert.expires));
        c.add(optional("ends", TIMESTAMP, "UTC", e -> e.alert.ends));
        c.add(optional("sender", SHORT_TEXT, "sender", e -> e.alert.sender));
        c.add(optional("sender_name", SHORT_TEXT, "sender name", e -> e.alert.senderName));
        c.add(optional("area_desc", LONG_TEXT, "affected areas", e -> e.alert.areaDesc));
        c.add(optional(
                "same_codes", LONG_TEXT, "SAME geocodes, comma-separated", e -> String.join(",", e.alert.sameCodes)));
        c.add(optional(
                "ugc_codes", LONG_TEXT, "UGC geocodes, comma-separated", e -> String.join(",", e.alert.ugcCodes)));
        c.add(optional("headline", LONG_TEXT, "headline", e -> e.alert.headline));
        c.add(optional("description", LONG_TEXT, "description", e -> e.alert.description));
        c.add(optional("instruction", LONG_TEXT, "instruction", e -> e.alert.instruction));
        addTenantTags(c);
        return new TableDefinition<>(StreamKind.WEATHER.table(), "NWS CAP alerts", c, List.of("id"));
    }

    private static void addTenantTags(List<Column<TenantEvent>> c) {
        c.add(required("tenant_id", SHORT_TEXT, "owning tenant", e -> e.tenantId));
        c.add(required("states", SHORT_TEXT, "US states the record concerns", e -> String.join(",", e.states)));
        c.add(required("data_classification", SHORT_TEXT, "classification", e -> e.classification));
        c.add(required("isolation_boundary", SHORT_TEXT, "isolation boundary", e -> e.isolationBoundary));
        c.add(required("data_owner", LONG_TEXT, "owning organisation", e -> e.dataOwner));
        c.add(required("processing_time", TIMESTAMP, "UTC time Enclave tagged the record", e -> e.processingTime));
        c.add(required("source_topic", SHORT_TEXT, "Kafka topic", e -> e.sourceTopic));
        c.add(required("source_partition", INT, "Kafka partition", e -> e.sourcePartition));
        c.add(required("source_offset", BIGINT, "Kafka offset", e -> e.sourceOffset));
        c.add(required("content_hash", SHORT_TEXT, "SHA-256 of the message", e -> e.contentHash));
    }

    /**
     * Name of the column the StarRocks dialect partitions the audit log by, for retention: the
     * chaining time, not {@code event_time}. A command's or the ingest job's record carries the
     * time it happened, which can be older than its neighbours' (it is chained when the job reads
     * it from the audit topic, possibly days later after an outage), so a day partition by event
     * time would drop a record from the middle of the chain. The chaining time never decreases
     * along the chain, so a dropped day is always a prefix, and the chainer's day anchor sits
     * exactly at the first row of the next day.
     */
    public static final String AUDIT_PARTITION_COLUMN = "chained_at";

    /**
     * The tenant's hash-chained audit trail, one row per (tenant, sequence), append-only: the
     * chainer's replayed tail is identical to what is stored and is skipped; a different row at a
     * stored sequence is refused and recorded in {@code audit_conflict}. The partition column
     * {@code chained_at} comes third, right after the key, as the StarRocks dialect expects.
     */
    public static TableDefinition<AuditRecord> auditLog() {
        List<Column<AuditRecord>> c = new ArrayList<>();
        c.add(required("tenant_id", SHORT_TEXT, "tenant", a -> a.tenantId));
        c.add(required("sequence", BIGINT, "position in the tenant's chain, from 1", a -> a.sequence));
        c.add(required(
                AUDIT_PARTITION_COLUMN,
                TIMESTAMP,
                "UTC, milliseconds, when the job chained the record",
                a -> a.chainedAt));
        c.add(required("event_time", TIMESTAMP, "UTC, milliseconds, when the event happened", a -> a.eventTime));
        c.add(required("record_id", SHORT_TEXT, "deterministic id of the audited event", a -> a.recordId));
        addWhatAndWhere(c);
        c.add(required("source_topic", SHORT_TEXT, "Kafka topic, or cli", a -> a.sourceTopic));
        c.add(required("source_partition", INT, "Kafka partition", a -> a.sourcePartition));
        c.add(required("source_offset", BIGINT, "Kafka offset, -1 if none", a -> a.sourceOffset));
        addWhoAndCompliance(c);
        c.add(optional("sink_table", SHORT_TEXT, "SINK_FLUSH: table written", a -> a.sinkTable));
        c.add(required("row_count", BIGINT, "SINK_FLUSH: rows; CHECKPOINT: records closed", a -> a.rowCount));
        c.add(required("first_offset", BIGINT, "SINK_FLUSH: first Kafka offset, -1 if none", a -> a.firstOffset));
        c.add(required("last_offset", BIGINT, "SINK_FLUSH: last Kafka offset, -1 if none", a -> a.lastOffset));
        c.add(required("checkpoint_id", BIGINT, "Flink checkpoint, -1 if none", a -> a.checkpointId));
        c.add(optional(
                "submission_id", SHORT_TEXT, "unique id of a submitted record, chained once", a -> a.submissionId));
        c.add(optional("submitter", SHORT_TEXT, "key id that signed a submitted record", a -> a.submitter));
        c.add(optional(
                "submitter_signature", SHORT_TEXT, "Ed25519 signature of the submitter", a -> a.submitterSignature));
        c.add(required("prev_hash", SHORT_TEXT, "hash of the previous record in the chain", a -> a.prevHash));
        c.add(required("hash", SHORT_TEXT, "SHA-256 of this record's canonical form", a -> a.hash));
        c.add(required("signer", SHORT_TEXT, "key id of the job key that signed the record", a -> a.signer));
        c.add(required("signature", SHORT_TEXT, "Ed25519 signature of hash by signer", a -> a.signature));
        return new TableDefinition<>(
                "audit_log", "Hash-chained audit trail of the tenant's job", c, List.of("tenant_id", "sequence"));
    }

    /**
     * The signed heads of the tenant's chain, one row per published head and never updated: the
     * newest (highest sequence) is the current one. {@code audit verify} detects a truncated tail
     * with it, and checks every older head against the row at its sequence.
     */
    public static TableDefinition<AuditHead> auditHead() {
        List<Column<AuditHead>> c = new ArrayList<>();
        c.add(required("tenant_id", SHORT_TEXT, "tenant", h -> h.tenantId));
        c.add(required("sequence", BIGINT, "every row up to here is durably written", h -> h.sequence));
        c.add(required("head_hash", SHORT_TEXT, "hash of the row at sequence", h -> h.headHash));
        c.add(required("checkpoint_id", BIGINT, "checkpoint that made them durable", h -> h.checkpointId));
        c.add(required("written_at", TIMESTAMP, "UTC", h -> h.writtenAt));
        c.add(required("signer", SHORT_TEXT, "key id of the job key that signed the head", h -> h.signer));
        c.add(required("signature", SHORT_TEXT, "Ed25519 signature of the head", h -> h.signature));
        return new TableDefinition<>(
                "audit_head", "Signed head of the tenant's audit chain", c, List.of("tenant_id", "sequence"));
    }

    /** AU-3's what (action, outcome, reason) and where (job, operator, subtask, host), of an audit_log row. */
    private static void addWhatAndWhere(List<Column<AuditRecord>> c) {
        c.add(required("action", SHORT_TEXT, "what was done", a -> a.action.name()));
        c.add(required("outcome", SHORT_TEXT, "SUCCESS, DENIED or FAILED", a -> a.outcome.name()));
        c.add(required("reason", SHORT_TEXT, "why, for DENIED and FAILED", a -> a.reason));
        c.add(optional("detail", LONG_TEXT, "human-readable detail", a -> a.detail));
        c.add(required("job_name", SHORT_TEXT, "Flink job", a -> a.jobName));
        c.add(required("operator", SHORT_TEXT, "operator", a -> a.operator));
        c.add(required("subtask", INT, "subtask index", a -> a.subtask));
        c.add(required("host", SHORT_TEXT, "host", a -> a.host));
    }

    /** AU-3's identity, the record concerned and the compliance flags, of an audit_log row. */
    private static void addWhoAndCompliance(List<Column<AuditRecord>> c) {
        c.add(optional("record_key", SHORT_TEXT, "natural key of the record concerned", a -> a.recordKey));
        c.add(required("principal", SHORT_TEXT, "acting principal", a -> a.principal));
        c.add(optional("classification", SHORT_TEXT, "data classification", a -> a.classification));
        c.add(required("fedramp", BOOLEAN, "FedRAMP relevant", a -> a.fedramp));
        c.add(required("dora", BOOLEAN, "DORA relevant", a -> a.dora));
        c.add(required("pii_involved", BOOLEAN, "personal data involved", a -> a.piiInvolved));
    }

    /** Every table of a tenant database that encrypts nothing, in creation order. */
    public static List<TableDefinition<?>> all() {
        return all(List.of());
    }
}
