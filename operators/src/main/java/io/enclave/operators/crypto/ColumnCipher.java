package io.enclave.operators.crypto;

import io.enclave.config.EncryptionMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMSIVBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Encrypts and decrypts the values of one column of one tenant under one key version, with the
 * column's HKDF subkey. Every cipher is keyed once, here, and then only re-armed with a nonce:
 * BouncyCastle's GCM with a null key parameter, the JDK's GCM with the same key object (whose
 * expanded key it keeps), and GCM-SIV not at all, as its nonce is fixed. So no value pays for
 * an AES key expansion or new GHASH tables. Randomized GCM runs on the {@link GcmEngine} chosen
 * at startup; deterministic GCM-SIV always on BouncyCastle. Not thread-safe: one per subtask.
 *
 * <p>Associated data: {@code enclave|tenant|table|column|k<version>|<row key>}. In deterministic
 * mode it stops before the row key, because equal values in different rows must encrypt equally
 * to stay joinable; tenant, table and column stay bound by the AAD and the subkey.
 */
public final class ColumnCipher {
    public static final String GCM = "AES-256-GCM";
    public static final String GCM_SIV = "AES-256-GCM-SIV";
    static final int TAG_BITS = 128;
    static final int TAG_BYTES = TAG_BITS / 8;
    private static final int NONCE_BYTES = NonceSequence.NONCE_BYTES;
    /** GCM-SIV tolerates a repeated nonce by design; a fixed one is what makes it deterministic. */
    private static final byte[] FIXED_NONCE = new byte[NONCE_BYTES];

    private final String tenantId;
    private final String table;
    private final String column;
    private final EncryptionMode mode;
    private final int keyVersion;
    private final byte[] aadPrefix;
    private final String textPrefix;
    private final NonceSequence nonces;
    private final AEADBlockCipher encryptor;
    private final AEADBlockCipher decryptor;
    /** Set when randomized values run on the JDK's GCM instead of {@link #encryptor} and {@link #decryptor}. */
    private final Cipher jceEncryptor;

    private final Cipher jceDecryptor;
    private final SecretKeySpec jceKey;

    ColumnCipher(
            String tenantId, String table, String column, EncryptionMode mode, VersionedKey key, NonceSequence nonces) {
        this(tenantId, table, column, mode, key, nonces, GcmEngine.configured(), FieldKeys.HKDF);
    }

    ColumnCipher(
            String tenantId,
            String table,
            String column,
            EncryptionMode mode,
            VersionedKey key,
            NonceSequence nonces,
            GcmEngine engine,
            FieldKeys.Derivation derivation) {
        this.tenantId = tenantId;
        this.table = table;
        this.column = column;
        this.mode = mode;
        this.keyVersion = key.version();
        String algorithm = mode == EncryptionMode.RANDOMIZED ? GCM : GCM_SIV;
        byte[] subkeyBytes = derivation.derive(key.key().getEncoded(), tenantId, table, column, keyVersion, algorithm);
        KeyParameter subkey = new KeyParameter(subkeyBytes);
        String aad = String.join("|", "enclave", tenantId, table, column, "k" + keyVersion)
                + (mode == EncryptionMode.RANDOMIZED ? "|" : "");
        this.aadPrefix = aad.getBytes(StandardCharsets.UTF_8);
        this.textPrefix = Ciphertext.prefix(mode, keyVersion);
        this.nonces = nonces;
        boolean jce = mode == EncryptionMode.RANDOMIZED && engine == GcmEngine.JCE;
        this.jceKey = jce ? new SecretKeySpec(subkeyBytes, "AES") : null;
        this.jceEncryptor = jce ? jceGcm() : null;
        this.jceDecryptor = jce ? jceGcm() : null;
        if (jce) {
            this.encryptor = null;
            this.decryptor = null;
        } else if (mode == EncryptionMode.RANDOMIZED) {
            this.encryptor = GCMBlockCipher.newInstance(AESEngine.newInstance());
            byte[] first = new byte[NONCE_BYTES];
            nonces.next(first, 0);
            encryptor.init(true, new AEADParameters(subkey, TAG_BITS, first));
            this.decryptor = GCMBlockCipher.newInstance(AESEngine.newInstance());
            decryptor.init(false, new AEADParameters(subkey, TAG_BITS, FIXED_NONCE));
        } else {
            this.encryptor = new GCMSIVBlockCipher(AESEngine.newInstance());
            encryptor.init(true, new AEADParameters(subkey, TAG_BITS, FIXED_NONCE));
            this.decryptor = new GCMSIVBlockCipher(AESEngine.newInstance());
            decryptor.init(false, new AEADParameters(subkey, TAG_BITS, FIXED_NONCE));
        }
    }

    public EncryptionMode mode() {
        return mode;
    }

