package io.enclave.config;

import java.io.Serializable;

/**
 * One tenant's own key store, holding only that tenant's data and audit keys, so its password
 * (which travels in that tenant's job graph) opens nothing of any other tenant's.
 *
 * @param path file path of the key store; the loader makes a relative one absolute against the
 *     config file's directory
 * @param password protects the store and its entries; never empty
 * @param type BCFKS or PKCS12
 */
public record KeystoreSettings(String path, Secret password, String type) implements Serializable {
    public static final String DEFAULT_TYPE = "BCFKS";
}
