package io.enclave.cli;

import io.enclave.cli.incident.JobPlacement;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.EncryptableFields;
import io.enclave.config.EncryptedField;
import io.enclave.config.EncryptionMode;
import io.enclave.config.SlotMemory;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import io.enclave.jobs.TenantJob;
import io.enclave.operators.crypto.ColumnCipher;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code enclave plan -c FILE -t ID}: the tenant's job graph as Flink would build it, with
 * operator names and uids, plus its topics, tables and encrypted fields.
 */
@Command(name = "plan", description = "Show a tenant's job graph (operators, uids), topics and tables.")
final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    @Override
    public Integer call() {
        Optional<EnclaveConfig> loaded = configFile.load(spec);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        EnclaveConfig config = loaded.get();
        TenantConfig tenant = tenantOption.of(config, configFile);
        TenantNames names = tenant.names();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                "job        %s (parallelism %d, checkpoint every %s)%n",
                names.jobName(),
                tenant.processing().parallelism(),
                tenant.processing().checkpointInterval());
        SlotMemory slot = tenant.processing().slotMemory();
        out.printf(
                "slots      %d %s%n",
                tenant.processing().parallelism(),
                slot.isSet()
                        ? "of 1 core, " + slot.taskHeapMb() + " MiB heap and " + slot.managedMb()
                                + " MiB managed memory each (processing.memory_per_slot)"
                        : "of the cluster's default size (no processing.memory_per_slot)");
        out.printf("runs on    %s%n", JobPlacement.planned(tenant));
        out.printf("topics     %s%n", String.join(", ", names.topics()));
        out.printf("group      %s%n", names.consumerGroup());
        out.printf(
                "database   %s as user %s%n",
                names.database(), tenant.database().user());
        out.printf(
                "tables     %s.%s, %s.%s, %s.%s%n",
                names.database(),
                StreamKind.DISASTERS.table(),
                names.database(),
                StreamKind.WEATHER.table(),
                names.database(),
                names.auditTable());
        String source = tenant.processing().encryptionFromDefaults()
                ? "default for classification_level " + tenant.classificationLevel()
                : "processing.encrypt";
        if (tenant.processing().encryptedFields().isEmpty()) {
            out.printf("encrypt    nothing (%s)%n", source);
        } else {
            out.printf(
                    "keys       %s in %s %s%n",
                    tenant.database().encryptionKeyRef(),
                    tenant.keystore().type(),
                    tenant.keystore().path());
        }
        for (EncryptedField f : tenant.processing().encryptedFields()) {
            String column = EncryptableFields.column(f.stream(), f.field()).orElse(f.field());
            boolean randomized = f.mode() == EncryptionMode.RANDOMIZED;
            out.printf(
                    "encrypt    %-48s %-13s %-15s (%s)%n",
                    f.stream().table() + "." + column,
                    f.mode().name().toLowerCase(Locale.ROOT),
                    randomized ? ColumnCipher.GCM : ColumnCipher.GCM_SIV,
                    source);
        }
        out.println();
        out.printf("%-4s %-62s %s%n", "ID", "OPERATOR", "UID");
        List<StreamNode> nodes = new ArrayList<>(streamGraph(config, tenant).getStreamNodes());
        nodes.sort(Comparator.comparingInt(StreamNode::getId));
        for (StreamNode node : nodes) {
            out.printf(
                    "%-4d %-62s %s%n",
                    node.getId(),
                    node.getOperatorName(),
                    node.getTransformationUID() == null ? "(none)" : node.getTransformationUID());
        }
        return 0;
    }

    /** Builds the real graph with the real source and sinks; building connects to nothing, and nothing runs. */
    private static StreamGraph streamGraph(EnclaveConfig config, TenantConfig tenant) {
        return TenantJob.environment(config.global(), tenant).getStreamGraph();
    }
}
