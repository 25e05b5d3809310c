package io.enclave.cli.render;

import io.enclave.cli.ConfigOption;
import io.enclave.cli.EnclaveCli;
import io.enclave.cli.ExitCode;
import io.enclave.config.ConfigException;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave render k8s|compose -c FILE [-t ID]}: deployment manifests rendered from the tenant
 * config. Each rendering declares only the options it uses, so {@code render compose} refuses the
 * Kubernetes-only ones as unknown options (exit 2) instead of ignoring them.
 */
@Command(
        name = "render",
        description = "Render deployment manifests from a tenant config.",
        subcommands = {RenderCommand.Kubernetes.class, RenderCommand.Compose.class})
public final class RenderCommand {
    /** Options both renderings share; the Kubernetes-only ones are declared on {@link Kubernetes}. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOption configFile;

        @Option(
                names = "--out",
                description = "Output directory (default: target/manifests/k8s or target/manifests/compose).")
        Path out;

        @Option(
                names = "--image",
                defaultValue = RenderOptions.DEFAULT_IMAGE,
                description =
                        "Image with Flink 2.2 and /opt/flink/usrlib/enclave-jobs.jar (default: ${DEFAULT-VALUE}).")
        String image;

        @Option(
                names = "--state-base",
                defaultValue = RenderOptions.DEFAULT_STATE_BASE,
                description = "Durable URI for checkpoints, savepoints and HA; each tenant gets its own subdirectory"
                        + " (default: ${DEFAULT-VALUE}).")
        String stateBase;

        @Option(
                names = {"-t", "--tenant"},
                paramLabel = "ID",
                description = "Only this tenant.")
        String tenantId;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            EnclaveConfig config;
            RenderOptions options;
            try {
                config = TenantConfigLoader.load(configFile.file(), EnclaveCli.devMode(spec));
                if (tenantId != null) {
                    config = config.sliceFor(tenantId);
                }
                options = options();
                check(options);
            } catch (ConfigException | IllegalArgumentException | NoSuchElementException e) {
                err.println(e.getMessage());
                return ExitCode.USAGE;
            }
            Path dir = out != null ? out : Path.of("target", "manifests", defaultDirName());
            render(config, options, dir, spec.commandLine().getOut());
            return 0;
        }

        abstract String defaultDirName();

        /** The rendering's options; a rendering without Kubernetes options takes their defaults, which it never uses. */
        RenderOptions options() {
            return new RenderOptions(image, stateBase, RenderOptions.DEFAULT_OPERATOR_NAMESPACE, "");
        }

        /** Refuses, before anything is written, options this rendering cannot keep its isolation with. */
        void check(RenderOptions options) {}

        abstract void render(EnclaveConfig config, RenderOptions options, Path dir, PrintWriter out) throws IOException;

