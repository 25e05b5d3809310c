package io.enclave.operators.crypto;

import io.enclave.config.Secret;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.SignerRole;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * One signer role's Ed25519 keys of one tenant, in a key store of their own with a password of
 * their own (not the data-key store's), so whoever holds the CLI's or the data keys' secret
 * holds no job signing key. Each version is an entry {@code <tenant>.<role>.signing.v<n>}
 * holding the key's 32-byte private seed: a key store keeps a private key only with a
 * certificate, which an audit signing key has no use for, so the seed is kept as a secret
 * entry and the public key derived from it.
 */
public final class SigningKeyStore {
    /** The label of the seed entries; the store needs a known secret-key algorithm to save them. */
    private static final String SEED_ALGORITHM = "AES";

    private final KeystoreFile file;
    private final String tenantId;
    private final SignerRole role;
    private final String prefix;
    private final Pattern alias;

    public SigningKeyStore(Path path, Secret password, String type, String tenantId, SignerRole role) {
        this.file = new KeystoreFile(path, password, type);
        this.tenantId = tenantId;
        this.role = role;
        this.prefix = (tenantId + "." + role.id() + ".signing.v").toLowerCase(Locale.ROOT);
        this.alias = Pattern.compile(Pattern.quote(prefix) + "([1-9][0-9]{0,8})");
    }

    /**
     * Where a role's store lives by default: beside the tenant's key store, e.g.
     * {@code colorado_state.job-signing.bcfks} next to {@code colorado_state.bcfks}.
     */
    public static Path pathFor(String keystorePath, SignerRole role) {
        return sibling(keystorePath, role.id() + "-signing", true);
    }

    /** The tenant's public trust file beside its key store: {@code <name>.audit-trust.json}. */
    public static Path trustFileFor(String keystorePath) {
        return sibling(keystorePath, "audit-trust.json", false);
    }

    private static Path sibling(String keystorePath, String suffix, boolean keepExtension) {
        Path store = Path.of(keystorePath);
        String name = store.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 && keepExtension ? name.substring(dot) : "";
        return store.resolveSibling(base + "." + suffix + extension);
    }

    public boolean exists() {
        return file.exists();
    }

    public Path path() {
        return file.path();
    }

    /**
     * The newest key.
     *
     * @throws KeyUnavailableException when the store is missing, cannot be opened, or holds no key
     */
    public AuditSigner current() {
        KeyStore store = file.load();
        try {
            List<Integer> versions = versions(store);
            if (versions.isEmpty()) {
                throw new KeyUnavailableException("the " + role.id() + " signing key store " + file.path()
                        + " holds no key of tenant " + tenantId);
            }
            return signer(store, versions.get(versions.size() - 1));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new KeyUnavailableException("cannot read the " + role.id() + " signing key of tenant " + tenantId
                    + " from " + file.path() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Creates the role's first key unless it has one; returns the newest. */
    public AuditSigner init() {
        return file.update(store -> {
            List<Integer> versions = versions(store);
            return versions.isEmpty() ? add(store, 1) : signer(store, versions.get(versions.size() - 1));
        });
    }

    /**
     * Adds the next version, which signs from then on; the older ones stay in the store (and
     * their public keys in the trust file), so what they signed keeps verifying.
     *
     * @throws IllegalStateException when the role has no key yet
     */
    public AuditSigner rotate() {
        return file.update(store -> {
            List<Integer> versions = versions(store);
            if (versions.isEmpty()) {
                throw new IllegalStateException("tenant " + tenantId + " has no " + role.id() + " signing key in "
                        + file.path() + "; run keys init first");
            }
            return add(store, versions.get(versions.size() - 1) + 1);
        });
    }

    private AuditSigner add(KeyStore store, int version) throws GeneralSecurityException {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        store.setEntry(
                prefix + version,
                new KeyStore.SecretKeyEntry(new SecretKeySpec(seed, SEED_ALGORITHM)),
                file.protection());
        return new AuditSigner(AuditSigner.keyId(tenantId, role, version), role, seed);
    }

    private AuditSigner signer(KeyStore store, int version) throws GeneralSecurityException {
        KeyStore.SecretKeyEntry entry = (KeyStore.SecretKeyEntry) store.getEntry(prefix + version, file.protection());
        return new AuditSigner(
                AuditSigner.keyId(tenantId, role, version),
                role,
                entry.getSecretKey().getEncoded());
    }

    private List<Integer> versions(KeyStore store) throws GeneralSecurityException {
        List<Integer> versions = new ArrayList<>();
        for (String a : Collections.list(store.aliases())) {
            Matcher m = alias.matcher(a.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                versions.add(Integer.parseInt(m.group(1)));
            }
        }
        Collections.sort(versions);
        return versions;
    }

    /** Opens the role's newest key where it is used; carries the store's location and password, no key. */
    public record Factory(String path, Secret password, String type, String tenantId, SignerRole role)
            implements io.enclave.operators.audit.AuditSignerFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public AuditSigner open() {
            return new SigningKeyStore(Path.of(path), password, type, tenantId, role).current();
        }

        @Override
        public String toString() {
            return "SigningKeyStore.Factory[" + type + " " + path + ", tenant=" + tenantId + ", role=" + role.id()
                    + "]";
        }
    }
}
