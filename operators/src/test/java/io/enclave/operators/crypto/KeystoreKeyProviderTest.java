package io.enclave.operators.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.EncryptionMode;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key store behind the provider: scoping, versions, shredding, and messages that keep secrets out. */
class KeystoreKeyProviderTest {
    private static final String PASSWORD_TEXT = "s3cret-Keystore-Pa55";
    private static final Secret PASSWORD = Secret.of(PASSWORD_TEXT);

    @TempDir
    Path dir;

    private TenantKeyStore admin(Path store, String type, String tenant) {
        return new TenantKeyStore(store, PASSWORD, type, tenant, tenant + "_key");
    }

    private KeystoreKeyProvider open(Path store, String type, String tenant) {
        return KeystoreKeyProvider.open(store, PASSWORD, type, tenant, tenant + "_key");
    }

    @Test
    void aScopedProviderRefusesAnotherTenantsKeys() {
        Path store = dir.resolve("keys.bcfks");
        admin(store, "BCFKS", "alpha_agency").init();
        admin(store, "BCFKS", "beta_agency").init();
        KeyProvider alpha = open(store, "BCFKS", "alpha_agency");

        assertThat(alpha.dataKey("alpha_agency", 1).version()).isEqualTo(1);
        assertThatThrownBy(() -> alpha.dataKey("beta_agency", 1))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessage("the key provider of tenant alpha_agency is scoped to that tenant and has no key of"
                        + " tenant beta_agency");
        assertThatThrownBy(() -> alpha.currentDataKey("beta_agency")).isInstanceOf(KeyUnavailableException.class);
        assertThatThrownBy(() -> new FieldCrypto(alpha, "beta_agency", null))
                .as("alpha's provider handed to beta's job")
                .isInstanceOf(KeyUnavailableException.class);
        assertThat(alpha.currentDataKey().key().getEncoded())
                .isNotEqualTo(open(store, "BCFKS", "beta_agency")
                        .currentDataKey()
                        .key()
                        .getEncoded());
    }

