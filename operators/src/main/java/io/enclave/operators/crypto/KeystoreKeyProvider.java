package io.enclave.operators.crypto;

import io.enclave.config.Secret;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A {@link KeyProvider} backed by the key store file (BCFKS or PKCS#12), scoped to one tenant:
 * it reads only the entries of that tenant's key reference when it opens, and refuses every
 * request for another tenant. Messages name tenants, key references, versions and the path,
 * never key material or the password.
 */
public final class KeystoreKeyProvider implements KeyProvider {
    private final String tenantId;
    private final String keyRef;
    private final Path path;
    private final NavigableMap<Integer, VersionedKey> dataKeys;
    private final int destroyedUpTo;

    private KeystoreKeyProvider(
            String tenantId,
            String keyRef,
            Path path,
            NavigableMap<Integer, VersionedKey> dataKeys,
            int destroyedUpTo) {
        this.tenantId = tenantId;
        this.keyRef = keyRef;
        this.path = path;
        this.dataKeys = dataKeys;
        this.destroyedUpTo = destroyedUpTo;
    }

    /**
     * Opens the store and reads this tenant's keys.
     *
     * @throws KeyUnavailableException if the store cannot be opened
     */
    public static KeystoreKeyProvider open(Path path, Secret password, String type, String tenantId, String keyRef) {
        KeystoreFile file = new KeystoreFile(path, password, type);
        KeyStore store = file.load();
        KeyAliases aliases = new KeyAliases(keyRef);
        try {
            NavigableMap<Integer, VersionedKey> keys = new TreeMap<>();
            for (int version : TenantKeyStore.versions(store, aliases)) {
                KeyStore.Entry entry = store.getEntry(aliases.data(version), file.protection());
                keys.put(version, new VersionedKey(version, ((KeyStore.SecretKeyEntry) entry).getSecretKey()));
            }
            // An older store may still hold <keyref>.audit, the HMAC chain key from before signatures: never read.
            int destroyed = TenantKeyStore.destroyedUpTo(store, aliases, file.protection());
            return new KeystoreKeyProvider(
                    tenantId, keyRef, path, Collections.unmodifiableNavigableMap(keys), destroyed);
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyUnavailableException("cannot read the keys of tenant " + tenantId + " (" + keyRef + ") from "
                    + path + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public String tenantId() {
        return tenantId;
    }

    @Override
    public VersionedKey currentDataKey() {
        if (dataKeys.isEmpty()) {
            throw new KeyUnavailableException(
                    destroyedUpTo > 0
                            ? "the data keys of tenant " + tenantId + " (" + keyRef + ") were destroyed; nothing can be"
                                    + " encrypted until keys init creates a new one"
                            : "tenant " + tenantId + " has no data key " + keyRef + " in " + path
                                    + "; create it with ./enclave keys init --tenant " + tenantId);
        }
        return dataKeys.lastEntry().getValue();
    }

    @Override
    public VersionedKey dataKey(int version) {
        VersionedKey key = dataKeys.get(version);
        if (key != null) {
            return key;
        }
        if (version <= destroyedUpTo) {
            throw new KeyUnavailableException("key version " + version + " of tenant " + tenantId
                    + " was destroyed (crypto-shredded); values encrypted under it can never be decrypted");
        }
        throw new KeyUnavailableException("tenant " + tenantId + " has no key version " + version + " of " + keyRef
                + "; it has " + (dataKeys.isEmpty() ? "none" : List.copyOf(dataKeys.keySet())));
    }

    @Override
    public void close() {
        // Keys are JCE SecretKeySpec objects, which cannot be wiped; dropping them is all there is.
    }

    @Override
    public String toString() {
        return "KeystoreKeyProvider[tenant=" + tenantId + ", keyRef=" + keyRef + ", versions=" + dataKeys.keySet()
                + "]";
    }
}
