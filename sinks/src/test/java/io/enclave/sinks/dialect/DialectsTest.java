package io.enclave.sinks.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DatabaseDialect;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DialectsTest {

    @Test
    void namesOnTheCommandLineAreLowerCase() {
        assertThat(Dialects.MYSQL).hasToString("mysql");
        assertThat(Dialects.STARROCKS).hasToString("starrocks");
    }

    @Test
    void configuredDialectSelectsItsImplementation() {
        assertThat(Dialects.of(DatabaseDialect.MYSQL)).isInstanceOf(MySqlDialect.class);
        assertThat(Dialects.of(DatabaseDialect.STARROCKS)).isInstanceOf(StarRocksDialect.class);
    }

    @ParameterizedTest
    @EnumSource(Dialects.class)
    void eachDialectNamesItselfLikeItsEnum(Dialects d) {
        assertThat(d.dialect().name()).isEqualTo(d.toString());
    }

    @ParameterizedTest
    @EnumSource(Dialects.class)
    void dialectsSurviveJavaSerialization(Dialects d) throws Exception {
        // JdbcSinkOptions is Serializable and holds a dialect.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d.dialect());
        }
        Object copy = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(copy).isInstanceOf(SqlDialect.class);
        assertThat(((SqlDialect) copy).upsert("tenant_a", io.enclave.sinks.schema.TenantTables.auditLog()))
                .isEqualTo(d.dialect().upsert("tenant_a", io.enclave.sinks.schema.TenantTables.auditLog()));
    }
}
