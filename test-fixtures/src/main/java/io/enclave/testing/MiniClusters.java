package io.enclave.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink MiniCluster a job test runs on, in the Flink Cookbook style: a class registers one with
 * {@code @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);}
 * and every {@code StreamExecutionEnvironment.getExecutionEnvironment()} in its tests submits to it.
 */
public final class MiniClusters {
    private MiniClusters() {}

    /**
     * A cluster of {@code taskManagers} TaskManagers with {@code slotsPerTaskManager} slots each, started once
     * for the test class. The slots bound the parallelism a test's jobs may ask for together.
     */
    public static MiniClusterExtension extension(int taskManagers, int slotsPerTaskManager) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(taskManagers)
                .setNumberSlotsPerTaskManager(slotsPerTaskManager)
                .setConfiguration(configuration())
                .build());
    }

    /** What every test cluster shares; today Flink's defaults, so a later tweak lands in every test at once. */
    private static Configuration configuration() {
        return new Configuration();
    }
}
