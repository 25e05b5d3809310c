package io.enclave.operators.crypto;

/** A key that is not there for this tenant: another tenant's, a destroyed version, or none at all. */
public class KeyUnavailableException extends RuntimeException {
    public KeyUnavailableException(String message) {
        super(message);
    }
}
