package io.enclave.operators.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EncryptableFields;
import io.enclave.config.StreamKind;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.WeatherAlert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The config's list of encryptable fields names real public String fields of the records the encryptor rewrites. */
class EncryptableRecordFieldsTest {

    @ParameterizedTest
    @EnumSource(StreamKind.class)
    void everyEncryptableFieldIsAPublicStringFieldOfItsRecord(StreamKind stream) throws Exception {
        Class<?> record = stream == StreamKind.DISASTERS ? DisasterDeclaration.class : WeatherAlert.class;
        for (String field : EncryptableFields.fields(stream)) {
            assertThat(record.getField(field).getType())
                    .as("%s.%s", record.getSimpleName(), field)
                    .isEqualTo(String.class);
        }
    }
}
