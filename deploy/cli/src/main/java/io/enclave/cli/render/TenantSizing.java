package io.enclave.cli.render;

import io.enclave.config.TenantConfig;

/**
 * Pod resources of one tenant's Flink cluster, derived from its configured parallelism: one
 * TaskManager with one slot and one core per parallel subtask, so a tenant's parallelism is
 * what it pays for and what its ResourceQuota caps.
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

    public static TenantSizing of(TenantConfig tenant) {
        int p = tenant.processing().parallelism();
        return new TenantSizing(p, 1.0, JOB_MANAGER_MB, p, TASK_MANAGER_BASE_MB + PER_SLOT_MB * p);
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
