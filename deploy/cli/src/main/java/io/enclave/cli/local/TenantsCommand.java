package io.enclave.cli.local;

import io.enclave.cli.incident.JobPlacement;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tenants FILE [--dedicated | --shared]}: the tenant ids, one a line, for {@code submit.sh
 * --all}; with {@code --dedicated} only those with {@code dedicated_processing}, whose jobs
 * submit.sh sends to their own cluster, with {@code --shared} only the others.
 */
@Command(name = "tenants", description = "Print the config's tenant ids, one a line.")
final class TenantsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @ArgGroup(exclusive = true)
    Placement placement;

    /** Which tenants to list: all, when neither is given. */
    static final class Placement {
        @Option(
                names = "--dedicated",
                required = true,
                description = "Only tenants with dedicated_processing, whose jobs run on a cluster of their own.")
        boolean dedicated;

        @Option(
                names = "--shared",
                required = true,
                description = "Only tenants without dedicated_processing, whose jobs share one cluster.")
        boolean shared;
    }

    @Override
    public Integer call() {
        Optional<EnclaveConfig> config = LocalConfig.load(file, spec);
        if (config.isEmpty()) {
            return LocalTools.INVALID_CONFIG;
        }
        for (TenantConfig tenant : config.get().tenants()) {
            boolean dedicated = JobPlacement.dedicated(tenant);
            if (placement != null && (placement.dedicated != dedicated || placement.shared == dedicated)) {
                continue;
            }
            spec.commandLine().getOut().println(tenant.id());
        }
        return 0;
    }
}
