package io.enclave.operators.crypto;

import java.util.Locale;

/**
 * Which implementation runs randomized AES-256-GCM. Both produce the same bytes (the format,
 * nonce and AAD are Enclave's), so the choice changes speed, not ciphertexts, and values written
 * by one decrypt with the other. Set with {@code -Denclave.crypto.gcm-engine=jce|bouncycastle}.
 */
public enum GcmEngine {
    /**
     * The JDK's SunJCE cipher: AES-NI and carry-less-multiply intrinsics; it keeps the expanded
     * key while the key stays the same, so a re-init per value costs only the nonce.
     */
    JCE,
    /**
     * BouncyCastle's lightweight GCM, keyed once and re-armed with a null key parameter: pure
     * Java AES and table GHASH, about twice the JDK's cost per value on AES-NI hardware.
     */
    BOUNCY_CASTLE;

    public static final String PROPERTY = "enclave.crypto.gcm-engine";

    /** The engine named by the system property, JCE by default (see the README's benchmark). */
    public static GcmEngine configured() {
        String name = System.getProperty(PROPERTY, "jce").trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "jce" -> JCE;
            case "bouncycastle", "bc" -> BOUNCY_CASTLE;
            default -> throw new IllegalArgumentException(PROPERTY + " must be jce or bouncycastle, not " + name);
        };
    }
}
