package io.enclave.config;

import java.io.Serializable;

/**
 * Optional hardening a tenant asks for: {@code network_isolation} and {@code dedicated_processing}
 * shape the rendered deployment (its own network policy, internal TLS, no shared nodes), and
 * {@code additional_encryption} encrypts every classified text field on top of the configured
 * ones (see {@link EncryptionDefaults#withAdditional}).
 */
public record SecurityEnhancements(boolean networkIsolation, boolean dedicatedProcessing, boolean additionalEncryption)
        implements Serializable {
    public static final SecurityEnhancements NONE = new SecurityEnhancements(false, false, false);
}
