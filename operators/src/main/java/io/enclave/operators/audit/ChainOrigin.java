package io.enclave.operators.audit;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a tenant's chain continues when its job starts without checkpoint state (a first
 * submission, or a resubmission without a savepoint): the last record the audit table holds.
 * Without it a fresh job would begin again at sequence 1 and its upserts would overwrite the
 * trail. Opened in the chainer's {@code open()}, on the TaskManager.
 */
@FunctionalInterface
public interface ChainOrigin extends Serializable {

    /** The stored record with the highest sequence of {@code tenantId}, or empty if it has none. */
    Optional<AuditRecord> lastStored(String tenantId) throws Exception;

    /**
     * Record ids of the tenant's {@code limit} newest rows. A job started without state re-reads
     * its inputs from the last committed offsets, which may lie behind what it had decided; a
     * record whose id is here was audited already and is not chained a second time.
     */
    default Set<String> recentRecordIds(String tenantId, int limit) throws Exception {
        return Set.of();
    }

    /**
     * The tenant's stored SIGNING_KEY_ROTATED rows in sequence order: a job started without state
     * learns from them which submitter keys rotations introduced. The chainer checks each row.
     */
    default List<AuditRecord> storedRotations(String tenantId) throws Exception {
        return List.of();
    }

    /** For a chain with nowhere to continue from: tests and benchmarks with discarding sinks. */
    static ChainOrigin none() {
        return tenantId -> Optional.empty();
    }
}
