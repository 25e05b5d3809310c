package io.enclave.benchmarks.jobs;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfigLoader;
import java.util.Map;

/**
 * Tenant configs for the benchmarks, written as YAML and loaded through the real loader, so
 * every benchmark tenant passes the same validation as a production one. Each may see every
 * state and classification, so generated input is accepted unless it is built to be refused.
 */
public final class BenchTenants {
    private BenchTenants() {}

    /** Settings that vary between benchmark sections. */
    public record Processing(int parallelism, int batchSize, String batchInterval, String checkpointInterval,
            int topicPartitions) {
        /** Settings for the generated-input sections, where the sinks discard. */
        public static Processing discarding() {
            return new Processing(1, 5000, "5s", "10s", 1);
        }
    }

    /**
     * {@code count} tenants named {@code <prefix>_00}, {@code <prefix>_01}, ... with the given
     * processing settings, Kafka at {@code bootstrap} and the database at {@code jdbcUrl}.
     */
    public static EnclaveConfig generate(String prefix, int count, Processing p, String bootstrap, String jdbcUrl) {
        StringBuilder y = new StringBuilder();
        y.append("global:\n  kafka:\n    bootstrap_servers: \"").append(bootstrap).append("\"\n")
                .append("  database:\n    jdbc_url: \"").append(jdbcUrl).append("\"\n    dialect: mysql\n")
                .append("tenants:\n");
        for (int i = 0; i < count; i++) {
            String id = String.format("%s_%02d", prefix, i);
            y.append("  ").append(id).append(":\n")
                    .append("    organization: \"Benchmark agency ").append(i).append("\"\n")
                    .append("    classification_level: CONFIDENTIAL\n")
                    .append("    database:\n")
                    .append("      schema: ").append(id).append("_db\n")
                    .append("      user: ").append(id).append("_writer\n")
                    .append("      password: bench-").append(id).append('\n')
                    .append("      encryption_key: ").append(id).append("_key_v1\n")
                    .append("    data_restrictions:\n")
                    .append("      allowed_states: ALL\n")
                    .append("      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED, CONFIDENTIAL]\n")
                    .append("    processing:\n")
                    .append("      parallelism: ").append(p.parallelism()).append('\n')
                    .append("      batch_size: ").append(p.batchSize()).append('\n')
                    .append("      batch_interval: ").append(p.batchInterval()).append('\n')
                    .append("      checkpoint_interval: ").append(p.checkpointInterval()).append('\n')
                    .append("      topic_partitions: ").append(p.topicPartitions()).append('\n');
        }
        return TenantConfigLoader.parse(y.toString(), "benchmark tenants", Map.of());
    }
}
