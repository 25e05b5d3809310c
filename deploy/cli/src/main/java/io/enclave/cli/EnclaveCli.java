package io.enclave.cli;

import io.enclave.config.DevMode;
import io.enclave.sinks.dialect.Dialects;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code ./enclave} operations CLI. Its standard {@code --help} and {@code --version} are
 * inherited by every subcommand, so each answers them with exit 0 before checking its own
 * required parameters.
 */
@Command(
        name = "enclave",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = EnclaveCli.Version.class,
        description = "Multi-tenant isolation for emergency-management streams on Apache Flink.",
        subcommands = {
            ValidateCommand.class,
            PlanCommand.class,
            DdlCommand.class,
            DemoCommand.class,
            io.enclave.cli.render.RenderCommand.class,
            AuditCommand.class,
            IngestCommand.class,
            ProvisionCommand.class,
            ProbeCommand.class,
            KeysCommand.class,
            DecryptCommand.class,
            QueryCommand.class,
            QuarantineCommand.class,
            ReleaseCommand.class,
            StatusCommand.class,
            AckCommand.class,
            RespondCommand.class,
            io.enclave.cli.local.LocalTools.class,
            CommandLine.HelpCommand.class,
            AutoComplete.GenerateCompletion.class
        })
public final class EnclaveCli {
    /** The flag that turns development mode on for one command, wherever it is written on the line. */
    static final String DEV_FLAG = "--dev";

    @Option(
            names = DEV_FLAG,
            scope = ScopeType.INHERIT,
            description = "Development mode: accept the examples' dev-only secrets, short passwords and Kafka"
                    + " without TLS, as ENCLAVE_DEV=1 does. Never for a real deployment.")
    boolean dev;

    @Option(
            names = CliErrors.VERBOSE_FLAG,
            scope = ScopeType.INHERIT,
            description = "On a failure, print the stack trace after the one-line message.")
    boolean verbose;

    /** Development mode as the environment says, used when {@code --dev} is not given. */
    private final DevMode environmentDevMode;

    EnclaveCli(DevMode environmentDevMode) {
        this.environmentDevMode = environmentDevMode;
    }

    /** The version the build wrote into the jar's manifest, or "development build" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = EnclaveCli.class.getPackage().getImplementationVersion();
            return new String[] {"enclave " + (version == null ? "(development build)" : version)};
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The CLI as {@code ./enclave} runs it, in development mode only with ENCLAVE_DEV=1 or {@code --dev}. */
    public static CommandLine commandLine() {
        return commandLine(DevMode.fromEnvironment());
    }

    /**
     * The CLI with the environment's development mode given, so tests can run a command with it
     * off although the build runs them with ENCLAVE_DEV=1.
     */
    public static CommandLine commandLine(DevMode environmentDevMode) {
        CommandLine cli = new CommandLine(new EnclaveCli(environmentDevMode)).setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(Dialects.class, value -> Dialects.valueOf(value.toUpperCase(java.util.Locale.ROOT)));
        CliErrors errors = new CliErrors();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        // The completion script is for users who install it; the main help lists the commands they run.
        cli.getSubcommands()
                .get("generate-completion")
                .getCommandSpec()
                .usageMessage()
                .hidden(false);
        return cli;
    }

    /**
     * The development mode {@code command} runs in: on when {@code --dev} was given to it or to a
     * command above it, else as the environment says.
     */
    public static DevMode devMode(CommandSpec command) {
        if (CliErrors.matched(command, DEV_FLAG)) {
            return DevMode.ON;
        }
        return ((EnclaveCli) command.root().userObject()).environmentDevMode;
    }
}
