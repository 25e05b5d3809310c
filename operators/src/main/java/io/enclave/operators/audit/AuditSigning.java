package io.enclave.operators.audit;

import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.SigningKeyStore;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a tenant's audit signing keys are and how they are opened. Each signer role (job,
 * ingest, cli) has its own key store beside the tenant's data-key store
 * ({@code <name>.<role>-signing.<ext>}), protected by its own password from
 * {@code tenants.<id>.keystore.signing_passwords.<role>}, which the config loader validates like
 * every other secret (refused outside development mode when a development default or short). A
 * process is given only its own role's password ({@link TenantConfig#forSigner}). The public
 * keys of all three are in the tenant's trust file ({@code <name>.audit-trust.json}), which is
 * all {@code audit verify} reads.
 */
public final class AuditSigning {
    private AuditSigning() {}

    /**
     * A role's store password from the tenant's config.
     *
     * @throws KeyUnavailableException when this process was not given it (its config was sliced for another role)
     */
    public static Secret password(TenantConfig tenant, SignerRole role) {
        Secret password = tenant.keystore().signingPasswords().of(role.id());
        if (password.isEmpty()) {
            throw new KeyUnavailableException("the config gives this process no " + role.id() + " signing key store"
                    + " password of tenant " + tenant.id() + "; set tenants." + tenant.id()
                    + ".keystore.signing_passwords." + role.id());
        }
        return password;
    }

    public static SigningKeyStore store(TenantConfig tenant, SignerRole role) {
        KeystoreSettings keys = tenant.keystore();
        return new SigningKeyStore(
                SigningKeyStore.pathFor(keys.path(), role), password(tenant, role), keys.type(), tenant.id(), role);
    }

    /** Opens the role's newest key where it is used; what travels in a job graph. */
    public static SigningKeyStore.Factory factory(TenantConfig tenant, SignerRole role) {
        KeystoreSettings keys = tenant.keystore();
        return new SigningKeyStore.Factory(
                SigningKeyStore.pathFor(keys.path(), role).toString(),
                password(tenant, role),
                keys.type(),
                tenant.id(),
                role);
    }

    /** The tenant's public trust file beside its key store. */
    public static Path trustFile(TenantConfig tenant) {
        return SigningKeyStore.trustFileFor(tenant.keystore().path());
    }

    /** The trust file as a running job reads it, again after a rotation. */
    public static AuditTrust.Source trustSource(TenantConfig tenant) {
        return AuditTrust.file(trustFile(tenant).toString());
    }

    /**
     * Gives each role its first key unless it has one, and publishes every role's public key in
     * the trust file. Run where all three passwords are at hand: provisioning, {@code keys init}.
     */
    public static AuditTrust ensure(TenantConfig tenant) {
        Path file = trustFile(tenant);
        AuditTrust trust = file.toFile().isFile() ? AuditTrust.read(file) : AuditTrust.empty(tenant.id());
        AuditTrust before = trust;
        for (SignerRole role : SignerRole.values()) {
            SigningKeyStore store = store(tenant, role);
            if (!store.exists() && trust.keys().stream().anyMatch(k -> k.role() == role)) {
                throw new KeyUnavailableException("the trust file " + file + " holds " + role.id() + " keys of tenant "
                        + tenant.id() + " but their key store " + store.path() + " is missing");
            }
            trust = trust.with(store.init(), "");
        }
        if (trust != before) {
            trust.write(file);
        }
        return trust;
    }

    /**
     * The line that tells whoever set the keys up what the tenant's auditor pins, out of band:
     * each role's first key and its fingerprint, for {@code audit_requirements.<role>_key_fingerprint}
     * or {@code audit verify --job-key/--ingest-key/--cli-key}. Empty when the trust holds no key.
     */
    public static String pinHint(TenantConfig tenant, AuditTrust trust) {
        List<String> pins = trust.keys().stream()
                .filter(k -> k.previous().isEmpty())
                .map(k -> k.role().id() + " key " + k.keyId() + " " + k.fingerprint() + " ("
                        + KeyPins.configKey(tenant.id(), k.role()) + ")")
                .toList();
        return pins.isEmpty()
                ? ""
                : "the auditor of " + tenant.id() + " pins " + String.join(", ", pins)
                        + ", or passes them to audit verify --job-key, --ingest-key, --cli-key";
    }

    /**
     * A role's key replaced by a new version, whose public key is added to the trust file before
     * anything signs with it.
     *
     * @return the old and the new key
     */
    public static Rotation rotate(TenantConfig tenant, SignerRole role) {
        SigningKeyStore store = store(tenant, role);
        AuditSigner old = store.current();
        Path file = trustFile(tenant);
        AuditTrust trust = AuditTrust.read(file);
        if (!trust.holds(old.keyId())) {
            throw new KeyUnavailableException(
                    "the trust file " + file + " does not hold the current " + role.id() + " key " + old.keyId());
        }
        AuditSigner fresh = store.rotate();
        trust.with(fresh, old.keyId()).write(file);
        return new Rotation(old, fresh);
    }

    /** The key that was replaced, which signs the record of the rotation, and its successor. */
    public record Rotation(AuditSigner old, AuditSigner fresh) {}
}
