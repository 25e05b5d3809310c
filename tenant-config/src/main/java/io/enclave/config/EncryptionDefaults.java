package io.enclave.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields a tenant encrypts when its config has no {@code processing.encrypt}: chosen by its
 * {@code classification_level}. FEMA and NWS records are public, so PUBLIC and INTERNAL tenants
 * encrypt nothing by default; RESTRICTED and above encrypt where the records say where (areas,
 * place codes) and what responders were told (free text), and CONFIDENTIAL also titles, county
 * codes, headlines and the issuing office.
 */
public final class EncryptionDefaults {
    private EncryptionDefaults() {}

    public static List<EncryptedField> forLevel(Classification level) {
        List<EncryptedField> fields = new ArrayList<>();
        if (level.compareTo(Classification.RESTRICTED) >= 0) {
            fields.add(randomized(StreamKind.DISASTERS, "designatedArea"));
            // Place codes stay joinable within the tenant, e.g. to count declarations per place.
            fields.add(new EncryptedField(StreamKind.DISASTERS, "placeCode", EncryptionMode.DETERMINISTIC));
        }
        if (level == Classification.CONFIDENTIAL) {
            fields.add(randomized(StreamKind.DISASTERS, "declarationTitle"));
            fields.add(new EncryptedField(StreamKind.DISASTERS, "fipsCountyCode", EncryptionMode.DETERMINISTIC));
        }
        if (level.compareTo(Classification.RESTRICTED) >= 0) {
            fields.add(randomized(StreamKind.WEATHER, "areaDesc"));
            fields.add(randomized(StreamKind.WEATHER, "description"));
            fields.add(randomized(StreamKind.WEATHER, "instruction"));
        }
        if (level == Classification.CONFIDENTIAL) {
            fields.add(randomized(StreamKind.WEATHER, "headline"));
            fields.add(randomized(StreamKind.WEATHER, "senderName"));
        }
        return List.copyOf(fields);
    }

    /**
     * What {@code security_enhancements.additional_encryption: true} adds: every classified text
     * field, that is every field CONFIDENTIAL encrypts by default, whatever the tenant's own level,
     * on top of {@code fields} (configured or by level). A field already in {@code fields} keeps
     * its mode there, so a deterministic choice stays joinable.
     */
    public static List<EncryptedField> withAdditional(List<EncryptedField> fields, boolean additionalEncryption) {
        if (!additionalEncryption) {
            return fields;
        }
        List<EncryptedField> all = new ArrayList<>(fields);
        for (EncryptedField classified : forLevel(Classification.CONFIDENTIAL)) {
            boolean listed = fields.stream()
                    .anyMatch(
                            f -> f.stream() == classified.stream() && f.field().equals(classified.field()));
            if (!listed) {
                all.add(classified);
            }
        }
        return List.copyOf(all);
    }

    private static EncryptedField randomized(StreamKind stream, String field) {
        return new EncryptedField(stream, field, EncryptionMode.RANDOMIZED);
    }
}
