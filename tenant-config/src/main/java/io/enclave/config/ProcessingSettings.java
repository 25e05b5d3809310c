package io.enclave.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the tenant's job runs: parallelism, memory per slot, sink batching, input limits and encrypted fields.
 * {@code encryptionFromDefaults} is true when the config had no {@code processing.encrypt}, so
 * the fields are {@link EncryptionDefaults} of the tenant's classification level.
 */
public record ProcessingSettings(
        int parallelism,
        int batchSize,
        Duration batchInterval,
        int maxRetries,
        int maxMessageBytes,
        Duration dedupTtl,
        Duration checkpointInterval,
        int topicPartitions,
        List<EncryptedField> encryptedFields,
        boolean encryptionFromDefaults,
        SlotMemory slotMemory)
        implements Serializable {

    /** Large batches a few seconds apart, because StarRocks rejects frequent small loads. */
    public static final int DEFAULT_BATCH_SIZE = 5_000;

    public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    public ProcessingSettings {
        encryptedFields = List.copyOf(encryptedFields);
        Objects.requireNonNull(slotMemory, "slotMemory");
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<EncryptedField> encryptedFields(StreamKind stream) {
        return encryptedFields.stream().filter(f -> f.stream() == stream).toList();
    }

    /** Builder with defaults that suit a StarRocks sink. */
    public static final class Builder {
        private int parallelism = 1;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration batchInterval = DEFAULT_BATCH_INTERVAL;
        private int maxRetries = 5;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private Duration dedupTtl = Duration.ofDays(7);
        private Duration checkpointInterval = Duration.ofSeconds(30);
        private int topicPartitions = 3;
        private List<EncryptedField> encryptedFields = List.of();
        private boolean encryptionFromDefaults;
        private SlotMemory slotMemory = SlotMemory.UNSET;

        public Builder parallelism(int v) {
            parallelism = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder batchInterval(Duration v) {
            batchInterval = v;
            return this;
        }

        public Builder maxRetries(int v) {
            maxRetries = v;
            return this;
        }

        public Builder maxMessageBytes(int v) {
            maxMessageBytes = v;
            return this;
        }

        public Builder dedupTtl(Duration v) {
            dedupTtl = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder topicPartitions(int v) {
            topicPartitions = v;
            return this;
        }

        public Builder encryptedFields(List<EncryptedField> v) {
            encryptedFields = v;
            return this;
        }

        public Builder encryptionFromDefaults(boolean v) {
            encryptionFromDefaults = v;
            return this;
        }

        /** The memory budget of each of the tenant's slots; {@link SlotMemory#UNSET} leaves the cluster's even split. */
        public Builder slotMemory(SlotMemory v) {
            slotMemory = v;
            return this;
        }

        public ProcessingSettings build() {
            return new ProcessingSettings(
                    parallelism,
                    batchSize,
                    batchInterval,
                    maxRetries,
                    maxMessageBytes,
                    dedupTtl,
                    checkpointInterval,
                    topicPartitions,
                    encryptedFields,
                    encryptionFromDefaults,
                    slotMemory);
        }
    }
}
