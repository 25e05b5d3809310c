package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code enclave validate -c FILE}: exit 0 with a per-tenant summary, or 2 with every problem. */
@Command(name = "validate", description = "Validate a tenant config and summarise each tenant.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    DatabaseAdminPassword dbAdminPassword;

    @Override
    public Integer call() {
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        List<String> shared = dbAdminPassword.readersWithTheAdminsPassword(config);
        if (!shared.isEmpty()) {
            shared.forEach(spec.commandLine().getErr()::println);
            return ExitCode.USAGE;
        }
        var out = spec.commandLine().getOut();
        out.printf(
                "%s: valid, %d tenant(s)%n", configFile.file(), config.tenants().size());
        out.printf("%-20s %-13s %-24s %-22s %s%n", "TENANT", "LEVEL", "STATES", "DATABASE", "ORGANIZATION");
        for (TenantConfig t : config.tenants()) {
            out.printf(
                    "%-20s %-13s %-24s %-22s %s%n",
                    t.id(),
                    t.classificationLevel(),
                    abbreviate(t.dataRestrictions().allowedStates().toString()),
                    t.database().schema(),
                    t.organization());
        }
        return 0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 24 ? s : s.substring(0, 21) + "...";
    }
}
