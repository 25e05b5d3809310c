package io.enclave.cli.local;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The small steps of the local walkthrough that are not Flink's: list, provision and publish. */
@Command(name = "enclave-local", mixinStandardHelpOptions = true,
        description = "Helpers of deploy/local: tenant ids, provisioning, publishing sample events.",
        subcommands = {TenantsCommand.class, ProvisionCommand.class, PublishCommand.class})
public final class LocalTools {
    /** Exit code for an invalid config, as the ./enclave CLI uses. */
    static final int INVALID_CONFIG = 2;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalTools()).execute(args));
    }
}
