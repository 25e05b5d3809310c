package io.enclave.operators.crypto;

import java.security.SecureRandom;

/**
 * 96-bit GCM nonces, unique per subtask without a lock or a random draw per value: a 64-bit
 * random prefix drawn once when the operator opens, then a 32-bit counter (the "deterministic
 * construction" of NIST SP 800-38D 8.2.1, with a random fixed field). A new prefix is drawn
 * before the counter would wrap. Two subtasks or restarts collide only if their random prefixes
 * do, about n^2 / 2^65 for n prefixes ever drawn under one key.
 */
public final class NonceSequence {
    public static final int NONCE_BYTES = 12;

    private final SecureRandom random;
    private long prefix;
    private int counter;
    private boolean wrapped;

    public NonceSequence(SecureRandom random) {
        this.random = random;
        this.prefix = random.nextLong();
    }

    /** Writes the next nonce into {@code out[offset..offset+12)}. */
    public void next(byte[] out, int offset) {
        if (wrapped) {
            prefix = random.nextLong();
            wrapped = false;
        }
        long p = prefix;
        for (int i = 7; i >= 0; i--) {
            out[offset + i] = (byte) p;
            p >>>= 8;
        }
        int c = counter;
        out[offset + 8] = (byte) (c >>> 24);
        out[offset + 9] = (byte) (c >>> 16);
        out[offset + 10] = (byte) (c >>> 8);
        out[offset + 11] = (byte) c;
        counter = c + 1;
        if (counter == 0) {
            wrapped = true;
        }
    }
}
