package io.enclave.operators.crypto;

import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import java.nio.file.Path;

/**
 * Opens one tenant's {@link KeystoreKeyProvider} where the keys are used. It travels in the job
 * graph, so it holds only where the store is, its password as a {@link Secret} (which never
 * prints), the store type, the tenant and its key reference: no key material.
 */
public final class KeystoreKeyProviderFactory implements KeyProviderFactory {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final Secret password;
    private final String type;
    private final String tenantId;
    private final String keyRef;

    public KeystoreKeyProviderFactory(String path, Secret password, String type, String tenantId, String keyRef) {
        this.path = path;
        this.password = password;
        this.type = type;
        this.tenantId = tenantId;
        this.keyRef = keyRef;
    }

    /**
     * The factory of a tenant's job: the tenant's own key store and key reference. It carries
     * that one store's path and password, which open no other tenant's keys.
     */
    public static KeystoreKeyProviderFactory forTenant(TenantConfig tenant) {
        KeystoreSettings keystore = tenant.keystore();
        return new KeystoreKeyProviderFactory(
                keystore.path(),
                keystore.password(),
                keystore.type(),
                tenant.id(),
                tenant.database().encryptionKeyRef());
    }

    @Override
    public KeyProvider open() {
        return KeystoreKeyProvider.open(Path.of(path), password, type, tenantId, keyRef);
    }

    public String tenantId() {
        return tenantId;
    }

    @Override
    public String toString() {
        return "KeystoreKeyProviderFactory[" + type + " " + path + ", tenant=" + tenantId + ", keyRef=" + keyRef + "]";
    }
}