    /** An entry {@code <keyref>.audit} as stores made before audit signatures hold: the HMAC chain key. */
    static void addLegacyAuditKey(Path store, Secret password, String type, String keyRef) throws Exception {
        new KeystoreFile(store, password, type).update(ks -> {
            ks.setEntry(
                    keyRef + ".audit",
                    new java.security.KeyStore.SecretKeyEntry(
                            new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256")),
                    new java.security.KeyStore.PasswordProtection(
                            password.reveal().toCharArray()));
            return null;
        });
    }

    @Test
    void initCreatesNoAuditKeyAndAnOldStoresAuditEntryIsIgnoredButKept() throws Exception {
        Path store = dir.resolve("keys.bcfks");
        TenantKeyStore keys = admin(store, "BCFKS", "alpha_agency");
        keys.init();
        assertThat(aliases(store)).containsExactly("alpha_agency_key.v1");

        addLegacyAuditKey(store, PASSWORD, "BCFKS", "alpha_agency_key");
        assertThat(open(store, "BCFKS", "alpha_agency").currentDataKey().version())
                .isEqualTo(1);
        assertThat(keys.rotate()).isEqualTo(2);
        assertThat(keys.list().versions()).hasSize(2);
        keys.destroy();
        assertThat(aliases(store))
                .as("left as it was: nothing reads it, and destroying it is not crypto-shredding")
                .containsExactly("alpha_agency_key.audit", "alpha_agency_key.destroyed");
    }

    private static java.util.List<String> aliases(Path store) {
        return java.util.Collections.list(uncheckedAliases(new KeystoreFile(store, PASSWORD, "BCFKS").load())).stream()
                .sorted()
                .toList();
    }

    private static java.util.Enumeration<String> uncheckedAliases(java.security.KeyStore ks) {
        try {
            return ks.aliases();
        } catch (java.security.KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void destroyTouchesNoOtherTenantsEntries() {
        Path store = dir.resolve("keys.bcfks");
        admin(store, "BCFKS", "alpha_agency").init();
        admin(store, "BCFKS", "beta_agency").init();
        admin(store, "BCFKS", "beta_agency").rotate();
        KeystoreKeyProvider before = open(store, "BCFKS", "beta_agency");

        admin(store, "BCFKS", "alpha_agency").destroy();

        KeystoreKeyProvider after = open(store, "BCFKS", "beta_agency");
        assertThat(after.dataKey(1).key().getEncoded())
                .isEqualTo(before.dataKey(1).key().getEncoded());
        assertThat(after.dataKey(2).key().getEncoded())
                .isEqualTo(before.dataKey(2).key().getEncoded());
        assertThat(admin(store, "BCFKS", "alpha_agency").list().versions()).isEmpty();
        assertThat(admin(store, "BCFKS", "alpha_agency").list().destroyedUpTo()).isEqualTo(1);
    }

    @Test
    void versionsAreListedAndInitRefusesToRunTwice() {
        Path store = dir.resolve("keys.bcfks");
        TenantKeyStore keys = admin(store, "BCFKS", "alpha_agency");
        assertThat(keys.list().versions()).isEmpty();

        assertThat(keys.init()).isEqualTo(1);
        assertThat(keys.rotate()).isEqualTo(2);
        assertThat(keys.rotate()).isEqualTo(3);

        TenantKeyStore.KeyStatus status = keys.list();
        assertThat(status.versions())
                .extracting(TenantKeyStore.KeyStatus.Version::version)
                .containsExactly(1, 2, 3);
        assertThat(status.current()).isEqualTo(3);
        assertThat(open(store, "BCFKS", "alpha_agency").currentDataKey().version())
                .isEqualTo(3);
        assertThatThrownBy(keys::init)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has data keys under alpha_agency_key");
        assertThatThrownBy(() -> admin(store, "BCFKS", "beta_agency").rotate())
                .hasMessageContaining("has no data key under beta_agency_key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BCFKS", "PKCS12"})
    void bothStoreTypesHoldVersionedKeys(String type) {
        Path store = dir.resolve("keys." + type.toLowerCase());
        admin(store, type, "alpha_agency").init();
        String old = FieldCrypto.forReading(open(store, type, "alpha_agency"), "alpha_agency")
                .forWriting("weather_alerts", "description", EncryptionMode.RANDOMIZED)
                .encrypt("Snow", "urn:1");
        admin(store, type, "alpha_agency").rotate();

        FieldCrypto crypto = FieldCrypto.forReading(open(store, type, "alpha_agency"), "alpha_agency");
        assertThat(crypto.forWriting("weather_alerts", "description", EncryptionMode.RANDOMIZED)
                        .keyVersion())
                .isEqualTo(2);
        assertThat(crypto.decrypt("weather_alerts", "description", "urn:1", old))
                .isEqualTo("Snow");
    }

    @Test
    void errorsNameThePathButNeverThePassword() {
        Path store = dir.resolve("keys.bcfks");
        assertThatThrownBy(() -> open(store, "BCFKS", "alpha_agency"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessage("key store " + store + " does not exist; create it with ./enclave keys init");

        admin(store, "BCFKS", "alpha_agency").init();
        assertThatThrownBy(() -> KeystoreKeyProvider.open(
                        store, Secret.of("wrong"), "BCFKS", "alpha_agency", "alpha_agency_key"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageStartingWith("cannot open BCFKS key store " + store + ": wrong password")
                .message()
                .doesNotContain(PASSWORD_TEXT)
                .doesNotContain("wrong\"");
        assertThatThrownBy(() -> open(store, "BCFKS", "gamma_agency").currentDataKey())
                .hasMessage("tenant gamma_agency has no data key gamma_agency_key in " + store
                        + "; create it with ./enclave keys init --tenant gamma_agency");
    }

    @Test
    void theFactoryShipsNoKeyAndPrintsNoPassword() throws Exception {
        Path store = dir.resolve("keys.bcfks");
        admin(store, "BCFKS", "alpha_agency").init();
        TenantConfig tenant = TenantConfig.builder("alpha_agency")
                .keystore(new KeystoreSettings(store.toString(), PASSWORD, "BCFKS"))
                .build();
        KeystoreKeyProviderFactory factory = KeystoreKeyProviderFactory.forTenant(tenant);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(factory);
        }
        KeyProviderFactory copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (KeyProviderFactory) in.readObject();
        }

        assertThat(factory.toString()).doesNotContain(PASSWORD_TEXT).contains("alpha_agency_key");
        try (KeyProvider provider = copy.open()) {
            assertThat(provider.tenantId()).isEqualTo("alpha_agency");
            assertThat(provider.currentDataKey().version()).isEqualTo(1);
            assertThat(provider.toString()).doesNotContain(PASSWORD_TEXT);
        }
    }
}
