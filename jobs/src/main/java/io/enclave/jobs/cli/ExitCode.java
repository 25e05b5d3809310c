package io.enclave.jobs.cli;

/**
 * The exit codes of {@code ./enclave}, one meaning each, so monitoring can tell tampering from a
 * missing key or a database that is down. {@code audit verify} uses all of them; other commands
 * adopt them as they are touched.
 */
public final class ExitCode {
    /** Done; for {@code audit verify}: the chain verifies. */
    public static final int OK = 0;
    /** For {@code audit verify} only ever a broken chain: tampering, a gap, a forgery. The message names the sequence. */
    public static final int CHAIN_BROKEN = 1;
    /** Bad arguments or an invalid config (also picocli's own usage errors). */
    public static final int INVALID_INPUT = 2;
    /** The database or the broker could not be reached: nothing was verified. */
    public static final int UNREACHABLE = 3;
    /** Key material (a trust file, a key store) is missing or unreadable: nothing was verified. */
    public static final int KEY_UNAVAILABLE = 4;
    /** An unexpected error (a bug), reported in one line; never 1, which monitoring reads as tampering. */
    public static final int INTERNAL_ERROR = 70;

    private ExitCode() {}
}
