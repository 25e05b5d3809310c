package io.enclave.operators.crypto;

import java.io.Serializable;

/**
 * Opens a tenant's {@link KeyProvider} where the keys are needed, in an operator's
 * {@code open()}. Only this factory (a key store location and the tenant id) travels in the
 * job graph, never key material.
 */
@FunctionalInterface
public interface KeyProviderFactory extends Serializable {
    KeyProvider open();
}
