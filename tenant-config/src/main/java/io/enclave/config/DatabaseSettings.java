package io.enclave.config;

import java.io.Serializable;

/**
 * The tenant's own database: its schema (database name), its own user and password, and the
 * reference that names its encryption key in the key provider.
 */
public record DatabaseSettings(String schema, String user, Secret password, String encryptionKeyRef)
        implements Serializable {}
