package io.enclave.config;

import java.io.Serializable;

/**
 * The key store holding every tenant's data and audit keys. A job opens it only through a
 * key provider scoped to its own tenant.
 *
 * @param path file path of the key store
 * @param password protects the store and its entries
 * @param type BCFKS or PKCS12
 */
public record KeystoreSettings(String path, Secret password, String type) implements Serializable {
    public static final String DEFAULT_PATH = ".enclave/keystore.bcfks";
    public static final String DEFAULT_TYPE = "BCFKS";
}
