package io.enclave.cli.local;

import picocli.CommandLine.Command;

/**
 * {@code enclave local ...}: the steps of deploy/local's walkthrough that are not Flink's: tenant
 * ids, a dedicated tenant's cluster settings, provisioning, publishing sample events, and the
 * standalone MariaDB.
 */
@Command(
        name = "local",
        description =
                "Helpers of deploy/local: tenant ids, dedicated clusters' settings, provisioning, publishing sample events, the local MariaDB.",
        subcommands = {
            TenantsCommand.class,
            ClusterCommand.class,
            ProvisionCommand.class,
            PublishCommand.class,
            LocalMariaDb.class
        })
public final class LocalTools {
    /** Exit code for an invalid config, as the rest of the CLI uses. */
    static final int INVALID_CONFIG = 2;
}
