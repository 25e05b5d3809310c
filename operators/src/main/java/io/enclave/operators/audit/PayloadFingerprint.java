package io.enclave.operators.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How an audit detail refers to a value taken from a record's payload (a claimed tenant, a state
 * text): by a short SHA-256 fingerprint and its length, never by the value itself. A payload is
 * attacker-controlled: quoted, it could bloat every audit row, forge lines in a SIEM with
 * newlines and control characters, or carry another tenant's data into this tenant's trail. The
 * fingerprint is fixed-size plain ASCII, and an investigator who suspects a value can hash it
 * and compare.
 */
public final class PayloadFingerprint {
    /** Hex digits of the SHA-256 kept: 64 bits, plenty to tell values apart in one tenant's trail. */
    static final int HEX_DIGITS = 16;

    private PayloadFingerprint() {}

    /** {@code sha256:1a2b3c4d5e6f7a8b (10240 chars)}; {@code (none)} for null. */
    public static String of(String value) {
        if (value == null) {
            return "(none)";
        }
        return "sha256:" + sha256Hex(value).substring(0, HEX_DIGITS) + " (" + value.length() + " chars)";
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
