package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.parse;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which fields a tenant encrypts: validated against the streams' text fields, with defaults by level. */
class EncryptionConfigTest {

    @Test
    void encryptedFieldsMustBeTextFieldsOfTheirStream() {
        String yaml = MINIMAL + """
                    processing:
                      encrypt:
                        disasters: [designatedArea, id, declarationDate, designated_area, description]
                        weather:
                          - headline
                          - {field: sameCodes, mode: deterministic}
                          - {field: severityLevel}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.processing.encrypt.disasters[1]: 'id' is the natural key: rows are upserted"
                                + " and ciphertexts bound by it, so it cannot be encrypted (line 18)",
                        "tenants.colorado_state.processing.encrypt.disasters[2]: 'declarationDate' is stored as a timestamp,"
                                + " not text, so it cannot be encrypted (line 18)",
                        "tenants.colorado_state.processing.encrypt.disasters[3]: 'designated_area' is a column name;"
                                + " write the field name 'designatedArea' (line 18)",
                        "tenants.colorado_state.processing.encrypt.disasters[4]: 'description' is not a text field of"
                                + " disasters; expected one of "
                                + String.join(", ", EncryptableFields.fields(StreamKind.DISASTERS))
                                + " (line 18)",
                        "tenants.colorado_state.processing.encrypt.weather[1].field: 'sameCodes' is a list of geocodes from"
                                + " which the guard derives states, so it cannot be encrypted (line 21)",
                        "tenants.colorado_state.processing.encrypt.weather[2].field: 'severityLevel' is not a text field of"
                                + " weather; expected one of "
                                + String.join(", ", EncryptableFields.fields(StreamKind.WEATHER))
                                + " (line 22)");
    }

    @Test
    void withoutAnEncryptSectionTheClassificationLevelDecides() {
        ProcessingSettings restricted = parse(MINIMAL).tenant("colorado_state").processing();

        assertThat(restricted.encryptionFromDefaults()).isTrue();
        assertThat(restricted.encryptedFields())
                .containsExactly(
                        new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.DISASTERS, "placeCode", EncryptionMode.DETERMINISTIC),
                        new EncryptedField(StreamKind.WEATHER, "areaDesc", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.WEATHER, "description", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.WEATHER, "instruction", EncryptionMode.RANDOMIZED));
    }

    @Test
    void anEmptyEncryptSectionIsAnExplicitChoiceOfNone() {
        ProcessingSettings none = parse(MINIMAL + """
                    processing:
                      encrypt: {}
                """).tenant("colorado_state").processing();

        assertThat(none.encryptionFromDefaults()).isFalse();
        assertThat(none.encryptedFields()).isEmpty();
    }

    /** additional_encryption: every classified text field on top of the configured ones, their modes kept. */
    @Test
    void additionalEncryptionAddsEveryClassifiedTextFieldToTheConfiguredOnes() {
        ProcessingSettings more = parse(MINIMAL + """
                    security_enhancements: {additional_encryption: true}
                    processing:
                      encrypt:
                        disasters: [{field: declarationTitle, mode: deterministic}, incidentType]
                """).tenant("colorado_state").processing();

        assertThat(more.encryptedFields())
                .contains(
                        new EncryptedField(StreamKind.DISASTERS, "declarationTitle", EncryptionMode.DETERMINISTIC),
                        new EncryptedField(StreamKind.DISASTERS, "incidentType", EncryptionMode.RANDOMIZED))
                .containsAll(EncryptionDefaults.forLevel(Classification.CONFIDENTIAL).stream()
                        .filter(f -> !f.field().equals("declarationTitle"))
                        .toList())
                .doesNotContain(
                        new EncryptedField(StreamKind.DISASTERS, "declarationTitle", EncryptionMode.RANDOMIZED));
        ProcessingSettings without =
                parse(MINIMAL + """
                    processing:
                      encrypt:
                        disasters: [incidentType]
                """).tenant("colorado_state").processing();
        assertThat(without.encryptedFields())
                .containsExactly(new EncryptedField(StreamKind.DISASTERS, "incidentType", EncryptionMode.RANDOMIZED));
    }

    @Test
    void publicAndInternalTenantsEncryptNothingByDefaultAndConfidentialOnesMore() {
        assertThat(EncryptionDefaults.forLevel(Classification.PUBLIC)).isEmpty();
        assertThat(EncryptionDefaults.forLevel(Classification.INTERNAL)).isEmpty();
        assertThat(EncryptionDefaults.forLevel(Classification.CONFIDENTIAL))
                .containsAll(EncryptionDefaults.forLevel(Classification.RESTRICTED))
                .extracting(EncryptedField::field)
                .contains("declarationTitle", "fipsCountyCode", "headline", "senderName");
    }

    @ParameterizedTest
    @EnumSource(Classification.class)
    void everyDefaultFieldIsAnEncryptableTextField(Classification level) {
        List<EncryptedField> defaults = EncryptionDefaults.forLevel(level);

        assertThat(defaults)
                .allSatisfy(f -> assertThat(EncryptableFields.column(f.stream(), f.field()))
                        .as("%s.%s", f.stream(), f.field())
                        .isPresent());
    }
}
