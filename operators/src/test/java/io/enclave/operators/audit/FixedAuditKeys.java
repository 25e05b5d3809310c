package io.enclave.operators.audit;

import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeyProviderFactory;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.VersionedKey;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** Test-only keys: a fixed audit key per tenant and no data keys; the keystore provider is tested elsewhere. */
public final class FixedAuditKeys implements KeyProviderFactory {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final String seed;

    public FixedAuditKeys(String tenantId, String seed) {
        this.tenantId = tenantId;
        this.seed = seed;
    }

    public SecretKey auditKey() {
        byte[] key = new byte[32];
        byte[] s = (seed + "|" + tenantId).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < s.length; i++) {
            key[i % 32] ^= s[i];
        }
        return new SecretKeySpec(key, "HmacSHA256");
    }

    @Override
    public KeyProvider open() {
        return new Provider();
    }

    /** The provider this factory opens. */
    private final class Provider implements KeyProvider {
        @Override
        public String tenantId() {
            return tenantId;
        }

        @Override
        public VersionedKey currentDataKey() {
            throw new KeyUnavailableException("no data keys in this test");
        }

        @Override
        public VersionedKey dataKey(int version) {
            throw new KeyUnavailableException("no data keys in this test");
        }

        @Override
        public SecretKey auditKey() {
            return FixedAuditKeys.this.auditKey();
        }

        @Override
        public void close() {}
    }
}
