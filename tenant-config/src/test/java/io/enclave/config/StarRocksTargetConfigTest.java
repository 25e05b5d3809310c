package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.parse;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code global.database.starrocks_version}, {@code replication_num} and {@code be_cpu_cores}. */
class StarRocksTargetConfigTest {

    private static String withDatabase(String extra) {
        return MINIMAL.replace(
                "database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}",
                "database: {jdbc_url: \"jdbc:mysql://localhost:9030\", " + extra + "}");
    }

    @Test
    void defaultsToStarRocks33WithThreeReplicas() {
        StarRocksTarget target = parse(MINIMAL).global().starRocks();
        assertThat(target).isEqualTo(new StarRocksTarget("3.3", 3, 0));
        assertThat(target.cpuShareProperty()).isEqualTo("cpu_core_limit");
    }

    @Test
    void versionAndReplicationAreRead() {
        StarRocksTarget target = parse(withDatabase("starrocks_version: 3.3.5, replication_num: 1"))
                .global()
                .starRocks();
        assertThat(target).isEqualTo(new StarRocksTarget("3.3.5", 1, 0));
        assertThat(target.cpuShareProperty()).isEqualTo("cpu_weight");
    }

    @Test
    void cpuWeightIsTheNameFrom335On() {
        assertThat(new StarRocksTarget("3.1", 3, 0).hasCpuWeight()).isFalse();
        assertThat(new StarRocksTarget("3.2.12", 3, 0).hasCpuWeight()).isFalse();
        assertThat(new StarRocksTarget("3.3", 3, 0).hasCpuWeight()).isFalse();
        assertThat(new StarRocksTarget("3.3.4", 3, 0).hasCpuWeight()).isFalse();
        assertThat(new StarRocksTarget("3.3.5", 3, 0).hasCpuWeight()).isTrue();
        assertThat(new StarRocksTarget("3.3.10", 3, 0).hasCpuWeight()).isTrue();
        assertThat(new StarRocksTarget("3.4", 3, 0).hasCpuWeight()).isTrue();
        assertThat(new StarRocksTarget("3.5", 3, 0).hasCpuWeight()).isTrue();
    }

    @Test
    void unknownVersionsAndTooFewReplicasAreReported() {
        assertThat(problems(withDatabase("starrocks_version: 2.5, replication_num: 0")))
                .containsExactly(
                        "global.database.starrocks_version: '2.5' is not a supported StarRocks release: 3.1, 3.2,"
                                + " 3.3, 3.4 or 3.5, optionally with a patch such as 3.3.5 (line 3)",
                        "global.database.replication_num: must be between 1 and 32, got '0' (line 3)");
    }

    @Test
    void cpuShareAboveTheBackendsCoresIsReported() {
        String yaml = withDatabase("be_cpu_cores: 2")
                .replace(
                        "  encryption_key: colorado_state_key_v1",
                        "  encryption_key: colorado_state_key_v1\n"
                                + "      resource_group: {cpu_weight: 3, mem_limit_percent: 20}");
        assertThat(problems(yaml)).singleElement().asString().contains("cpu_weight", "between 1 and 2");
    }

    @Test
    void theDefaultShareShrinksToSmallBackends() {
        assertThat(parse(withDatabase("be_cpu_cores: 2"))
                        .tenants()
                        .iterator()
                        .next()
                        .resourceGroup()
                        .cpuWeight())
                .isEqualTo(2);
    }
}
