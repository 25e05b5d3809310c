package io.enclave.operators.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.EncryptionMode;
import io.enclave.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Field encryption on a real key store: what decrypts, and every way a ciphertext must not. */
class FieldCryptoTest {
    private static final Secret PASSWORD = Secret.of("test-keystore-password");
    /**
     * PKCS#12 because the store type does not change how fields are encrypted, and each BCFKS
     * open runs a deliberately slow password KDF; KeystoreKeyProviderTest covers BCFKS.
     */
    private static final String TYPE = "PKCS12";

    private static final String ALPHA = "alpha_agency";
    private static final String BETA = "beta_agency";
    private static final String TABLE = "disaster_declarations";
    private static final String ROW = "0f8a6c7e-1d2b-4c3d-9e8f-000000000001";

    /** Both tenants' first keys, created once; each test works on its own copy. */
    private static Path template;

    @TempDir
    Path dir;

    private Path store;

    @BeforeAll
    static void createKeys(@TempDir Path templateDir) {
        template = templateDir.resolve("keys.p12");
        new TenantKeyStore(template, PASSWORD, TYPE, ALPHA, ALPHA + "_key").init();
        new TenantKeyStore(template, PASSWORD, TYPE, BETA, BETA + "_key").init();
    }

    @BeforeEach
    void copyKeys() throws IOException {
        store = dir.resolve("keys.p12");
        Files.copy(template, store);
    }

    /** Opening a key store runs its password KDF, so each test opens a tenant's keys once, until they change. */
    private final Map<String, FieldCrypto> opened = new HashMap<>();

    private TenantKeyStore keyStore(String tenant) {
        opened.clear();
        return new TenantKeyStore(store, PASSWORD, TYPE, tenant, tenant + "_key");
    }

