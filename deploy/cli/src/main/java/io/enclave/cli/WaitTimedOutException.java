package io.enclave.cli;

import java.time.Duration;

/**
 * A step that waited for a server or a start-up longer than {@code --timeout} allows: exit 3,
 * with one line that names what it waited for.
 */
public final class WaitTimedOutException extends Exception {
    private static final long serialVersionUID = 1L;

    public WaitTimedOutException(String what, Duration timeout) {
        super("gave up waiting for " + what + " after " + timeout.toSeconds() + "s (--timeout)");
    }
}
