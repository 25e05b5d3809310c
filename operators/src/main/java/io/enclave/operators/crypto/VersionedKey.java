package io.enclave.operators.crypto;

import javax.crypto.SecretKey;

/** One version of a tenant's data key. Never printed: {@link #toString()} names the version only. */
public record VersionedKey(int version, SecretKey key) {
    @Override
    public String toString() {
        return "VersionedKey[version=" + version + "]";
    }
}
