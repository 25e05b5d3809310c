package io.enclave.operators.crypto;

/**
 * A value that cannot be decrypted: not an Enclave ciphertext, or one that fails
 * authentication because it was altered or belongs to another tenant, table, column, row or key
 * version. The message never holds the value or any key.
 */
public class DecryptionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why, as an audit reason label. */
    private final String reason;

    public DecryptionException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
