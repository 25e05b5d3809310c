package io.enclave.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * One tenant's own key store, holding only that tenant's data keys, so its password (which
 * travels in that tenant's job graph) opens nothing of any other tenant's. The tenant's audit
 * signing keys are in stores beside it, one per signer role, of the same type and each with a
 * password of its own.
 *
 * @param path file path of the key store; the loader makes a relative one absolute against the
 *     config file's directory
 * @param password protects the store and its entries; never empty
 * @param type BCFKS or PKCS12
 * @param signingPasswords the passwords of the signing key stores beside it
 */
public record KeystoreSettings(String path, Secret password, String type, SigningPasswords signingPasswords)
        implements Serializable {
    public static final String DEFAULT_TYPE = "BCFKS";

    public KeystoreSettings {
        Objects.requireNonNull(signingPasswords, "signingPasswords");
    }

    /** A data-key store whose signing stores have no passwords (tools and tests that sign nothing). */
    public KeystoreSettings(String path, Secret password, String type) {
        this(path, password, type, SigningPasswords.NONE);
    }

    public KeystoreSettings withSigningPasswords(SigningPasswords passwords) {
        return new KeystoreSettings(path, password, type, passwords);
    }
}
