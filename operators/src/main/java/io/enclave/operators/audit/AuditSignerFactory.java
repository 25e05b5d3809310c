package io.enclave.operators.audit;

import java.io.Serializable;

/**
 * Opens a signing key where it is used, in an operator's {@code open()}: only this factory
 * (where the key store is, and its own password) travels in the job graph, never key material.
 */
@FunctionalInterface
public interface AuditSignerFactory extends Serializable {
    /** @throws io.enclave.operators.crypto.KeyUnavailableException when the key cannot be read */
    AuditSigner open();
}
