package io.enclave.jobs;

import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * A fresh key store for a test's tenants, as {@code ./enclave keys init} would make it: every
 * tenant job needs its keys, since the audit chain's HMAC key lives beside the data keys.
 * PKCS#12, because opening a BCFKS store is deliberately slow.
 */
public final class TestKeys {
    private TestKeys() {}

    /** A key store file in {@code dir} holding keys for every tenant given. */
    public static KeystoreSettings create(Path dir, Collection<TenantConfig> tenants) {
        KeystoreSettings store = new KeystoreSettings(dir.resolve("test-keys.p12").toString(), Secret.of("test-keys"),
                "PKCS12");
        initialise(store, tenants);
        return store;
    }

    /** Replaces whatever the store held with fresh keys for every tenant given. */
    public static void initialise(KeystoreSettings store, Collection<TenantConfig> tenants) {
        try {
            Path path = Path.of(store.path());
            Files.deleteIfExists(path);
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (TenantConfig tenant : tenants) {
            new TenantKeyStore(Path.of(store.path()), store.password(), store.type(), tenant.id(),
                    tenant.database().encryptionKeyRef()).init();
        }
    }
}
