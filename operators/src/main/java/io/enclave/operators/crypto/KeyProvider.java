package io.enclave.operators.crypto;

import javax.crypto.SecretKey;

/**
 * The keys of exactly one tenant. A job is only ever given the provider of its own tenant;
 * asking it for anything of another tenant fails.
 */
public interface KeyProvider extends AutoCloseable {

    /** The tenant whose keys these are. */
    String tenantId();

    /** The newest version of the tenant's data key; every new write uses it. */
    VersionedKey currentDataKey();

    /**
     * A given version of the data key, so rows written before a rotation stay readable.
     *
     * @throws KeyUnavailableException if that version never existed or was destroyed
     */
    VersionedKey dataKey(int version);

    /** The HMAC key of the tenant's audit chain; separate from every data key. */
    SecretKey auditKey();

    @Override
    void close();
}
