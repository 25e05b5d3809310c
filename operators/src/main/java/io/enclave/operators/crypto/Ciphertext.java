package io.enclave.operators.crypto;

import io.enclave.config.EncryptionMode;
import java.util.Base64;

/**
 * The text form of an encrypted value, which fits a VARCHAR column and describes itself:
 * {@code enc:v1:k<version>:<base64url>} for randomized AES-256-GCM (nonce, ciphertext, tag) and
 * {@code enc:s1:k<version>:<base64url>} for deterministic AES-256-GCM-SIV (ciphertext, tag; the
 * nonce is fixed). The second field is the format: algorithm and layout, version 1.
 *
 * @param mode which cipher wrote it
 * @param keyVersion the tenant data key version it was written under
 * @param payload the binary part
 */
public record Ciphertext(EncryptionMode mode, int keyVersion, byte[] payload) {
    public static final String PREFIX = "enc:";
    static final String RANDOMIZED_FORMAT = "v1";
    static final String DETERMINISTIC_FORMAT = "s1";

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** The text before the payload, e.g. {@code enc:v1:k3:}. */
    static String prefix(EncryptionMode mode, int keyVersion) {
        return PREFIX + (mode == EncryptionMode.RANDOMIZED ? RANDOMIZED_FORMAT : DETERMINISTIC_FORMAT) + ":k"
                + keyVersion + ":";
    }

    static String encode(byte[] payload) {
        return ENCODER.encodeToString(payload);
    }

    /** True for text in Enclave's ciphertext form; says nothing about whether it decrypts. */
    public static boolean looksEncrypted(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /**
     * Reads the text form.
     *
     * @throws DecryptionException if it is not an Enclave ciphertext of a known format
     */
    public static Ciphertext parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw malformed("it does not start with " + PREFIX);
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 4) {
            throw malformed("expected enc:<format>:k<version>:<base64url>");
        }
        EncryptionMode mode;
        if (parts[1].equals(RANDOMIZED_FORMAT)) {
            mode = EncryptionMode.RANDOMIZED;
        } else if (parts[1].equals(DETERMINISTIC_FORMAT)) {
            mode = EncryptionMode.DETERMINISTIC;
        } else {
            throw malformed("unknown format " + parts[1] + "; this Enclave reads " + RANDOMIZED_FORMAT + " and "
                    + DETERMINISTIC_FORMAT);
        }
        if (!parts[2].matches("k[1-9][0-9]{0,8}")) {
            throw malformed("the key version must look like k3");
        }
        int version = Integer.parseInt(parts[2].substring(1));
        byte[] payload;
        try {
            payload = DECODER.decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw malformed("the payload is not base64url");
        }
        return new Ciphertext(mode, version, payload);
    }

    private static DecryptionException malformed(String why) {
        return new DecryptionException("malformed_ciphertext", "not an Enclave ciphertext: " + why);
    }
}
