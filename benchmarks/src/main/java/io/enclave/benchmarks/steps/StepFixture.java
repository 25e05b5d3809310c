package io.enclave.benchmarks.steps;

import io.enclave.benchmarks.jobs.BenchTenants;
import io.enclave.benchmarks.jobs.Workload;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.operators.record.RawEvent;

/**
 * The input of the per-step benchmarks: FEMA declarations for one tenant, pre-generated, each
 * key in two versions, handed out in an endless cycle without allocation beyond the envelope.
 */
final class StepFixture {
    /** Keys in the cycle: enough that the guard's state is no toy, few enough to stay in cache-sized heaps. */
    static final int KEYS = 4096;

    final TenantConfig tenant;
    final Workload workload;
    private long next;

    StepFixture() {
        EnclaveConfig config = BenchTenants.generate(
                "jmh", 2, BenchTenants.Processing.discarding(), "localhost:9092", "jdbc:mysql://localhost:3306/");
        tenant = config.tenant("jmh_00");
        workload = Workload.generate(tenant, "jmh_01", KEYS, 0.0, 20260801L, true);
    }

    RawEvent next() {
        return workload.event(next++);
    }
}
