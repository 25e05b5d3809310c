package io.enclave.jobs;

import io.enclave.config.GlobalSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeyProviderFactory;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.VersionedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stop-gap audit keys until the keystore-backed KeyProvider lands (encryption work): the
 * tenant's audit key is HMAC-SHA256(keystore password, "enclave-audit-key|" + tenant id), so
 * the job and {@code audit verify} derive the same key from the same config, and no two tenants
 * share one. It has no data keys. Once the keystore provider is merged, {@link #forTenant} is the
 * one place to switch to it.
 */
public final class InterimAuditKeys implements KeyProviderFactory {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final Secret secret;

    private InterimAuditKeys(String tenantId, Secret secret) {
        this.tenantId = tenantId;
        this.secret = secret;
    }

    /** The key factory the tenant's job and the audit commands use. */
    public static KeyProviderFactory forTenant(GlobalSettings global, TenantConfig tenant) {
        return new InterimAuditKeys(tenant.id(), global.keystore().password());
    }

    @Override
    public KeyProvider open() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // Prefixed, so an empty development password still makes a valid HMAC key.
            mac.init(new SecretKeySpec(("enclave-keystore|" + secret.reveal()).getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] key = mac.doFinal(("enclave-audit-key|" + tenantId).getBytes(StandardCharsets.UTF_8));
            return new Provider(tenantId, new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is required by the Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "InterimAuditKeys[" + tenantId + "]";
    }

    /** The derived audit key of one tenant; asking for data keys fails. */
    private record Provider(String tenantId, SecretKey auditKey) implements KeyProvider {
        @Override
        public VersionedKey currentDataKey() {
            throw new KeyUnavailableException("no data keys until the keystore provider is configured");
        }

        @Override
        public VersionedKey dataKey(int version) {
            throw new KeyUnavailableException("no data keys until the keystore provider is configured");
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return "KeyProvider[" + tenantId + "]";
        }
    }
}
