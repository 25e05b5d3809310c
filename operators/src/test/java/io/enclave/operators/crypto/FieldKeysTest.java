package io.enclave.operators.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The column subkey derivation on its own. The tenant is bound twice, in the subkey and in the
 * associated data, so no round trip shows the subkey's part: these do.
 */
class FieldKeysTest {
    /** 00 01 .. 1f: a fixed tenant key, so the expected subkeys can be computed elsewhere. */
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    /**
     * Expected values from an independent RFC 5869 HKDF-SHA256 (Python's hmac and hashlib), salt
     * {@code enclave/field-key/v1}, info {@code tenant|table|column|k1|algorithm}. Every value at rest
     * depends on these bytes: a changed derivation would leave every stored value unreadable.
     */
    @Test
    void subkeysAreHkdfSha256OverTenantTableColumnVersionAndAlgorithm() {
        assertThat(hex(FieldKeys.derive(
                        KEY, "alpha_agency", "disaster_declarations", "place_code", 1, ColumnCipher.GCM)))
                .isEqualTo("155b69a58023a0dc4a4943fb9416fb9e75099a59a2349f4d4e816482ef360b0b");
        assertThat(hex(FieldKeys.derive(
                        KEY, "alpha_agency", "disaster_declarations", "place_code", 1, ColumnCipher.GCM_SIV)))
                .isEqualTo("76f359654e7d7517fefe7395ee0914144218e0638d03730a251e7590119e059f");
        assertThat(hex(FieldKeys.derive(
                        KEY, "beta_agency", "disaster_declarations", "place_code", 1, ColumnCipher.GCM)))
                .isEqualTo("44f53d9599e091c87995c93d07726d91b277904e4c0f727fb33910344143aed7");
    }

    /** Two tenants given the same key material still get different subkeys for the same column. */
    @Test
    void theSameKeyMaterialGivesEveryTenantItsOwnSubkey() {
        for (String algorithm : new String[] {ColumnCipher.GCM, ColumnCipher.GCM_SIV}) {
            byte[] alpha = FieldKeys.derive(KEY, "alpha_agency", "disaster_declarations", "place_code", 1, algorithm);
            byte[] beta = FieldKeys.derive(KEY, "beta_agency", "disaster_declarations", "place_code", 1, algorithm);
            assertThat(alpha).as(algorithm).hasSize(FieldKeys.KEY_BYTES).isNotEqualTo(beta);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
