package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.Dialects;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code enclave ddl FILE [--dialect starrocks|mysql] [--tenant ID]}: the tenants' DDL, for review. */
@Command(name = "ddl", description = "Print the DDL of the tenants' databases, tables, accounts, grants, roles and"
        + " resource groups (passwords as placeholders).")
final class DdlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Option(names = "--dialect", defaultValue = "starrocks", description = "starrocks or mysql (default: ${DEFAULT-VALUE}).")
    Dialects dialect;

    @Option(names = "--tenant", description = "Only this tenant.")
    String tenantId;

    @Override
    public Integer call() {
        Optional<EnclaveConfig> loaded = ConfigFile.load(file, spec);
        if (loaded.isEmpty()) {
            return EnclaveCli.INVALID_CONFIG;
        }
        EnclaveConfig config = loaded.get();
        List<TenantConfig> tenants = tenantId == null ? List.copyOf(config.tenants()) : List.of(config.tenant(tenantId));
        PrintWriter out = spec.commandLine().getOut();
        for (TenantConfig tenant : tenants) {
            out.printf("-- tenant %s (%s), dialect %s%n", tenant.id(), tenant.organization(), dialect);
            TenantDatabase database = new TenantDatabase(tenant, dialect.dialect());
            for (String statement : database.schemaStatements()) {
                out.println(statement + ";");
                out.println();
            }
            // The same account, grants, role and resource group that provision applies; the
            // password stays a placeholder, so this output is safe to paste into a review.
            for (String statement : database.accessStatements()) {
                out.println(statement + ";");
                out.println();
            }
        }
        return 0;
    }
}
