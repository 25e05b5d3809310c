package io.enclave.jobs;

import io.enclave.config.ConfigException;
import io.enclave.config.DevMode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.util.ParameterTool;

/**
 * The {@code flink run} arguments of a job's main: {@code --config FILE --tenant ID}, the flags
 * {@code --dev} and (for the ingest job) {@code --once}, and {@code --help}. Parsed with Flink's
 * own {@link ParameterTool}, which the cluster provides, so the job jar carries no CLI library.
 */
public record JobArguments(Path config, String tenantId, boolean dev, boolean once) {
    /** Exit code of a wrong command line, as the ops CLI uses it. */
    public static final int USAGE = 2;

    private static final Set<String> VALUED = Set.of("config", "tenant");
    /** What ParameterTool records as the value of an option given without one (its own constant is protected). */
    private static final String NO_VALUE =
            ParameterTool.fromArgs(new String[] {"--flag"}).get("flag");

    /** What a job's main does with its arguments, once parsed. */
    @FunctionalInterface
    public interface Main {
        void run(JobArguments arguments) throws Exception;
    }

    /** The development mode the job runs in: on with {@code --dev}, else as {@code environment} says. */
    public DevMode devMode(DevMode environment) {
        return dev ? DevMode.ON : environment;
    }

    /**
     * Parses {@code args} and runs {@code main}. {@code --help} prints {@code usage}; a wrong
     * command line prints what is wrong and the usage (exit 2); an invalid config prints its
     * problems (exit 2); any other failure prints its stack trace (exit 1).
     *
     * @param flags the flags without a value this job accepts besides {@code --dev} and {@code --help}
     * @return the exit code: 0 once {@code main} returned
     */
    public static int run(String usage, Set<String> flags, String[] args, PrintStream out, PrintStream err, Main main) {
        JobArguments arguments;
        try {
            ParameterTool params = ParameterTool.fromArgs(args);
            if (params.has("help") || params.has("h")) {
                out.println(usage);
                return 0;
            }
            arguments = from(params, flags);
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            err.println(usage);
            return USAGE;
        }
        try {
            main.run(arguments);
            return 0;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return USAGE;
        } catch (Exception e) {
            e.printStackTrace(err);
            return 1;
        }
    }

    private static JobArguments from(ParameterTool params, Set<String> flags) {
        Set<String> unknown = new TreeSet<>(params.toMap().keySet());
        unknown.removeAll(VALUED);
        unknown.removeAll(flags);
        unknown.remove("dev");
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown option(s): --" + String.join(", --", unknown));
        }
        for (String name : VALUED) {
            String value = params.get(name);
            if (value == null || value.isEmpty() || NO_VALUE.equals(value)) {
                throw new IllegalArgumentException("Missing required option: --" + name + " " + name.toUpperCase());
            }
        }
        return new JobArguments(
                Path.of(params.get("config")),
                params.get("tenant"),
                flag(params, "dev"),
                flags.contains("once") && flag(params, "once"));
    }

    private static boolean flag(ParameterTool params, String name) {
        if (!params.has(name)) {
            return false;
        }
        String value = params.get(name);
        if (NO_VALUE.equals(value)) {
            return true;
        }
        throw new IllegalArgumentException("--" + name + " takes no value, got " + value);
    }
}
