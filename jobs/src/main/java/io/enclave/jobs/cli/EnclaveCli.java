package io.enclave.jobs.cli;

import io.enclave.sinks.dialect.Dialects;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./enclave} operations CLI. */
@Command(name = "enclave", mixinStandardHelpOptions = true,
        description = "Multi-tenant isolation for emergency-management streams on Apache Flink.",
        subcommands = {ValidateCommand.class, PlanCommand.class, DdlCommand.class, DemoCommand.class,
                io.enclave.jobs.render.RenderCommand.class, AuditCommand.class, IngestCommand.class,
                ProvisionCommand.class, ProbeCommand.class, KeysCommand.class, DecryptCommand.class})
public final class EnclaveCli {
    /** Exit code for an invalid config, so scripts can tell it apart from a crash (1). */
    public static final int INVALID_CONFIG = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new EnclaveCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.registerConverter(Dialects.class, value -> Dialects.valueOf(value.toUpperCase(java.util.Locale.ROOT)));
        return cli;
    }
}
