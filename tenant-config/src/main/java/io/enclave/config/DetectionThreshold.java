package io.enclave.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/** A detection rule's threshold: {@code count} matching events within one {@code window} of event time. */
public record DetectionThreshold(int count, Duration window) implements Serializable {
    public DetectionThreshold {
        Objects.requireNonNull(window, "window");
        if (count < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a threshold needs a count >= 1 and a positive window");
        }
    }
}
