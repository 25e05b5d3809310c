package io.enclave.operators.audit;

/**
 * The one shape of a {@code RECORD_REJECTED} audit record, shared by every operator that refuses
 * input (tagger, guard, sink guard, audit intake, ingest scope filter), so an auditor reads the
 * same columns filled the same way whichever operator refused. The record id is derived from the
 * input's position and a discriminator, so a replayed input maps onto the row it already wrote.
 */
public final class Rejection {
    private final AuditRecord record;

    private Rejection(AuditRecord record) {
        this.record = record;
    }

    /** A denial by {@code operator} (subtask {@code subtask}) for {@code reason}, explained by {@code detail}. */
    public static Rejection of(AuditContext audit, String operator, int subtask, String reason, String detail) {
        AuditRecord r = audit.newRecord(AuditAction.RECORD_REJECTED, AuditOutcome.DENIED, operator, subtask);
        r.reason = reason;
        r.detail = detail;
        return new Rejection(r);
    }

    /** Where the refused input came from: a Kafka position, or a pseudo-topic and -1 when it had none. */
    public Rejection source(String topic, int partition, long offset) {
        record.sourceTopic = orEmpty(topic);
        record.sourcePartition = partition;
        record.sourceOffset = offset;
        return this;
    }

    /** The natural key of the refused record, when it could be read. */
    public Rejection recordKey(String key) {
        record.recordKey = orEmpty(key);
        return this;
    }

    /** The classification level, only ever one of our own enum's names: anything else is payload. */
    public Rejection classification(String level) {
        record.classification = orEmpty(level);
        return this;
    }

    /**
     * The finished record. {@code discriminator} tells apart two refusals of the same input (for
     * example two operators, or two reasons), which would otherwise share an id.
     */
    public AuditRecord build(String discriminator) {
        record.recordId = AuditRecord.deterministicId(
                record.tenantId,
                record.action,
                record.sourceTopic,
                record.sourcePartition,
                record.sourceOffset,
                discriminator);
        return record;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