        static void write(Path file, String header, Map<String, Object> document, PrintWriter out) throws IOException {
            Files.createDirectories(file.getParent());
            Files.writeString(file, header + YamlDocuments.dump(document));
            out.println("wrote " + file);
        }
    }

    /** One directory per tenant, one file per Kubernetes object. */
    @Command(
            name = "k8s",
            description = "Per tenant: Namespace, RBAC, ResourceQuota, NetworkPolicy and a"
                    + " FlinkDeployment for the Flink Kubernetes Operator, plus one for the ingest job where the tenant has"
                    + " an API in scope.")
    static final class Kubernetes extends Base {
        @Option(
                names = "--operator-namespace",
                defaultValue = RenderOptions.DEFAULT_OPERATOR_NAMESPACE,
                description = "Namespace of the Flink Kubernetes Operator (default: ${DEFAULT-VALUE}).")
        String operatorNamespace;

        @Option(
                names = "--api-server-cidr",
                defaultValue = "",
                description =
                        "The Kubernetes API server's address block; egress to 443/6443 goes there only. Required.")
        String apiServerCidr;

        @Override
        String defaultDirName() {
            return "k8s";
        }

        @Override
        RenderOptions options() {
            return new RenderOptions(image, stateBase, operatorNamespace, apiServerCidr);
        }

        @Override
        void check(RenderOptions options) {
            if (options.apiServerCidr().isEmpty()) {
                throw new IllegalArgumentException(KubernetesManifests.API_SERVER_CIDR_REQUIRED);
            }
        }

        @Override
        void render(EnclaveConfig config, RenderOptions options, Path dir, PrintWriter out) throws IOException {
            for (TenantConfig tenant : config.tenants()) {
                KubernetesManifests manifests = KubernetesManifests.of(config, tenant.id(), options);
                String header = "# Rendered by `enclave render k8s` for tenant " + tenant.id() + " ("
                        + (manifests.strict() ? "strict" : "standard") + " isolation). Do not edit: render again.\n";
                for (Map.Entry<String, Map<String, Object>> doc :
                        manifests.documents().entrySet()) {
                    write(dir.resolve(tenant.id()).resolve(doc.getKey()), header, doc.getValue(), out);
                }
            }
        }
    }

    /** One compose file for all tenants, one internal network each. */
    @Command(
            name = "compose",
            description = "A compose file with one Flink application cluster and one internal" + " network per tenant.")
    static final class Compose extends Base {
        @Override
        String defaultDirName() {
            return "compose";
        }

        @Override
        void render(EnclaveConfig config, RenderOptions options, Path dir, PrintWriter out) throws IOException {
            String header = """
                    # Rendered by `enclave render compose`. Do not edit: render again. It runs outside development
                    # mode: nothing here sets --dev or ENCLAVE_DEV, and no env file below may set ENCLAVE_DEV.
                    # Files it reads, none of them rendered (how to make them: src/docs/operations.md, compose):
                    #   ./secrets/<tenant>/tenants.yaml       global section plus this tenant only: kafka:9092 with
                    #                                         security_protocol SASL_SSL, sasl_mechanism SCRAM-SHA-512,
                    #                                         client_properties ssl.truststore.type PEM and
                    #                                         ssl.truststore.location %1$s;
                    #                                         jdbc:mysql://starrocks:9030
                    #   ./secrets/<tenant>/keystore.<type>    the tenant's key store
                    #   ./secrets/<tenant>/credentials.env    the tenant's ${VAR} values, each secret 16+ characters
                    #                                         (and FLINK_INTERNAL_TLS_PASSWORD)
                    #   ./secrets/<tenant>/internal.*.p12     Flink internal TLS stores (tenants with network_isolation)
                    #   ./secrets/<tenant>/kafka-ca.crt       the CA that signed the broker's key (PEM), at %1$s
                    #   ./secrets/kafka/broker.keystore.p12   the broker's key and certificate (SAN DNS:kafka), PKCS12
                    #   ./secrets/kafka/broker.keystore.password    its password, alone on one line
                    #   ./secrets/kafka/ca.crt                      the same CA: the broker's trust store
                    #   ./secrets/kafka/kafka_server_jaas.conf      KafkaServer section: PLAIN admin enclave_admin, SCRAM
                    #   ./secrets/provision/tenants.yaml            every tenant, for the one-shot provision service
                    #   ./secrets/provision/kafka-admin.properties  admin client login: SASL_SSL, PLAIN, and
                    #                                               ssl.truststore.type=PEM, ssl.truststore.location=
                    #                                               %1$s
                    #   ./secrets/provision/kafka-ca.crt            the same CA, for provisioning
                    #   ./secrets/provision/provision.env           ENCLAVE_DB_ADMIN_USER/_PASSWORD and every tenant's values
                    """.formatted(ComposeFile.KAFKA_TRUSTSTORE_PATH);

            write(dir.resolve("compose.yaml"), header, new ComposeFile(config, options).document(), out);
        }
    }
}
