package io.enclave.operators.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Test-only signing keys: a fixed Ed25519 key per tenant, role and seed, and the trust holding them; the stores are tested elsewhere. */
public final class FixedSigners {
    private FixedSigners() {}

    /** The v1 key of {@code role}, derived from {@code seed}. */
    public static AuditSigner signer(String tenantId, SignerRole role, String seed) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "|" + tenantId + "|" + role.id()).getBytes(StandardCharsets.UTF_8));
            return new AuditSigner(AuditSigner.keyId(tenantId, role, 1), role, key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens {@link #signer} where it is used, as the key store factory does. */
    public static AuditSignerFactory factory(String tenantId, SignerRole role, String seed) {
        return () -> signer(tenantId, role, seed);
    }

    /** The public keys of the tenant's job, ingest and cli keys made from {@code seed}. */
    public static AuditTrust trust(String tenantId, String seed) {
        AuditTrust trust = AuditTrust.empty(tenantId);
        for (SignerRole role : SignerRole.values()) {
            trust = trust.with(signer(tenantId, role, seed), "");
        }
        return trust;
    }
}
