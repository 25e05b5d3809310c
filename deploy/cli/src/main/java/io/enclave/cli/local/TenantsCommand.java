package io.enclave.cli.local;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tenants FILE}: the tenant ids, one a line, for {@code submit.sh --all}. */
@Command(name = "tenants", description = "Print the config's tenant ids, one a line.")
final class TenantsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Override
    public Integer call() {
        Optional<EnclaveConfig> config = LocalConfig.load(file, spec);
        if (config.isEmpty()) {
            return LocalTools.INVALID_CONFIG;
        }
        for (TenantConfig tenant : config.get().tenants()) {
            spec.commandLine().getOut().println(tenant.id());
        }
        return 0;
    }
}
