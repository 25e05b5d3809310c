package io.enclave.operators.crypto;

import io.enclave.config.Secret;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Administers one tenant's keys in its key store: create, rotate, list, destroy, and the
 * one-time copy out of a shared store. Every operation touches only the entries of this tenant's
 * key reference; any other entries are read and written back unchanged.
 */
public final class TenantKeyStore {
    static final String DATA_KEY_ALGORITHM = "AES";

    private final KeystoreFile file;
    private final String tenantId;
    private final String keyRef;
    private final KeyAliases aliases;

    public TenantKeyStore(Path path, Secret password, String type, String tenantId, String keyRef) {
        this.file = new KeystoreFile(path, password, type);
        this.tenantId = tenantId;
        this.keyRef = keyRef;
        this.aliases = new KeyAliases(keyRef);
    }

    /** What {@link #list()} shows: versions and dates, never key material. */
    public record KeyStatus(String tenantId, String keyRef, List<Version> versions, int current, int destroyedUpTo) {
        /** One version of the data key and when it was created. */
        public record Version(int version, Date created) {}
    }

    /**
     * Creates the tenant's first data key. After a destroy, numbering goes on
     * from the destroyed versions, so an old ciphertext names a destroyed version instead of
     * silently meeting a new key of the same number.
     *
     * @return the new data key version
     * @throws IllegalStateException if the tenant already has a data key
     */
    public int init() {
        return file.update(store -> {
            if (!dataVersions(store).isEmpty()) {
                throw new IllegalStateException("tenant " + tenantId + " already has data keys under " + keyRef + " in "
                        + file.path() + "; use rotate for a new version");
            }
            int version = destroyedUpTo(store) + 1;
            store.setEntry(
                    aliases.data(version), new KeyStore.SecretKeyEntry(newKey(DATA_KEY_ALGORITHM)), file.protection());
            return version;
        });
    }

    /**
     * Adds a new data key version, which new writes use from the next job start on; older
     * versions stay and keep decrypting.
     *
     * @return the new version
     */
    public int rotate() {
        return file.update(store -> {
            List<Integer> versions = dataVersions(store);
            if (versions.isEmpty()) {
                throw new IllegalStateException("tenant " + tenantId + " has no data key under " + keyRef + " in "
                        + file.path() + "; run keys init first");
            }
            int version = Math.max(versions.get(versions.size() - 1), destroyedUpTo(store)) + 1;
            store.setEntry(
                    aliases.data(version), new KeyStore.SecretKeyEntry(newKey(DATA_KEY_ALGORITHM)), file.protection());
            return version;
        });
    }

    /**
     * Crypto-shredding: deletes every data key version of this tenant, so its ciphertexts can
     * never be decrypted again, and records which versions were destroyed. The audit trail stays
     * verifiable: its signing keys are in stores of their own, and verifying needs public keys only.
     *
     * @return the versions destroyed
     */
    public List<Integer> destroy() {
        return file.update(store -> {
            List<Integer> versions = dataVersions(store);
            int upTo = destroyedUpTo(store);
            for (int version : versions) {
                store.deleteEntry(aliases.data(version));
                upTo = Math.max(upTo, version);
            }
            store.setEntry(aliases.destroyed(), new KeyStore.SecretKeyEntry(tombstone(upTo)), file.protection());
            return versions;
        });
    }

    /**
     * Copies this tenant's entries (every data key version and the destroyed marker, under the
     * same aliases; an old {@code <keyref>.audit} HMAC key is left behind, as nothing uses it) out of a store that several tenants shared into this
     * tenant's own store, which must not exist yet. The shared store is only read.
     *
     * @return the aliases copied, in the order written
     * @throws IllegalStateException if this tenant's store exists already, or the shared store
     *     holds nothing of this tenant
     */
    public List<String> copyFrom(Path sharedPath, Secret sharedPassword, String sharedType) {
        KeystoreFile shared = new KeystoreFile(sharedPath, sharedPassword, sharedType);
        if (shared.path()
                .toAbsolutePath()
                .normalize()
                .equals(file.path().toAbsolutePath().normalize())) {
            throw new IllegalStateException("the key store of tenant " + tenantId + " is the shared store "
                    + file.path() + " itself; give the tenant a store of its own");
        }
        KeyStore source = shared.load();
        return file.update(store -> {
            // Checked under the store's lock, so two runs cannot both create it; an existing store is never replaced.
            if (file.exists()) {
                throw new IllegalStateException("the key store of tenant " + tenantId + " already exists at "
                        + file.path() + "; keys split never overwrites a tenant's store");
            }
            List<String> copied = new ArrayList<>();
            for (String alias : Collections.list(source.aliases())) {
                if (!aliases.owns(alias)) {
                    continue;
                }
                // The aliases are written lower case, the way KeyAliases names them, whatever the source store did.
                String name = alias.toLowerCase(Locale.ROOT);
                store.setEntry(name, source.getEntry(alias, shared.protection()), file.protection());
                copied.add(name);
            }
            if (copied.isEmpty()) {
                throw new IllegalStateException("the shared store " + shared.path() + " holds no key of tenant "
                        + tenantId + " (" + keyRef + "); nothing was created");
            }
            Collections.sort(copied);
            return copied;
        });
    }

    public KeyStatus list() {
        if (!file.exists()) {
            return new KeyStatus(tenantId, keyRef, List.of(), 0, 0);
        }
        KeyStore store = file.load();
        try {
            List<KeyStatus.Version> versions = new ArrayList<>();
            for (int version : dataVersions(store)) {
                versions.add(new KeyStatus.Version(version, store.getCreationDate(aliases.data(version))));
            }
            int current =
                    versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
            return new KeyStatus(tenantId, keyRef, versions, current, destroyedUpTo(store));
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException(
                    "cannot read key store " + file.path() + ": " + e.getClass().getSimpleName());
        }
    }

    private List<Integer> dataVersions(KeyStore store) throws GeneralSecurityException {
        return versions(store, aliases);
    }

    /** The data key versions of one key reference, ascending; other tenants' aliases are skipped. */
    static List<Integer> versions(KeyStore store, KeyAliases a) throws GeneralSecurityException {
        List<Integer> versions = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            OptionalInt version = a.versionOf(alias);
            if (version.isPresent()) {
                versions.add(version.getAsInt());
            }
        }
        Collections.sort(versions);
        return versions;
    }

    /** The highest version ever destroyed, 0 if none; read from the marker entry. */
    static int destroyedUpTo(KeyStore store, KeyAliases a, KeyStore.PasswordProtection protection)
            throws GeneralSecurityException {
        if (!store.containsAlias(a.destroyed())) {
            return 0;
        }
        KeyStore.Entry entry = store.getEntry(a.destroyed(), protection);
        byte[] encoded = ((KeyStore.SecretKeyEntry) entry).getSecretKey().getEncoded();
        return ByteBuffer.wrap(encoded).getInt();
    }

    private int destroyedUpTo(KeyStore store) throws GeneralSecurityException {
        return destroyedUpTo(store, aliases, file.protection());
    }

    private static SecretKey newKey(String algorithm) throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance(algorithm);
        generator.init(256, new SecureRandom());
        return generator.generateKey();
    }

    /**
     * The destroyed-versions marker. A key store holds only keys, so the marker is stored as a
     * key entry whose bytes are the version number followed by zeros; it is no secret and
     * decrypts nothing.
     */
    private static SecretKey tombstone(int destroyedUpTo) {
        return new SecretKeySpec(ByteBuffer.allocate(16).putInt(destroyedUpTo).array(), DATA_KEY_ALGORITHM);
    }
}
