package io.enclave.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --timeout SECONDS}: how long a command waits for a server (the Kafka broker's metadata,
 * a database connection) before it gives up with exit 3; and the one line that says what it waits for.
 */
public final class TimeoutOption {
    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description =
                    "Seconds to wait for a server (the Kafka broker, the database) or, in the demo, for each start-up step,"
                            + " before giving up with exit 3 (default: ${DEFAULT-VALUE}; the demo: 120).")
    long seconds;

    public Duration duration() {
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    /** Says on stderr, before a wait that may be long, what the command waits for and how long at most. */
    public void waitingFor(PrintWriter err, String command, String what) {
        err.printf(
                "%s: waiting for %s (timeout %ds)...%n",
                command, what, duration().toSeconds());
        err.flush();
    }
}
