package io.enclave.config;

import java.io.Serializable;

/** Optional hardening a tenant asks for, used when deployment manifests are rendered. */
public record SecurityEnhancements(boolean networkIsolation, boolean dedicatedProcessing, boolean additionalEncryption)
        implements Serializable {
    public static final SecurityEnhancements NONE = new SecurityEnhancements(false, false, false);
}
