package io.enclave.operators.crypto;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Derives a per-field subkey from a tenant's data key with HKDF-SHA256 (RFC 5869), so the tenant
 * key itself never encrypts anything and every column has its own key. The info binds tenant,
 * table, column and key version, plus the algorithm, so the randomized and the deterministic
 * cipher of one column never share a key.
 */
public final class FieldKeys {
    /** Fixed salt: a domain separator for Enclave's field keys. */
    private static final byte[] SALT = "enclave/field-key/v1".getBytes(StandardCharsets.US_ASCII);

    public static final int KEY_BYTES = 32;

    /**
     * How a column's subkey is derived. The only production one is {@link #HKDF}; the seam is
     * package-visible, not configurable, so a test can give two tenants one subkey and show that the
     * associated data alone refuses a value moved between them.
     */
    @FunctionalInterface
    interface Derivation {
        byte[] derive(byte[] tenantKey, String tenantId, String table, String column, int version, String algorithm);
    }

    /** HKDF-SHA256 over {@link #info}: what every cipher outside tests uses. */
    static final Derivation HKDF = FieldKeys::derive;

    private FieldKeys() {}

    public static byte[] derive(
            byte[] tenantKey, String tenantId, String table, String column, int version, String algorithm) {
        byte[] info = info(tenantId, table, column, version, algorithm);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(tenantKey, SALT, info));
        byte[] subkey = new byte[KEY_BYTES];
        hkdf.generateBytes(subkey, 0, subkey.length);
        return subkey;
    }

    /** {@code tenant|table|column|k<version>|<algorithm>}; tenant, table and column are identifiers without '|'. */
    static byte[] info(String tenantId, String table, String column, int version, String algorithm) {
        return String.join("|", tenantId, table, column, "k" + version, algorithm)
                .getBytes(StandardCharsets.UTF_8);
    }
}
