package io.enclave.config;

import java.io.Serializable;

/**
 * The memory budget of each of a tenant's task slots ({@code processing.memory_per_slot}): JVM
 * heap for its operators and managed memory for its RocksDB state. The job asks the cluster for
 * slots of exactly this size, so a tenant cannot grow into memory another tenant's slot holds,
 * the way its StarRocks resource group caps its share of the database's memory.
 *
 * @param taskHeapMb task heap of one slot, MiB; 0 when {@link #UNSET}
 * @param managedMb managed (state backend) memory of one slot, MiB; 0 when {@link #UNSET}
 */
public record SlotMemory(long taskHeapMb, long managedMb) implements Serializable {
    /** No budget: the job takes the cluster's evenly split default slots. */
    public static final SlotMemory UNSET = new SlotMemory(0, 0);

    public boolean isSet() {
        return taskHeapMb > 0 && managedMb > 0;
    }
}
