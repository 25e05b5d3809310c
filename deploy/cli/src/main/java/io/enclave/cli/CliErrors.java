package io.enclave.cli;

import io.enclave.config.ConfigException;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * What the CLI prints and returns when a command fails instead of finishing: one line, {@code
 * enclave <command>: <message>}, and an {@link ExitCode} that says whose problem it is (the
 * command line, a server, the key material, or a bug). {@code --verbose} adds the stack trace.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    /** The flag that adds the stack trace, wherever it is written on the line. */
    static final String VERBOSE_FLAG = "--verbose";

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        boolean verbose = matched(command.getCommandSpec(), VERBOSE_FLAG);
        return report(command, e, exitCode(e), verbose);
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        boolean verbose = Arrays.asList(args).contains(VERBOSE_FLAG);
        return report(e.getCommandLine(), e, ExitCode.USAGE, verbose);
    }

    private static int report(CommandLine command, Throwable e, int code, boolean verbose) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        String hint = code == ExitCode.USAGE
                ? " (see '" + name + " --help')"
                : code == ExitCode.INTERNAL && !verbose ? " (run again with --verbose for the stack trace)" : "";
        err.println(name + ": " + message(e, code) + hint);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The message of the cause that decided the exit code, which names what failed and where. */
    static String message(Throwable e, int code) {
        Throwable decisive = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (codeOf(t) == code) {
                decisive = t;
                break;
            }
        }
        if (code == ExitCode.INTERNAL) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getName() + ": " + oneLine(root);
        }
        return oneLine(decisive);
    }

    /** The exception's message on one line (JDBC drivers' span several), or its type when it has none. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.strip().replaceAll("\\s*\n\\s*", " ");
    }

    /** The exit code of the first cause, outermost first, that says whose problem it is; else {@link ExitCode#INTERNAL}. */
    static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            int code = codeOf(t);
            if (code != ExitCode.INTERNAL) {
                return code;
            }
        }
        return ExitCode.INTERNAL;
    }

    private static int codeOf(Throwable t) {
        if (t instanceof ConfigException || t instanceof ParameterException || t instanceof UsageException) {
            return ExitCode.USAGE;
        }
        if (t instanceof KeyUnavailableException) {
            return ExitCode.KEY_MATERIAL;
        }
        if (t instanceof AuditUnavailableException
                || t instanceof WaitTimedOutException
                || t instanceof org.apache.kafka.common.errors.TimeoutException
                || isConnectionFailure(t)) {
            return ExitCode.UNAVAILABLE;
        }
        return ExitCode.INTERNAL;
    }

    /**
     * A database that could not be reached, as JDBC reports it: SQLState class 08 (connection
     * exception), or the driver's connection exception types (MySQL Connector/J's
     * CommunicationsException is an {@link SQLRecoverableException} with state 08S01).
     */
    static boolean isConnectionFailure(Throwable t) {
        if (!(t instanceof SQLException sql)) {
            return false;
        }
        return (sql.getSQLState() != null && sql.getSQLState().startsWith("08"))
                || sql instanceof SQLNonTransientConnectionException
                || sql instanceof SQLRecoverableException
                || t.getClass().getSimpleName().equals("CommunicationsException");
    }

    /** Whether {@code flag} was given to {@code command} or to a command above it. */
    static boolean matched(CommandSpec command, String flag) {
        for (CommandSpec spec = command; spec != null; spec = spec.parent()) {
            ParseResult parsed = spec.commandLine().getParseResult();
            if (parsed != null && parsed.hasMatchedOption(flag)) {
                return true;
            }
        }
        return false;
    }
}
