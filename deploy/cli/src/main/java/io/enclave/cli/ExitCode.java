package io.enclave.cli;

/**
 * The CLI's one table of exit codes, so that monitoring and scripts can tell a failed check from
 * a mistake in the command line and from an outage. The README's "Exit codes" table lists them.
 */
public final class ExitCode {
    private ExitCode() {}

    /** The command did what was asked, and every check it ran passed. */
    public static final int OK = 0;
    /** A check failed: the audit chain is broken, drift is present, an attack attempt was allowed. */
    public static final int CHECK_FAILED = 1;
    /** The command line or the config is invalid: unknown option, unknown tenant, bad YAML. */
    public static final int USAGE = 2;
    /** A dependency is unavailable: the Kafka broker or the database cannot be reached. */
    public static final int UNAVAILABLE = 3;
    /** Key material is missing or unreadable: a key store, its password, a key or a public trust file. */
    public static final int KEY_MATERIAL = 4;
    /** Anything else: a bug or an unexpected failure; {@code --verbose} shows the stack trace. */
    public static final int INTERNAL = 70;
}
