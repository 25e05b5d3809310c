package io.enclave.cli.local;

import io.enclave.cli.incident.JobPlacement;
import io.enclave.cli.render.TenantSizing;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cluster FILE --tenant ID}: the Flink settings of a dedicated tenant's own cluster,
 * {@code key=value} one a line, for {@code flink-cluster.sh start --tenant ID} to pass as
 * {@code -D}: one TaskManager with a slot per parallel subtask, sized as the rendered
 * Kubernetes TaskManager ({@link TenantSizing}), so with {@code processing.memory_per_slot} it
 * holds exactly the slots the tenant's job asks for and no more.
 */
@Command(
        name = "cluster",
        description = "Print the Flink settings (key=value) of a dedicated tenant's own local cluster.")
final class ClusterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", description = "Tenant config YAML file.")
    Path file;

    @Option(names = "--tenant", required = true, paramLabel = "ID", description = "The dedicated tenant.")
    String tenantId;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Optional<EnclaveConfig> config = LocalConfig.load(file, spec);
        if (config.isEmpty()) {
            return LocalTools.INVALID_CONFIG;
        }
        TenantConfig tenant;
        try {
            tenant = config.get().tenant(tenantId);
        } catch (NoSuchElementException e) {
            err.println(e.getMessage());
            return LocalTools.INVALID_CONFIG;
        }
        if (!JobPlacement.dedicated(tenant)) {
            err.println("tenant " + tenantId + " does not set security_enhancements.dedicated_processing: its job runs"
                    + " on the shared cluster");
            return LocalTools.INVALID_CONFIG;
        }
        for (Map.Entry<String, String> setting : settings(tenant).entrySet()) {
            spec.commandLine().getOut().println(setting.getKey() + "=" + setting.getValue());
        }
        return 0;
    }

    /** The cluster's settings for the tenant, sorted by key. */
    static Map<String, String> settings(TenantConfig tenant) {
        TenantSizing sizing = TenantSizing.of(tenant);
        Map<String, String> settings = new TreeMap<>(TenantSizing.taskManagerMemory(tenant));
        settings.put("taskmanager.numberOfTaskSlots", String.valueOf(sizing.parallelism()));
        settings.put("taskmanager.memory.process.size", sizing.taskManagerMemoryMb() + "m");
        return settings;
    }
}
