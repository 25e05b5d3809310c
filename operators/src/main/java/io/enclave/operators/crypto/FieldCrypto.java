package io.enclave.operators.crypto;

import io.enclave.config.EncryptionMode;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * One tenant's field encryption: a {@link ColumnCipher} per table, column, mode and key version,
 * built on first use from the tenant's scoped {@link KeyProvider}. The operator writes with the
 * current key version; readers decrypt with whatever version a value names. Not thread-safe.
 */
public final class FieldCrypto {
    private final KeyProvider keys;
    private final String tenantId;
    private final NonceSequence nonces;
    private final GcmEngine engine;
    private final FieldKeys.Derivation derivation;
    private final Map<String, ColumnCipher> ciphers = new HashMap<>();

    /**
     * @throws KeyUnavailableException if {@code keys} belongs to another tenant
     */
    public FieldCrypto(KeyProvider keys, String tenantId, NonceSequence nonces) {
        this(keys, tenantId, nonces, GcmEngine.configured());
    }

    /** As above, with randomized values on the given GCM implementation. */
    public FieldCrypto(KeyProvider keys, String tenantId, NonceSequence nonces, GcmEngine engine) {
        this(keys, tenantId, nonces, engine, FieldKeys.HKDF);
    }

    /** As above, with the column subkeys derived another way: for tests only, never from config. */
    FieldCrypto(
            KeyProvider keys,
            String tenantId,
            NonceSequence nonces,
            GcmEngine engine,
            FieldKeys.Derivation derivation) {
        keys.requireOwnTenant(tenantId);
        this.keys = keys;
        this.tenantId = tenantId;
        this.nonces = nonces;
        this.engine = engine;
        this.derivation = derivation;
    }

    /** For readers, who never encrypt randomized values, so a single random prefix is all they need. */
    public static FieldCrypto forReading(KeyProvider keys, String tenantId) {
        return new FieldCrypto(keys, tenantId, new NonceSequence(new SecureRandom()));
    }

    /** The cipher that new values of this column are written with: the tenant's current key version. */
    public ColumnCipher forWriting(String table, String column, EncryptionMode mode) {
        return cipher(table, column, mode, keys.currentDataKey(tenantId));
    }

    /**
     * The plaintext of a value read from {@code table.column} of the row with natural key
     * {@code rowKey}, under whichever key version it names.
     *
     * @throws DecryptionException if it is not a ciphertext or does not authenticate
     * @throws KeyUnavailableException if its key version is unknown or was destroyed
     */
    public String decrypt(String table, String column, String rowKey, String value) {
        Ciphertext parsed = Ciphertext.parse(value);
        VersionedKey key = keys.dataKey(tenantId, parsed.keyVersion());
        return cipher(table, column, parsed.mode(), key).decrypt(parsed, rowKey);
    }

    private ColumnCipher cipher(String table, String column, EncryptionMode mode, VersionedKey key) {
        String id = table + '|' + column + '|' + mode + '|' + key.version();
        return ciphers.computeIfAbsent(
                id, k -> new ColumnCipher(tenantId, table, column, mode, key, nonces, engine, derivation));
    }
}
