package io.enclave.cli;

import io.enclave.config.DevMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One {@code ./enclave} command run in-process as a user would, with what it printed and its exit code. */
public record CliRun(int exit, String out, String err) {

    public static CliRun of(String... args) {
        return run(EnclaveCli.commandLine(), args);
    }

    /**
     * A command run as on a machine without ENCLAVE_DEV=1, which the build sets for every test:
     * development mode only where {@code --dev} is given.
     */
    public static CliRun outsideDevMode(String... args) {
        return run(EnclaveCli.commandLine(DevMode.OFF), args);
    }

    /** {@code args} run on a CLI a test made itself, e.g. with the environment's development mode given. */
    static CliRun run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n" + out + err;
    }
}
