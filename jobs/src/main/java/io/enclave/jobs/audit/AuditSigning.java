package io.enclave.jobs.audit;

import io.enclave.config.DevMode;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.SigningKeyStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a tenant's audit signing keys are and how they are opened. Each signer role (job,
 * ingest, cli) has its own key store beside the tenant's data-key store
 * ({@code <name>.<role>-signing.<ext>}), protected by its own password from the environment
 * variable {@code <TENANT_ID>_<ROLE>_SIGNING_PASSWORD} (development default
 * {@code dev-only-<tenant>-<role>-signing}). The public keys of all three are in the tenant's
 * trust file ({@code <name>.audit-trust.json}), which is all {@code audit verify} reads.
 */
public final class AuditSigning {
    private AuditSigning() {}

    /** The environment variable holding a role's store password, e.g. {@code COLORADO_STATE_JOB_SIGNING_PASSWORD}. */
    public static String passwordVariable(String tenantId, SignerRole role) {
        return (tenantId + "_" + role.id() + "_SIGNING_PASSWORD").toUpperCase(Locale.ROOT);
    }

    /** A role's store password: from its environment variable, else the development default. */
    public static Secret password(TenantConfig tenant, SignerRole role) {
        String value = System.getenv(passwordVariable(tenant.id(), role));
        return Secret.of(value != null && !value.isEmpty() ? value
                : DevMode.DEV_SECRET_PREFIX + tenant.id() + "-" + role.id() + "-signing");
    }

    /** Why a role's password may not be used in {@code mode} (a development default outside it), or empty. */
    public static Optional<String> refusal(TenantConfig tenant, SignerRole role, DevMode mode) {
        return mode.refusal(password(tenant, role).reveal())
                .map(why -> "the " + role.id() + " signing key password (" + passwordVariable(tenant.id(), role) + ") "
                        + why);
    }

    public static SigningKeyStore store(TenantConfig tenant, SignerRole role) {
        KeystoreSettings keys = tenant.keystore();
        return new SigningKeyStore(SigningKeyStore.pathFor(keys.path(), role), password(tenant, role), keys.type(),
                tenant.id(), role);
    }

    /** Opens the role's newest key where it is used; what travels in a job graph. */
    public static SigningKeyStore.Factory factory(TenantConfig tenant, SignerRole role) {
        KeystoreSettings keys = tenant.keystore();
        return new SigningKeyStore.Factory(SigningKeyStore.pathFor(keys.path(), role).toString(),
                password(tenant, role), keys.type(), tenant.id(), role);
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
                throw new KeyUnavailableException("the trust file " + file + " holds " + role.id()
                        + " keys of tenant " + tenant.id() + " but their key store " + store.path() + " is missing");
            }
            trust = trust.with(store.init(), "");
        }
        if (trust != before) {
            trust.write(file);
        }
        return trust;
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
            throw new KeyUnavailableException("the trust file " + file + " does not hold the current " + role.id()
                    + " key " + old.keyId());
        }
        AuditSigner fresh = store.rotate();
        trust.with(fresh, old.keyId()).write(file);
        return new Rotation(old, fresh);
    }

    /** The key that was replaced, which signs the record of the rotation, and its successor. */
    public record Rotation(AuditSigner old, AuditSigner fresh) {}
}
