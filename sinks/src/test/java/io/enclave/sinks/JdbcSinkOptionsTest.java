package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.Secret;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.StarRocksDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcSinkOptionsTest {

    private static JdbcSinkOptions.Builder complete() {
        return JdbcSinkOptions.builder()
                .tenantId("colorado_state")
                .jdbcUrl("jdbc:mysql://localhost:9030/colorado_state")
                .database("colorado_state")
                .user("colorado_writer")
                .password(Secret.of("s3cr3t-value"))
                .dialect(new MySqlDialect());
    }

    @Test
    void defaultsSuitStarRocks() {
        JdbcSinkOptions options = complete().build();
        assertThat(options.batchSize()).isEqualTo(5_000);
        assertThat(options.batchInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.maxRetries()).isEqualTo(5);
    }

    /**
     * StarRocks turns every flush into a load and a tablet version: size-triggered flushes are
     * held 1 s apart there (growing the batch instead, to 4 batches), and not on MySQL/MariaDB.
     */
    @Test
    void starRocksSpacesSizeTriggeredFlushes() {
        JdbcSinkOptions starRocks =
                complete().dialect(new StarRocksDialect()).batchSize(100).build();
        JdbcSinkOptions mysql = complete().batchSize(100).build();
        assertThat(starRocks.minFlushSpacing()).isEqualTo(Duration.ofSeconds(1));
        assertThat(mysql.minFlushSpacing()).isZero();

        assertThat(BatchedUpsertSink.sizeFlushDue(99, 5_000, starRocks)).isFalse();
        assertThat(BatchedUpsertSink.sizeFlushDue(100, 999, starRocks)).isFalse();
        assertThat(BatchedUpsertSink.sizeFlushDue(100, 1_000, starRocks)).isTrue();
        assertThat(BatchedUpsertSink.sizeFlushDue(400, 10, starRocks)).isTrue();
        assertThat(BatchedUpsertSink.sizeFlushDue(100, 0, mysql)).isTrue();
        assertThat(complete().minFlushSpacing(Duration.ofSeconds(3)).build().minFlushSpacing())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void survivesJavaSerializationAsItsSerializableContractPromises() throws Exception {
        JdbcSinkOptions options = complete().dialect(new StarRocksDialect(1)).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(options);
        }
        JdbcSinkOptions copy =
                (JdbcSinkOptions) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(copy.password().reveal()).isEqualTo("s3cr3t-value");
        assertThat(copy.dialect().name()).isEqualTo("starrocks");
    }

    @Test
    void toStringNeverShowsThePassword() {
        assertThat(complete().build().toString())
                .doesNotContain("s3cr3t-value")
                .contains("colorado_state", "colorado_writer", "mysql");
    }

    @Test
    void requiresTenantUrlDatabaseUserAndDialect() {
        assertThatThrownBy(() -> complete().tenantId(null).build()).hasMessageContaining("tenantId");
        assertThatThrownBy(() -> complete().jdbcUrl(null).build()).hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> complete().database(null).build()).hasMessageContaining("database");
        assertThatThrownBy(() -> complete().user(null).build()).hasMessageContaining("user");
        assertThatThrownBy(() -> complete().dialect(null).build()).hasMessageContaining("dialect");
    }
}
