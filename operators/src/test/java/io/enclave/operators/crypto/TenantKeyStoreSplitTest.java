package io.enclave.operators.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TenantKeyStore#copyFrom}, the core of {@code keys split}: a tenant's entries leave a
 * shared store for a store of the tenant's own, with its own password, and nothing else does.
 */
class TenantKeyStoreSplitTest {
    private static final Secret SHARED_PASSWORD = Secret.of("shared-store-password");
    private static final Secret ALPHA_PASSWORD = Secret.of("alpha-own-password");

    @TempDir
    Path dir;

    @Test
    void everyVersionAndTheMarkerMoveButNoOldAuditKeyAndNothingOfAnotherTenant() throws Exception {
        Path shared = dir.resolve("shared.bcfks");
        TenantKeyStore alphaShared = new TenantKeyStore(shared, SHARED_PASSWORD, "BCFKS", "alpha", "alpha_key");
        alphaShared.init();
        alphaShared.rotate();
        new TenantKeyStore(shared, SHARED_PASSWORD, "BCFKS", "beta", "beta_key").init();
        // A shared store from before audit signatures still holds the unused HMAC chain key: it stays behind.
        KeystoreKeyProviderTest.addLegacyAuditKey(shared, SHARED_PASSWORD, "BCFKS", "alpha_key");
        byte[] sharedBytes = Files.readAllBytes(shared);
        Path own = dir.resolve("alpha.p12");

        var copied = new TenantKeyStore(own, ALPHA_PASSWORD, "PKCS12", "alpha", "alpha_key")
                .copyFrom(shared, SHARED_PASSWORD, "BCFKS");

        assertThat(copied).containsExactly("alpha_key.v1", "alpha_key.v2");
        assertThat(Files.readAllBytes(shared))
                .as("the shared store is only read")
                .isEqualTo(sharedBytes);
        try (KeystoreKeyProvider before =
                        KeystoreKeyProvider.open(shared, SHARED_PASSWORD, "BCFKS", "alpha", "alpha_key");
                KeystoreKeyProvider after =
                        KeystoreKeyProvider.open(own, ALPHA_PASSWORD, "PKCS12", "alpha", "alpha_key")) {
            assertThat(after.dataKey(1).key().getEncoded())
                    .isEqualTo(before.dataKey(1).key().getEncoded());
            assertThat(after.currentDataKey().version()).isEqualTo(2);
            assertThat(after.currentDataKey().key().getEncoded())
                    .isEqualTo(before.dataKey(2).key().getEncoded());
        }
        try (KeystoreKeyProvider beta = KeystoreKeyProvider.open(own, ALPHA_PASSWORD, "PKCS12", "beta", "beta_key")) {
            assertThatThrownBy(beta::currentDataKey)
                    .as("beta's key stayed behind")
                    .isInstanceOf(KeyUnavailableException.class);
        }
        assertThatThrownBy(() -> KeystoreKeyProvider.open(own, SHARED_PASSWORD, "PKCS12", "alpha", "alpha_key"))
                .as("the shared password does not open the tenant's own store")
                .isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void theDestroyedMarkerMovesSoNumberingGoesOnAfterTheShreddedVersions() {
        Path shared = dir.resolve("shared.p12");
        TenantKeyStore alphaShared = new TenantKeyStore(shared, SHARED_PASSWORD, "PKCS12", "alpha", "alpha_key");
        alphaShared.init();
        alphaShared.destroy();
        alphaShared.init();
        Path own = dir.resolve("alpha.p12");
        TenantKeyStore alphaOwn = new TenantKeyStore(own, ALPHA_PASSWORD, "PKCS12", "alpha", "alpha_key");

        assertThat(alphaOwn.copyFrom(shared, SHARED_PASSWORD, "PKCS12"))
                .containsExactly("alpha_key.destroyed", "alpha_key.v2");
        assertThat(alphaOwn.list().destroyedUpTo()).isEqualTo(1);
        assertThat(alphaOwn.rotate()).isEqualTo(3);
    }

    @Test
    void anExistingTenantStoreIsNeverOverwrittenAndATenantWithoutKeysGetsNoStore() throws Exception {
        Path shared = dir.resolve("shared.p12");
        new TenantKeyStore(shared, SHARED_PASSWORD, "PKCS12", "alpha", "alpha_key").init();
        Path own = dir.resolve("alpha.p12");
        TenantKeyStore alphaOwn = new TenantKeyStore(own, ALPHA_PASSWORD, "PKCS12", "alpha", "alpha_key");
        alphaOwn.init();
        byte[] existing = Files.readAllBytes(own);

        assertThatThrownBy(() -> alphaOwn.copyFrom(shared, SHARED_PASSWORD, "PKCS12"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the key store of tenant alpha already exists at " + own
                        + "; keys split never overwrites a tenant's store");
        assertThat(Files.readAllBytes(own)).isEqualTo(existing);

        Path gammaOwn = dir.resolve("gamma.p12");
        assertThatThrownBy(() -> new TenantKeyStore(
                                gammaOwn, Secret.of("gamma-own-password"), "PKCS12", "gamma", "gamma_key")
                        .copyFrom(shared, SHARED_PASSWORD, "PKCS12"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the shared store " + shared
                        + " holds no key of tenant gamma (gamma_key); nothing was created");
        assertThat(gammaOwn).doesNotExist();
    }
}
