package io.enclave.operators.crypto;

import io.enclave.config.EncryptableFields;
import io.enclave.config.EncryptedField;
import io.enclave.config.StreamKind;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.TenantEvent;
import io.enclave.operators.record.WeatherAlert;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The per-record work of {@link FieldEncryptor}, without Flink: replaces each configured field
 * of an event with its ciphertext, bound to the event's natural key. Field slots, subkeys and
 * ciphers are set up once, so a record costs a field read, an encryption and a field write per
 * configured field. Not thread-safe: one per subtask.
 */
public final class EventEncryptor {
    private final Map<StreamKind, Slot[]> slots = new EnumMap<>(StreamKind.class);
    private final List<Slot> all = new ArrayList<>();

    /** One configured field: where it lives in the record, its cipher, and how often it was used. */
    private static final class Slot {
        final String column;
        final Field field;
        final ColumnCipher cipher;
        long count;

        Slot(String column, Field field, ColumnCipher cipher) {
            this.column = column;
            this.field = field;
            this.cipher = cipher;
        }
    }

    /**
     * @throws IllegalArgumentException if a field is not an encryptable text field of its stream
     */
    public EventEncryptor(FieldCrypto crypto, List<EncryptedField> fields) {
        Map<StreamKind, List<Slot>> byStream = new EnumMap<>(StreamKind.class);
        for (EncryptedField f : fields) {
            String column = EncryptableFields.column(f.stream(), f.field())
                    .orElseThrow(() ->
                            new IllegalArgumentException(f.field() + " is not an encryptable field of " + f.stream()));
            Slot slot = new Slot(
                    f.stream().table() + "." + column,
                    recordField(f.stream(), f.field()),
                    crypto.forWriting(f.stream().table(), column, f.mode()));
            byStream.computeIfAbsent(f.stream(), s -> new ArrayList<>()).add(slot);
            all.add(slot);
        }
        for (StreamKind stream : StreamKind.values()) {
            slots.put(stream, byStream.getOrDefault(stream, List.of()).toArray(new Slot[0]));
        }
    }

    /** Encrypts the event's configured fields in place; returns how many values were encrypted (nulls and empties are not). */
    public int encrypt(TenantEvent event) {
        Object record = event.stream == StreamKind.DISASTERS ? event.disaster : event.alert;
        int encrypted = 0;
        for (Slot slot : slots.get(event.stream)) {
            try {
                String value = (String) slot.field.get(record);
                if (value == null || value.isEmpty()) {
                    continue;
                }
                slot.field.set(record, slot.cipher.encrypt(value, event.naturalKey));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("record field " + slot.field + " is not public", e);
            }
            slot.count++;
            encrypted++;
        }
        return encrypted;
    }

    /** The key version every value is written under. */
    public int keyVersion() {
        return all.isEmpty() ? 0 : all.get(0).cipher.keyVersion();
    }

    /** Values encrypted per {@code table.column} since the last call, in config order; resets the counts. */
    public Map<String, Long> takeCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (Slot slot : all) {
            if (slot.count > 0) {
                counts.put(slot.column, slot.count);
                slot.count = 0;
            }
        }
        return counts;
    }

    private static Field recordField(StreamKind stream, String name) {
        Class<?> type = stream == StreamKind.DISASTERS ? DisasterDeclaration.class : WeatherAlert.class;
        try {
            Field field = type.getField(name);
            if (field.getType() != String.class || Modifier.isStatic(field.getModifiers())) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + name + " is not a String field");
            }
            return field;
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " has no field " + name, e);
        }
    }
}