    public int keyVersion() {
        return keyVersion;
    }

    /**
     * The ciphertext text of {@code plaintext} in this column of row {@code rowKey}; null and
     * empty values stay as they are, since there is nothing to hide and NULL must stay NULL.
     */
    public String encrypt(String plaintext, String rowKey) {
        if (plaintext == null || plaintext.isEmpty()) {
            return plaintext;
        }
        byte[] in = plaintext.getBytes(StandardCharsets.UTF_8);
        if (jceEncryptor != null) {
            return textPrefix + Ciphertext.encode(jceSeal(in, rowKey));
        }
        byte[] out;
        int offset;
        if (mode == EncryptionMode.RANDOMIZED) {
            out = new byte[NONCE_BYTES + in.length + TAG_BYTES];
            nonces.next(out, 0);
            encryptor.init(true, new AEADParameters(null, TAG_BITS, Arrays.copyOf(out, NONCE_BYTES)));
            offset = NONCE_BYTES;
        } else {
            out = new byte[in.length + TAG_BYTES];
            offset = 0;
        }
        feedAad(encryptor, rowKey);
        int n = encryptor.processBytes(in, 0, in.length, out, offset);
        try {
            encryptor.doFinal(out, offset + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail authentication", e);
        }
        return textPrefix + Ciphertext.encode(out);
    }

    /**
     * The plaintext of a value of this column, key version and mode.
     *
     * @throws DecryptionException if it was altered or belongs to another tenant, table, column or row
     */
    public String decrypt(Ciphertext value, String rowKey) {
        if (value.mode() != mode || value.keyVersion() != keyVersion) {
            throw new IllegalArgumentException("a " + value.mode() + " k" + value.keyVersion() + " value given to the "
                    + mode + " k" + keyVersion + " cipher");
        }
        byte[] payload = value.payload();
        if (jceDecryptor != null) {
            return jceOpen(payload, rowKey);
        }
        int offset = 0;
        if (mode == EncryptionMode.RANDOMIZED) {
            if (payload.length < NONCE_BYTES + TAG_BYTES) {
                throw notAuthentic();
            }
            decryptor.init(false, new AEADParameters(null, TAG_BITS, Arrays.copyOf(payload, NONCE_BYTES)));
            offset = NONCE_BYTES;
        } else if (payload.length < TAG_BYTES) {
            throw notAuthentic();
        }
        feedAad(decryptor, rowKey);
        byte[] out = new byte[decryptor.getOutputSize(payload.length - offset)];
        int n = decryptor.processBytes(payload, offset, payload.length - offset, out, 0);
        try {
            n += decryptor.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            decryptor.reset();
            throw notAuthentic();
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private byte[] jceSeal(byte[] in, String rowKey) {
        byte[] out = new byte[NONCE_BYTES + in.length + TAG_BYTES];
        nonces.next(out, 0);
        try {
            jceEncryptor.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(TAG_BITS, out, 0, NONCE_BYTES));
            jceEncryptor.updateAAD(aadPrefix);
            jceEncryptor.updateAAD(rowKeyBytes(rowKey));
            jceEncryptor.doFinal(in, 0, in.length, out, NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM encryption failed", e);
        }
        return out;
    }

    private String jceOpen(byte[] payload, String rowKey) {
        if (payload.length < NONCE_BYTES + TAG_BYTES) {
            throw notAuthentic();
        }
        try {
            jceDecryptor.init(Cipher.DECRYPT_MODE, jceKey, new GCMParameterSpec(TAG_BITS, payload, 0, NONCE_BYTES));
            jceDecryptor.updateAAD(aadPrefix);
            jceDecryptor.updateAAD(rowKeyBytes(rowKey));
            return new String(
                    jceDecryptor.doFinal(payload, NONCE_BYTES, payload.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw notAuthentic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM decryption failed", e);
        }
    }

    private static Cipher jceGcm() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM/NoPadding", e);
        }
    }

    private byte[] rowKeyBytes(String rowKey) {
        if (rowKey == null) {
            throw new IllegalArgumentException("a randomized value of " + table + "." + column + " needs its row key");
        }
        return rowKey.getBytes(StandardCharsets.UTF_8);
    }

    private void feedAad(AEADBlockCipher cipher, String rowKey) {
        cipher.processAADBytes(aadPrefix, 0, aadPrefix.length);
        if (mode == EncryptionMode.RANDOMIZED) {
            byte[] key = rowKeyBytes(rowKey);
            cipher.processAADBytes(key, 0, key.length);
        }
    }

    private DecryptionException notAuthentic() {
        return new DecryptionException(
                "authentication_failed",
                "the value does not decrypt as " + table + "."
                        + column + " of tenant " + tenantId + " under key version " + keyVersion
                        + ": it was altered, or it belongs to another tenant, table, column or row");
    }
}
