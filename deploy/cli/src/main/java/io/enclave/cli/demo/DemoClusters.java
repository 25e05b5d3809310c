package io.enclave.cli.demo;

import io.enclave.config.TenantConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * The demo's Flink clusters: one shared by every tenant without {@code dedicated_processing},
 * on the web port the user chose, and one of its own for each tenant with it, on a free port.
 * A dedicated tenant's cluster has its own JobManager and TaskManager and is handed only that
 * tenant's job, so no other tenant's task can be scheduled into its slots or share its memory.
 */
final class DemoClusters implements AutoCloseable {
    /** Managed memory of a slot whose tenant set no {@code processing.memory_per_slot}. */
    static final long DEFAULT_MANAGED_MB_PER_SLOT = 64;

    private final Map<String, MiniCluster> byTenant = new LinkedHashMap<>();
    private final Map<MiniCluster, String> names = new LinkedHashMap<>();
    private final List<MiniCluster> clusters = new ArrayList<>();

    private DemoClusters() {}

    /**
     * Creates (not yet starts) the shared cluster, if any tenant uses it, on {@code webPort}, and
     * one cluster per dedicated tenant on a free port.
     */
    static DemoClusters plan(List<TenantConfig> tenants, int webPort) {
        DemoClusters all = new DemoClusters();
        List<TenantConfig> shared = tenants.stream()
                .filter(t -> !t.securityEnhancements().dedicatedProcessing())
                .toList();
        if (!shared.isEmpty()) {
            MiniCluster cluster = cluster(shared, webPort);
            all.add(cluster, "shared");
            shared.forEach(t -> all.byTenant.put(t.id(), cluster));
        }
        for (TenantConfig tenant : tenants) {
            if (tenant.securityEnhancements().dedicatedProcessing()) {
                MiniCluster cluster = cluster(List.of(tenant), 0);
                all.add(cluster, "dedicated to " + tenant.id());
                all.byTenant.put(tenant.id(), cluster);
            }
        }
        return all;
    }

    private void add(MiniCluster cluster, String name) {
        clusters.add(cluster);
        names.put(cluster, name);
    }

    /**
     * One TaskManager with a slot per parallel subtask of its tenants, and managed memory for each:
     * 64 MiB, or the tenant's own {@code processing.memory_per_slot}, whose job asks for slots of
     * exactly that size and would wait for resources in a TaskManager too small for them.
     */
    private static MiniCluster cluster(List<TenantConfig> tenants, int webPort) {
        int slots = tenants.stream().mapToInt(t -> t.processing().parallelism()).sum();
        long managedMb = tenants.stream()
                .mapToLong(t -> t.processing().parallelism()
                        * (t.processing().slotMemory().isSet()
                                ? t.processing().slotMemory().managedMb()
                                : DEFAULT_MANAGED_MB_PER_SLOT))
                .sum();
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, webPort);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(managedMb));
        return new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
    }

    /** Every cluster, in start order: the shared one first. */
    List<MiniCluster> all() {
        return List.copyOf(clusters);
    }

    /** The cluster the tenant's job is submitted to. */
    MiniCluster of(TenantConfig tenant) {
        MiniCluster cluster = byTenant.get(tenant.id());
        if (cluster == null) {
            throw new IllegalArgumentException("no demo cluster for tenant " + tenant.id());
        }
        return cluster;
    }

    /** "shared" or "dedicated to ID", for the demo's console. */
    String name(MiniCluster cluster) {
        return names.get(cluster);
    }

    /** The started cluster's web UI and REST address. */
    static URI webUi(MiniCluster cluster) throws Exception {
        return cluster.getRestAddress().get();
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (int i = clusters.size() - 1; i >= 0; i--) {
            try {
                clusters.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
