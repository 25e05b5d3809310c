package io.enclave.config;

/** How a configured sensitive field is encrypted. */
public enum EncryptionMode {
    /** AES-256-GCM with a fresh nonce: equal plaintexts give different ciphertexts. */
    RANDOMIZED,
    /** Deterministic within one tenant and column, so the column stays joinable. */
    DETERMINISTIC
}
