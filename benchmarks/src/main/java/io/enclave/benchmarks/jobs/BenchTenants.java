package io.enclave.benchmarks.jobs;

import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.KafkaQuotas;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.TenantConfigLoader;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Tenant configs for the benchmarks, written as YAML and loaded through the real loader, so
 * every benchmark tenant passes the same validation as a production one. Each may see every
 * state and classification, so generated input is accepted unless it is built to be refused.
 */
public final class BenchTenants {
    private BenchTenants() {}

    /** Which fields a benchmark tenant encrypts. */
    public enum Encryption {
        /**
         * Three fields of each record, as section 1 measures the chain: FEMA designatedArea and
         * declarationTitle (randomized) and placeCode (deterministic); NWS areaDesc, description
         * and instruction (randomized, a RESTRICTED tenant's defaults).
         */
        THREE_FIELDS,
        /** A CONFIDENTIAL tenant's defaults, no {@code encrypt} section: four FEMA fields, five NWS fields. */
        CONFIDENTIAL_DEFAULTS
    }

    /** Settings that vary between benchmark sections. */
    public record Processing(
            int parallelism,
            int batchSize,
            String batchInterval,
            String checkpointInterval,
            int topicPartitions,
            Encryption encryption) {
        /** Settings for the generated-input sections, where the sinks discard. */
        public static Processing discarding() {
            return new Processing(1, 5000, "5s", "10s", 1, Encryption.THREE_FIELDS);
        }

        public Processing with(Encryption other) {
            return new Processing(parallelism, batchSize, batchInterval, checkpointInterval, topicPartitions, other);
        }
    }

    /**
     * {@code count} tenants named {@code <prefix>_00}, {@code <prefix>_01}, ... with the given
     * processing settings, Kafka at {@code bootstrap} and the database at {@code jdbcUrl}.
     */
    public static EnclaveConfig generate(String prefix, int count, Processing p, String bootstrap, String jdbcUrl) {
        return generate(prefix, count, p, bootstrap, jdbcUrl, null);
    }

    /**
     * As above, on a broker that requires SASL/SCRAM when {@code quotas} is given: each tenant
     * then has a job principal ({@code tenant_<id>}) and a publisher principal
     * ({@code tenant_<id>_publisher}), both with {@code quotas}, for {@code provision} to create.
     */
    public static EnclaveConfig generate(
            String prefix, int count, Processing p, String bootstrap, String jdbcUrl, KafkaQuotas quotas) {
        StringBuilder y = new StringBuilder();
        y.append("global:\n  kafka:\n    bootstrap_servers: \"")
                .append(bootstrap)
                .append("\"\n");
        if (quotas != null) {
            y.append("    security_protocol: SASL_PLAINTEXT\n    sasl_mechanism: SCRAM-SHA-512\n");
        }
        y.append("  database:\n    jdbc_url: \"")
                .append(jdbcUrl)
                .append("\"\n    dialect: mysql\n")
                .append("tenants:\n");
        for (int i = 0; i < count; i++) {
            String id = String.format("%s_%02d", prefix, i);
            y.append("  ")
                    .append(id)
                    .append(":\n")
                    .append("    organization: \"Benchmark agency ")
                    .append(i)
                    .append("\"\n")
                    .append("    classification_level: CONFIDENTIAL\n")
                    .append("    keystore:\n")
                    .append("      path: \"")
                    .append(KEYSTORE_DIR.resolve(id + "-keys.p12"))
                    .append("\"\n")
                    .append("      password: bench-keys-")
                    .append(id)
                    .append('\n')
                    .append("      type: PKCS12\n")
                    .append("      signing_passwords: {job: bench-job-signing-")
                    .append(id)
                    .append(", ingest: bench-ingest-signing-")
                    .append(id)
                    .append(", cli: bench-cli-signing-")
                    .append(id)
                    .append("}\n")
                    .append("    database:\n")
                    .append("      schema: ")
                    .append(id)
                    .append("_db\n")
                    .append("      user: ")
                    .append(id)
                    .append("_writer\n")
                    .append("      password: bench-")
                    .append(id)
                    .append('\n')
                    .append("      encryption_key: ")
                    .append(id)
                    .append("_key_v1\n");
            if (quotas != null) {
                y.append(String.format(
                        Locale.ROOT,
                        "    kafka:\n      username: tenant_%1$s\n      password: bench-kafka-%1$s\n"
                                + "      publisher_username: tenant_%1$s_publisher\n"
                                + "      publisher_password: bench-publisher-%1$s\n"
                                + "      quotas: {producer_byte_rate: %2$d, consumer_byte_rate: %3$d,"
                                + " request_percentage: %4$d}\n",
                        id,
                        quotas.producerByteRate(),
                        quotas.consumerByteRate(),
                        quotas.requestPercentage()));
            }
            y.append("    data_restrictions:\n")
                    .append("      allowed_states: ALL\n")
                    .append("      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED, CONFIDENTIAL]\n")
                    .append("    processing:\n")
                    .append("      parallelism: ")
                    .append(p.parallelism())
                    .append('\n')
                    .append("      batch_size: ")
                    .append(p.batchSize())
                    .append('\n')
                    .append("      batch_interval: ")
                    .append(p.batchInterval())
                    .append('\n')
                    .append("      checkpoint_interval: ")
                    .append(p.checkpointInterval())
                    .append('\n')
                    .append("      topic_partitions: ")
                    .append(p.topicPartitions())
                    .append('\n');
            if (p.encryption() == Encryption.THREE_FIELDS) {
                y.append("      encrypt:\n")
                        .append("        disasters: [designatedArea, declarationTitle,")
                        .append(" {field: placeCode, mode: deterministic}]\n")
                        .append("        weather: [areaDesc, description, instruction]\n");
            }
        }
        // Throwaway tenants on embedded servers in this JVM, with short generated passwords: development mode.
        EnclaveConfig config = TenantConfigLoader.parse(y.toString(), "benchmark tenants", Map.of(), DevMode.ON);
        // Every tenant job needs its keys: the data keys of its encrypted fields and its audit signing keys.
        for (var tenant : config.tenants()) {
            KeystoreSettings store = tenant.keystore();
            TenantKeyStore keys = new TenantKeyStore(
                    Path.of(store.path()),
                    store.password(),
                    store.type(),
                    tenant.id(),
                    tenant.database().encryptionKeyRef());
            if (keys.list().current() == 0) {
                keys.init();
            }
            AuditSigning.ensure(tenant);
        }
        return config;
    }

    /** Where each benchmark tenant's own key store is kept, one directory per benchmark JVM. */
    private static final Path KEYSTORE_DIR = createKeystoreDir();

    private static Path createKeystoreDir() {
        try {
            return Files.createTempDirectory("bench-keys");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
