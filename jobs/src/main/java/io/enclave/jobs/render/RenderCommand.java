package io.enclave.jobs.render;

import io.enclave.config.ConfigException;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.jobs.cli.EnclaveCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code enclave render k8s|compose FILE}: deployment manifests rendered from the tenant config. */
@Command(name = "render", description = "Render deployment manifests from a tenant config.",
        subcommands = {RenderCommand.Kubernetes.class, RenderCommand.Compose.class})
public final class RenderCommand {
    /** Exit code for an invalid config, as {@code validate} uses. */
    static final int INVALID_CONFIG = 2;

    /** Options both renderings share. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", description = "Tenant config YAML file.")
        Path file;

        @Option(names = "--out", description = "Output directory (default: target/manifests/k8s or target/manifests/compose).")
        Path out;

        @Option(names = "--image", defaultValue = RenderOptions.DEFAULT_IMAGE,
                description = "Image with Flink 2.2 and /opt/flink/usrlib/enclave-jobs.jar (default: ${DEFAULT-VALUE}).")
        String image;

        @Option(names = "--state-base", defaultValue = RenderOptions.DEFAULT_STATE_BASE,
                description = "Durable URI for checkpoints, savepoints and HA; each tenant gets its own subdirectory"
                        + " (default: ${DEFAULT-VALUE}).")
        String stateBase;

        @Option(names = "--operator-namespace", defaultValue = RenderOptions.DEFAULT_OPERATOR_NAMESPACE,
                description = "Namespace of the Flink Kubernetes Operator (default: ${DEFAULT-VALUE}).")
        String operatorNamespace;

        @Option(names = "--api-server-cidr", defaultValue = "",
                description = "Limit egress to the Kubernetes API server (443/6443) to this address block.")
        String apiServerCidr;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            EnclaveConfig config;
            RenderOptions options;
            try {
                config = TenantConfigLoader.load(file, EnclaveCli.devMode(spec));
                options = new RenderOptions(image, stateBase, operatorNamespace, apiServerCidr);
            } catch (ConfigException | IllegalArgumentException e) {
                err.println(e.getMessage());
                return INVALID_CONFIG;
            }
            Path dir = out != null ? out : Path.of("target", "manifests", defaultDirName());
            render(config, options, dir, spec.commandLine().getOut());
            return 0;
        }

        abstract String defaultDirName();

        abstract void render(EnclaveConfig config, RenderOptions options, Path dir, PrintWriter out)
                throws IOException;

        static void write(Path file, String header, Map<String, Object> document, PrintWriter out)
                throws IOException {
            Files.createDirectories(file.getParent());
            Files.writeString(file, header + YamlDocuments.dump(document));
            out.println("wrote " + file);
        }
    }

    /** One directory per tenant, one file per Kubernetes object. */
    @Command(name = "k8s", description = "Per tenant: Namespace, RBAC, ResourceQuota, NetworkPolicy and a"
            + " FlinkDeployment for the Flink Kubernetes Operator.")
    static final class Kubernetes extends Base {
        @Override
        String defaultDirName() {
            return "k8s";
        }

        @Override
        void render(EnclaveConfig config, RenderOptions options, Path dir, PrintWriter out) throws IOException {
            for (TenantConfig tenant : config.tenants()) {
                KubernetesManifests manifests = KubernetesManifests.of(config, tenant.id(), options);
                String header = "# Rendered by `enclave render k8s` for tenant " + tenant.id() + " ("
                        + (manifests.strict() ? "strict" : "standard") + " isolation). Do not edit: render again.\n";
                for (Map.Entry<String, Map<String, Object>> doc : manifests.documents().entrySet()) {
                    write(dir.resolve(tenant.id()).resolve(doc.getKey()), header, doc.getValue(), out);
                }
            }
        }
    }

    /** One compose file for all tenants, one internal network each. */
    @Command(name = "compose", description = "A compose file with one Flink application cluster and one internal"
            + " network per tenant.")
    static final class Compose extends Base {
        @Override
        String defaultDirName() {
            return "compose";
        }

        @Override
        void render(EnclaveConfig config, RenderOptions options, Path dir, PrintWriter out) throws IOException {
            String header = "# Rendered by `enclave render compose`. Each tenant's config file goes to"
                    + " ./secrets/<tenant>/tenants.yaml\n# and must point at kafka:9092 and"
                    + " jdbc:mysql://starrocks:9030. Do not edit: render again.\n";
            write(dir.resolve("compose.yaml"), header, new ComposeFile(config, options).document(), out);
        }
    }
}
