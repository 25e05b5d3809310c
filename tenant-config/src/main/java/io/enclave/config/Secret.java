package io.enclave.config;

import java.io.Serializable;

/**
 * A credential from config. It never prints its value, so a secret cannot leak through
 * {@code toString}, a log line or an exception message built from a config object.
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return new Secret(value == null ? "" : value);
    }

    /** The plain value, for the one place that must hand it to a driver or client. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
