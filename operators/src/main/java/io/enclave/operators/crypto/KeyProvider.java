package io.enclave.operators.crypto;

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

    /**
     * The newest data key of {@code tenantId}, which must be this provider's own tenant. Callers
     * that know which tenant they act for ask through this, so a provider handed to the wrong
     * tenant's job fails instead of encrypting that tenant's data under another tenant's key.
     *
     * @throws KeyUnavailableException for any other tenant
     */
    default VersionedKey currentDataKey(String tenantId) {
        requireOwnTenant(tenantId);
        return currentDataKey();
    }

    /**
     * A given version of {@code tenantId}'s data key, which must be this provider's own tenant.
     *
     * @throws KeyUnavailableException for any other tenant, or a version that is not there
     */
    default VersionedKey dataKey(String tenantId, int version) {
        requireOwnTenant(tenantId);
        return dataKey(version);
    }

    /** @throws KeyUnavailableException unless {@code tenantId} is this provider's tenant */
    default void requireOwnTenant(String tenantId) {
        if (!tenantId().equals(tenantId)) {
            throw new KeyUnavailableException("the key provider of tenant " + tenantId()
                    + " is scoped to that tenant and has no key of tenant " + tenantId);
        }
    }

    @Override
    void close();
}
