package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.Dialects;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enclave ddl -c FILE [--dialect starrocks|mysql] [-t ID]}: the tenants' DDL, for review. */
@Command(
        name = "ddl",
        description = "Print the DDL of the tenants' databases, tables, accounts, grants, roles and"
                + " resource groups (passwords as placeholders).")
final class DdlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Option(names = "--dialect", description = "starrocks or mysql (default: the config's global.database.dialect).")
    Dialects dialect;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        List<TenantConfig> tenants = tenantOption.selected(config, configFile);
        Dialects dialect = this.dialect != null
                ? this.dialect
                : Dialects.valueOf(config.global().databaseDialect().name());
        PrintWriter out = spec.commandLine().getOut();
        for (TenantConfig tenant : tenants) {
            out.printf("-- tenant %s (%s), dialect %s%n", tenant.id(), tenant.organization(), dialect);
            TenantDatabase database = new TenantDatabase(tenant, Dialects.of(dialect, config.global()));
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
