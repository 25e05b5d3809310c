package io.enclave.cli;

/**
 * A command line that cannot be run as given, found while the command runs (no config file, a
 * tenant the config does not hold): exit 2 with its message, as picocli's own usage errors.
 */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
