package io.enclave.cli.isolation;

import java.nio.charset.StandardCharsets;

/** Searches the bytes a client ships (a serialized job graph, its configuration) for a secret's text. */
final class ShippedBytes {
    private ShippedBytes() {}

    static boolean contains(byte[] shipped, String text) {
        // ISO-8859-1 maps every byte to exactly one char, so a byte search becomes String.contains.
        return new String(shipped, StandardCharsets.ISO_8859_1)
                .contains(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
}