    private FieldCrypto crypto(String tenant) {
        return opened.computeIfAbsent(
                tenant, t -> FieldCrypto.forReading(KeystoreKeyProvider.open(store, PASSWORD, TYPE, t, t + "_key"), t));
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void valuesRoundTripExactlyIncludingNonAscii(EncryptionMode mode) {
        FieldCrypto alpha = crypto(ALPHA);
        ColumnCipher cipher = alpha.forWriting(TABLE, "designated_area", mode);

        for (String plain :
                new String[] {"Denver (County)", "Doña Ana (County)", "Ærøskøbing – Δ 東京 🌪️", " x ", "a"}) {
            String encrypted = cipher.encrypt(plain, ROW);
            assertThat(encrypted)
                    .matches("enc:" + (mode == EncryptionMode.RANDOMIZED ? "v1" : "s1") + ":k1:[A-Za-z0-9_-]+");
            assertThat(alpha.decrypt(TABLE, "designated_area", ROW, encrypted)).isEqualTo(plain);
        }
    }

    @Test
    void bothGcmEnginesWriteTheSameFormatAndReadEachOther() {
        KeystoreKeyProvider keys = KeystoreKeyProvider.open(store, PASSWORD, TYPE, ALPHA, ALPHA + "_key");
        FieldCrypto jce = new FieldCrypto(keys, ALPHA, new NonceSequence(new SecureRandom()), GcmEngine.JCE);
        FieldCrypto bc = new FieldCrypto(keys, ALPHA, new NonceSequence(new SecureRandom()), GcmEngine.BOUNCY_CASTLE);

        String byJce = jce.forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("Weld – Ærø", ROW);
        String byBc = bc.forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("Weld – Ærø", ROW);

        assertThat(bc.decrypt(TABLE, "designated_area", ROW, byJce)).isEqualTo("Weld – Ærø");
        assertThat(jce.decrypt(TABLE, "designated_area", ROW, byBc)).isEqualTo("Weld – Ærø");
        assertThatThrownBy(() -> bc.decrypt(TABLE, "designated_area", ROW + "x", byJce))
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> jce.decrypt(TABLE, "designated_area", ROW + "x", byBc))
                .isInstanceOf(DecryptionException.class);
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void nullAndEmptyStayAsTheyAre(EncryptionMode mode) {
        ColumnCipher cipher = crypto(ALPHA).forWriting(TABLE, "designated_area", mode);

        assertThat(cipher.encrypt(null, ROW)).isNull();
        assertThat(cipher.encrypt("", ROW)).isEmpty();
    }

    @Test
    void randomizedValuesNeverRepeatAndDeterministicOnesRepeatOnlyWithinTheirColumn() {
        FieldCrypto alpha = crypto(ALPHA);
        ColumnCipher randomized = alpha.forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(seen.add(randomized.encrypt("Denver (County)", ROW))).isTrue();
        }

        ColumnCipher placeCode = alpha.forWriting(TABLE, "place_code", EncryptionMode.DETERMINISTIC);
        String first = placeCode.encrypt("99031", "row-1");
        assertThat(placeCode.encrypt("99031", "row-2"))
                .as("joinable across rows")
                .isEqualTo(first);
        assertThat(alpha.forWriting(TABLE, "fips_county_code", EncryptionMode.DETERMINISTIC)
                        .encrypt("99031", "row-1"))
                .as("another column")
                .isNotEqualTo(first);
        assertThat(crypto(BETA)
                        .forWriting(TABLE, "place_code", EncryptionMode.DETERMINISTIC)
                        .encrypt("99031", "row-1"))
                .as("another tenant")
                .isNotEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void everySingleFlippedBitFails(EncryptionMode mode) {
        FieldCrypto alpha = crypto(ALPHA);
        String encrypted = alpha.forWriting(TABLE, "designated_area", mode).encrypt("Denver (County)", ROW);
        Ciphertext parsed = Ciphertext.parse(encrypted);
        String prefix = encrypted.substring(0, encrypted.lastIndexOf(':') + 1);

        for (int bit = 0; bit < parsed.payload().length * 8; bit++) {
            byte[] tampered = parsed.payload().clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            String altered = prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(tampered);
            assertThatThrownBy(() -> alpha.decrypt(TABLE, "designated_area", ROW, altered))
                    .as("bit %d", bit)
                    .isInstanceOf(DecryptionException.class)
                    .hasMessageContaining("it was altered, or it belongs to another tenant, table, column or row");
        }
    }

    @Test
    void aCiphertextMovedToAnotherTenantColumnOrRowFails() {
        String encrypted = crypto(ALPHA)
                .forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("Denver (County)", ROW);

        assertThatThrownBy(() -> crypto(BETA).decrypt(TABLE, "designated_area", ROW, encrypted))
                .as("wrong tenant")
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "declaration_title", ROW, encrypted))
                .as("wrong column")
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> crypto(ALPHA).decrypt("weather_alerts", "designated_area", ROW, encrypted))
                .as("wrong table")
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "designated_area", ROW + "2", encrypted))
                .as("wrong row key")
                .isInstanceOf(DecryptionException.class)
                .extracting(e -> ((DecryptionException) e).reason())
                .isEqualTo("authentication_failed");
        assertThat(crypto(ALPHA).decrypt(TABLE, "designated_area", ROW, encrypted))
                .isEqualTo("Denver (County)");
    }

    /**
     * Two tenants handed the very same key material, as a careless copy of a key store would do:
     * different keys cannot be what refuses the move here, only the tenant bound into each
     * value (its derived subkey and its associated data).
     */
    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void underTheSameKeyMaterialAValueMovedToAnotherTenantsRowOrColumnIsRefused(EncryptionMode mode) {
        SecretKey shared = randomKeyMaterial();
        FieldCrypto alpha = sharing(ALPHA, shared, FieldKeys.HKDF);
        FieldCrypto beta = sharing(BETA, shared, FieldKeys.HKDF);
        String alphas = alpha.forWriting(TABLE, "place_code", mode).encrypt("99031", ROW);
        String betas = beta.forWriting(TABLE, "place_code", mode).encrypt("99031", ROW);
        // The key works for both: each tenant reads its own value of the same row.
        assertThat(alpha.decrypt(TABLE, "place_code", ROW, alphas)).isEqualTo("99031");
        assertThat(beta.decrypt(TABLE, "place_code", ROW, betas)).isEqualTo("99031");

        assertThatThrownBy(() -> beta.decrypt(TABLE, "place_code", ROW, alphas))
                .as("alpha's value in beta's row of the same id")
                .isInstanceOf(DecryptionException.class)
                .extracting(e -> ((DecryptionException) e).reason())
                .isEqualTo("authentication_failed");
        assertThatThrownBy(() -> alpha.decrypt(TABLE, "place_code", ROW, betas))
                .as("beta's value in alpha's row of the same id")
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> alpha.decrypt(TABLE, "fips_county_code", ROW, alphas))
                .as("another column of alpha's row")
                .isInstanceOf(DecryptionException.class);
        if (mode == EncryptionMode.DETERMINISTIC) {
            assertThat(betas).as("equal plaintext, same key, another tenant").isNotEqualTo(alphas);
        } else {
            assertThatThrownBy(() -> alpha.decrypt(TABLE, "place_code", ROW + "2", alphas))
                    .as("another row of alpha's")
                    .isInstanceOf(DecryptionException.class);
        }
    }

    /**
     * Stronger than the above: both tenants get the very same column subkey, so the tenant in the
     * associated data is all that tells their ciphers apart, and the refusal can only be the AAD's.
     */
    @ParameterizedTest
    @EnumSource(EncryptionMode.class)
    void underTheSameSubkeyTheAssociatedDataAloneRefusesAValueMovedToAnotherTenantsRow(EncryptionMode mode) {
        SecretKey shared = randomKeyMaterial();
        Map<String, byte[]> subkeys = new HashMap<>();
        FieldKeys.Derivation tenantBlind = (key, tenant, table, column, version, algorithm) -> {
            byte[] subkey = FieldKeys.derive(key, "any_tenant", table, column, version, algorithm);
            subkeys.put(tenant, subkey);
            return subkey;
        };
        FieldCrypto alpha = sharing(ALPHA, shared, tenantBlind);
        FieldCrypto beta = sharing(BETA, shared, tenantBlind);
        String alphas = alpha.forWriting(TABLE, "place_code", mode).encrypt("99031", ROW);
        String betas = beta.forWriting(TABLE, "place_code", mode).encrypt("99031", ROW);
        assertThat(subkeys.get(ALPHA))
                .as("one subkey for both tenants")
                .isNotNull()
                .isEqualTo(subkeys.get(BETA));
        assertThat(alpha.decrypt(TABLE, "place_code", ROW, alphas)).isEqualTo("99031");
        assertThat(beta.decrypt(TABLE, "place_code", ROW, betas)).isEqualTo("99031");

        assertThatThrownBy(() -> beta.decrypt(TABLE, "place_code", ROW, alphas))
                .as("alpha's value in beta's row of the same table, column and id")
                .isInstanceOf(DecryptionException.class)
                .extracting(e -> ((DecryptionException) e).reason())
                .isEqualTo("authentication_failed");
        assertThatThrownBy(() -> alpha.decrypt(TABLE, "place_code", ROW, betas))
                .as("beta's value in alpha's row of the same table, column and id")
                .isInstanceOf(DecryptionException.class)
                .extracting(e -> ((DecryptionException) e).reason())
                .isEqualTo("authentication_failed");
        if (mode == EncryptionMode.DETERMINISTIC) {
            // Same subkey, same fixed nonce, same plaintext: only the associated data differs.
            assertThat(betas).as("equal plaintext, same subkey, another tenant").isNotEqualTo(alphas);
        }
    }

    private static SecretKey randomKeyMaterial() {
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        return new SecretKeySpec(material, "AES");
    }

    /** {@code tenant}'s field encryption on key material another tenant's shares, with subkeys derived so. */
    private static FieldCrypto sharing(String tenant, SecretKey shared, FieldKeys.Derivation derivation) {
        return new FieldCrypto(
                new SharedKeyMaterial(tenant, shared),
                tenant,
                new NonceSequence(new SecureRandom()),
                GcmEngine.configured(),
                derivation);
    }

    /** Test-only: one tenant's provider that returns key material shared with another tenant's. */
    private record SharedKeyMaterial(String tenantId, SecretKey material) implements KeyProvider {
        @Override
        public VersionedKey currentDataKey() {
            return new VersionedKey(1, material);
        }

        @Override
        public VersionedKey dataKey(int version) {
            if (version != 1) {
                throw new KeyUnavailableException("only version 1 is shared");
            }
            return currentDataKey();
        }

        @Override
        public void close() {}
    }

    @Test
    void deterministicValuesAreBoundToTenantAndColumn() {
        String encrypted = crypto(ALPHA)
                .forWriting(TABLE, "place_code", EncryptionMode.DETERMINISTIC)
                .encrypt("99031", ROW);

        assertThatThrownBy(() -> crypto(BETA).decrypt(TABLE, "place_code", ROW, encrypted))
                .as("wrong tenant")
                .isInstanceOf(DecryptionException.class);
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "fips_county_code", ROW, encrypted))
                .as("wrong column")
                .isInstanceOf(DecryptionException.class);
    }

    @Test
    void aWrongKeyVersionFails() {
        String underV1 = crypto(ALPHA)
                .forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("Denver (County)", ROW);
        keyStore(ALPHA).rotate();

        String claimsV2 = underV1.replace(":k1:", ":k2:");
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "designated_area", ROW, claimsV2))
                .isInstanceOf(DecryptionException.class);
        String claimsV7 = underV1.replace(":k1:", ":k7:");
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "designated_area", ROW, claimsV7))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessage("tenant alpha_agency has no key version 7 of alpha_agency_key; it has [1, 2]");
    }

    @Test
    void afterRotationNewWritesUseTheNewVersionAndOldRowsStayReadable() {
        String old = crypto(ALPHA)
                .forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("Old row", ROW);

        assertThat(keyStore(ALPHA).rotate()).isEqualTo(2);
        FieldCrypto afterRotation = crypto(ALPHA);
        String fresh = afterRotation
                .forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("New row", ROW);

        assertThat(fresh).startsWith("enc:v1:k2:");
        assertThat(afterRotation.decrypt(TABLE, "designated_area", ROW, old)).isEqualTo("Old row");
        assertThat(afterRotation.decrypt(TABLE, "designated_area", ROW, fresh)).isEqualTo("New row");
    }

    @Test
    void destroyShredsOneTenantsValuesAndLeavesTheOtherReadable() {
        String alphaValue = crypto(ALPHA)
                .forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("A", ROW);
        String alphaCode = crypto(ALPHA)
                .forWriting(TABLE, "place_code", EncryptionMode.DETERMINISTIC)
                .encrypt("1", ROW);
        String betaValue = crypto(BETA)
                .forWriting(TABLE, "designated_area", EncryptionMode.RANDOMIZED)
                .encrypt("B", ROW);

        assertThat(keyStore(ALPHA).destroy()).containsExactly(1);

        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "designated_area", ROW, alphaValue))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessage("key version 1 of tenant alpha_agency was destroyed (crypto-shredded);"
                        + " values encrypted under it can never be decrypted");
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "place_code", ROW, alphaCode))
                .isInstanceOf(KeyUnavailableException.class);
        assertThat(crypto(BETA).decrypt(TABLE, "designated_area", ROW, betaValue))
                .isEqualTo("B");

        // A new key after the destroy gets the next version, and the old values still do not decrypt.
        assertThat(keyStore(ALPHA).init()).isEqualTo(2);
        assertThatThrownBy(() -> crypto(ALPHA).decrypt(TABLE, "designated_area", ROW, alphaValue))
                .isInstanceOf(KeyUnavailableException.class);
    }

    @Test
    void textThatIsNotACiphertextIsRefusedWithoutEchoingIt() {
        FieldCrypto alpha = crypto(ALPHA);

        assertThatThrownBy(() -> alpha.decrypt(TABLE, "designated_area", ROW, "Denver (County)"))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("not an Enclave ciphertext: it does not start with enc:");
        assertThatThrownBy(() -> alpha.decrypt(TABLE, "designated_area", ROW, "enc:v9:k1:AAAA"))
                .hasMessageContaining("unknown format v9");
        assertThatThrownBy(() -> alpha.decrypt(TABLE, "designated_area", ROW, "enc:v1:k1:AA"))
                .isInstanceOf(DecryptionException.class);
    }
}
