package io.enclave.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Where a tenant's checkpoints and savepoints go when the cluster names no directory: under the
 * Enclave home (the build sets ENCLAVE_HOME to target/enclave-home), one directory per tenant,
 * never /tmp, where any local account could read or plant another tenant's state.
 */
class TenantJobSettingsTest {
    private static final EnclaveConfig CONFIG =
            TenantConfigLoader.load(Path.of("..", "tenant-config", "examples", "tenants.yaml"));

    @Test
    void stateDirectoriesDefaultToTheTenantsOwnDirectoryUnderTheEnclaveHome() {
        String home = Path.of(System.getenv("ENCLAVE_HOME")).toUri().toString();
        for (TenantConfig tenant : CONFIG.tenants()) {
            Configuration conf = TenantJobSettings.forTenant(tenant);

            String state = home + (home.endsWith("/") ? "" : "/") + ".enclave/state/" + tenant.id() + "/";
            assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(state + "checkpoints");
            assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEqualTo(state + "savepoints");
        }
    }

    @Test
    void aClusterThatNamesItsStateDirectoriesKeepsThem() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://state/checkpoints");
        cluster.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, "s3://state/savepoints");

        Configuration conf =
                TenantJobSettings.forTenant(CONFIG.tenant("texas_state"), cluster, Path.of("/srv/enclave"));

        assertThat(conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEmpty();
        assertThat(conf.getOptional(CheckpointingOptions.SAVEPOINT_DIRECTORY)).isEmpty();
        Configuration onlyCheckpoints = new Configuration();
        onlyCheckpoints.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://state/checkpoints");
        assertThat(TenantJobSettings.forTenant(CONFIG.tenant("texas_state"), onlyCheckpoints, Path.of("/srv/enclave"))
                        .get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .isEqualTo("file:///srv/enclave/.enclave/state/texas_state/savepoints");
    }
}
