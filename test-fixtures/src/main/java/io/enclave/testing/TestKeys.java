package io.enclave.testing;

import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.SigningPasswords;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.SigningKeyStore;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Fresh keys for a test's tenants, each in the tenant's own key store, as {@code ./enclave keys
 * init} would make them: the data keys and each audit signer role's key (job, ingest, cli) with
 * the tenant's public trust file. PKCS#12, because opening a BCFKS store is deliberately slow.
 */
public final class TestKeys {
    private TestKeys() {}

    /** A PKCS#12 store of the tenant's own in {@code dir}, with a password of its own; not created yet. */
    public static KeystoreSettings storeIn(Path dir, String tenantId) {
        return new KeystoreSettings(
                dir.resolve(tenantId + "-keys.p12").toString(),
                Secret.of("test-keys-" + tenantId),
                "PKCS12",
                new SigningPasswords(
                        Secret.of("test-job-signing-" + tenantId),
                        Secret.of("test-ingest-signing-" + tenantId),
                        Secret.of("test-cli-signing-" + tenantId)));
    }

    /** Replaces whatever each tenant's own store held with fresh keys of that tenant. */
    public static void initialise(Collection<TenantConfig> tenants) {
        for (TenantConfig tenant : tenants) {
            KeystoreSettings store = tenant.keystore();
            try {
                Path path = Path.of(store.path());
                Files.deleteIfExists(path);
                for (SignerRole role : SignerRole.values()) {
                    Files.deleteIfExists(SigningKeyStore.pathFor(store.path(), role));
                }
                Files.deleteIfExists(SigningKeyStore.trustFileFor(store.path()));
                if (path.getParent() != null) {
                    Files.createDirectories(path.getParent());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            new TenantKeyStore(
                            Path.of(store.path()),
                            store.password(),
                            store.type(),
                            tenant.id(),
                            tenant.database().encryptionKeyRef())
                    .init();
            AuditSigning.ensure(tenant);
        }
    }
}
