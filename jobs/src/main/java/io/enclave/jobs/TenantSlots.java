package io.enclave.jobs;

import io.enclave.config.SlotMemory;
import io.enclave.config.TenantConfig;
import java.util.Optional;
import org.apache.flink.api.common.operators.SlotSharingGroup;

/**
 * The slot sharing group a tenant's operators run in when its config sets
 * {@code processing.memory_per_slot}, in its processing job and in its ingest job alike: named for
 * the job, one core per slot (as the rendered
 * manifests size a TaskManager), and exactly the configured heap and managed memory. Flink's
 * fine-grained slot manager then carves slots of this profile out of a TaskManager, or leaves
 * the job waiting for resources rather than giving it memory another tenant's slot holds.
 */
final class TenantSlots {
    /** One core per parallel subtask, as {@code TenantSizing} gives a tenant's TaskManager. */
    static final double CPU_CORES_PER_SLOT = 1.0;

    private TenantSlots() {}

    /** The processing job's group, or empty when the tenant has no memory budget and takes the cluster's default slots. */
    static Optional<SlotSharingGroup> of(TenantConfig tenant) {
        return of(tenant, tenant.names().jobName());
    }

    /** The group of the tenant's job {@code jobName}, or empty without a memory budget. */
    static Optional<SlotSharingGroup> of(TenantConfig tenant, String jobName) {
        SlotMemory memory = tenant.processing().slotMemory();
        if (!memory.isSet()) {
            return Optional.empty();
        }
        return Optional.of(SlotSharingGroup.newBuilder(jobName)
                .setCpuCores(CPU_CORES_PER_SLOT)
                .setTaskHeapMemoryMB((int) memory.taskHeapMb())
                .setManagedMemoryMB((int) memory.managedMb())
                .build());
    }
}
