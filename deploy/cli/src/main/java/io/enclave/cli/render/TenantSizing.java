package io.enclave.cli.render;

import io.enclave.config.SlotMemory;
import io.enclave.config.TenantConfig;
import java.util.Map;

/**
 * Pod resources of one tenant's Flink cluster, derived from its configured parallelism: one
 * TaskManager with one slot and one core per parallel subtask, so a tenant's parallelism is
 * what it pays for and what its ResourceQuota caps; with {@code processing.memory_per_slot}, the
 * TaskManager is sized to hold exactly that many slots of that memory.
 *
 * @param parallelism the tenant's {@code processing.parallelism}
 * @param jobManagerCpu cores of the JobManager
 * @param jobManagerMemoryMb process memory of the JobManager, MiB
 * @param taskManagerCpu cores of the one TaskManager
 * @param taskManagerMemoryMb process memory of the TaskManager, MiB
 */
public record TenantSizing(
        int parallelism, double jobManagerCpu, int jobManagerMemoryMb, double taskManagerCpu, int taskManagerMemoryMb) {
    private static final int JOB_MANAGER_MB = 1600;
    // RocksDB, network buffers and framework memory need about 1 GiB before the first slot.
    private static final int TASK_MANAGER_BASE_MB = 1024;
    private static final int PER_SLOT_MB = 1024;

    /** Framework heap and off-heap, JVM metaspace and network buffers, 256 MiB each, besides the slots. */
    private static final int TASK_MANAGER_FIXED_MB = 768;

    public static TenantSizing of(TenantConfig tenant) {
        int p = tenant.processing().parallelism();
        SlotMemory slot = tenant.processing().slotMemory();
        if (!slot.isSet()) {
            return new TenantSizing(p, 1.0, JOB_MANAGER_MB, p, TASK_MANAGER_BASE_MB + PER_SLOT_MB * p);
        }
        // processing.memory_per_slot: the TaskManager holds exactly p such slots, plus what Flink needs around them.
        long slots = p * (slot.taskHeapMb() + slot.managedMb());
        // Flink takes 10 % of the process memory as JVM overhead: the rest is nine tenths, rounded up.
        int process = (int) ((10 * (slots + TASK_MANAGER_FIXED_MB) + 8) / 9);
        return new TenantSizing(p, 1.0, JOB_MANAGER_MB, p, process);
    }

    /**
     * The TaskManager's task heap and managed memory, {@code taskmanager.memory.*} keys to MiB, when
     * the tenant sets {@code processing.memory_per_slot}: the sum of its slots, so the slots its
     * job asks for fit exactly; empty when it takes Flink's split of the process memory.
     */
    public static Map<String, String> taskManagerMemory(TenantConfig tenant) {
        SlotMemory slot = tenant.processing().slotMemory();
        if (!slot.isSet()) {
            return Map.of();
        }
        int p = tenant.processing().parallelism();
        return Map.of(
                "taskmanager.memory.task.heap.size", p * slot.taskHeapMb() + "m",
                "taskmanager.memory.managed.size", p * slot.managedMb() + "m");
    }

    /**
     * CPU the namespace may request: the running cluster plus room for a second JobManager
     * and TaskManager, because a savepoint upgrade briefly overlaps the old and new pods.
     */
    public double quotaCpu() {
        return 2 * (jobManagerCpu + taskManagerCpu);
    }

    /** Memory the namespace may request, MiB, with the same upgrade headroom as {@link #quotaCpu()}. */
    public int quotaMemoryMb() {
        return 2 * (jobManagerMemoryMb + taskManagerMemoryMb);
    }
}
