package io.enclave.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.cli.CliRun;
import io.enclave.config.DataRestrictions;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StateScope;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.config.TenantNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code enclave render} as a user runs it: the files it writes are parsed back as YAML and
 * checked for the fields the Flink Kubernetes Operator and compose need, for secrets that must
 * never appear, and for any name of another tenant.
 */
class RenderCommandTest {
    private static final Path EXAMPLES = Path.of("..", "..", "tenant-config", "examples", "tenants.yaml");
    private static final String CIDR = "--api-server-cidr";
    private static final String API_SERVER = "10.0.0.1/32";
    /** The rule Flink's service names, and so the FlinkDeployment names, must follow. */
    private static final String DNS_1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
    /** Two of the longest tenant ids ({@code [a-z][a-z0-9_]{1,47}}), the same but for their last character. */
    private static final String LONGEST_ID = "a".repeat(47) + "1";

    private static final String LONGEST_ID_NEIGHBOUR = "a".repeat(47) + "2";
    private static EnclaveConfig config;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadConfig() {
        config = TenantConfigLoader.load(EXAMPLES, Map.of());
    }

    @Test
    void k8sWritesEveryObjectForEveryTenant() {
        CliRun run = run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        assertThat(run.exit()).as(run.err()).isZero();
        for (TenantConfig tenant : config.tenants()) {
            assertThat(dir.resolve(tenant.id()))
                    .isDirectoryContaining("glob:**/namespace.yaml")
                    .isDirectoryContaining("glob:**/flinkdeployment.yaml")
                    .isDirectoryContaining("glob:**/networkpolicy.yaml")
                    .isDirectoryContaining("glob:**/resourcequota.yaml")
                    .isDirectoryContaining("glob:**/serviceaccount.yaml");
            Map<String, Object> ns = load(dir.resolve(tenant.id()).resolve("namespace.yaml"));
            assertThat(ns).containsEntry("kind", "Namespace");
            assertThat(get(ns, "metadata.name"))
                    .isEqualTo("enclave-" + tenant.id().replace('_', '-'));
            assertThat(get(ns, "metadata.labels.enclave\\.io/tenant")).isEqualTo(tenant.id());
        }
        assertThat(run.out()).contains("wrote " + dir.resolve("colorado_state").resolve("flinkdeployment.yaml"));
    }

    @Test
    void flinkDeploymentRunsTheTenantsJobInApplicationModeWithSavepointUpgrades() {
        run(
                "render",
                "k8s",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.toString(),
                "--state-base",
                "s3://state/enclave",
                CIDR,
                API_SERVER);

        Map<String, Object> fd = load(dir.resolve("federal_dhs").resolve("flinkdeployment.yaml"));

        assertThat(fd).containsEntry("apiVersion", "flink.apache.org/v1beta1").containsEntry("kind", "FlinkDeployment");
        assertThat(get(fd, "metadata.name")).isEqualTo("tenant-federal-dhs-emergency-processing");
        assertThat(get(fd, "metadata.namespace")).isEqualTo("enclave-federal-dhs");
        assertThat(get(fd, "spec.flinkVersion")).isEqualTo("v2_2");
        assertThat(get(fd, "spec.mode")).isEqualTo("native");
        // A job section is what makes a FlinkDeployment an application-mode cluster.
        assertThat(get(fd, "spec.job.jarURI")).isEqualTo("local:///opt/flink/usrlib/enclave-jobs.jar");
        assertThat(get(fd, "spec.job.entryClass")).isEqualTo("io.enclave.jobs.TenantJob");
        assertThat(get(fd, "spec.job.args"))
                .isEqualTo(List.of("--config", "/opt/enclave/config/tenants.yaml", "--tenant", "federal_dhs"));
        assertThat(get(fd, "spec.job.upgradeMode")).isEqualTo("savepoint");
        assertThat(get(fd, "spec.job.parallelism")).isEqualTo(2);
        assertThat(get(fd, "spec.taskManager.resource.cpu")).isEqualTo(2.0);
        assertThat(get(fd, "spec.taskManager.resource.memory")).isEqualTo("3072m");
        assertThat(get(fd, "spec.flinkConfiguration.taskmanager\\.numberOfTaskSlots"))
                .isEqualTo("2");
        assertThat(get(fd, "spec.flinkConfiguration.execution\\.checkpointing\\.dir"))
                .isEqualTo("s3://state/enclave/federal_dhs/checkpoints");
        assertThat(get(fd, "spec.flinkConfiguration.execution\\.checkpointing\\.savepoint-dir"))
                .isEqualTo("s3://state/enclave/federal_dhs/savepoints");
        assertThat(get(fd, "spec.flinkConfiguration.high-availability\\.storageDir"))
                .isEqualTo("s3://state/enclave/federal_dhs/ha");
        assertThat(get(fd, "spec.flinkConfiguration.high-availability\\.type")).isEqualTo("kubernetes");
        assertThat(get(fd, "spec.flinkConfiguration.state\\.backend\\.type")).isEqualTo("rocksdb");
        assertThat(get(fd, "spec.flinkConfiguration.pipeline\\.auto-generate-uids"))
                .isEqualTo("false");
        assertThat(get(fd, "spec.flinkConfiguration.web\\.cancel\\.enable")).isEqualTo("false");
    }

    @Test
    void aMemoryBudgetPerSlotSizesTheTaskManagerToHoldExactlyThoseSlots() throws IOException {
        Path config = budgetConfig();
        Path out = dir.resolve("budget");
        run("render", "k8s", "-c", config.toString(), "--out", out.toString(), CIDR, API_SERVER);

        Map<String, Object> fd = load(out.resolve("federal_dhs").resolve("flinkdeployment.yaml"));
        assertThat(get(fd, "spec.taskManager.resource.memory")).isEqualTo("2560m");
        // Flink's own calculation, as the TaskManager pod does it from the rendered configuration and pod memory.
        org.apache.flink.configuration.Configuration flink = new org.apache.flink.configuration.Configuration();
        @SuppressWarnings("unchecked")
        Map<String, Object> conf = (Map<String, Object>) get(fd, "spec.flinkConfiguration");
        conf.forEach((k, v) -> flink.setString(k, String.valueOf(v)));
        flink.setString("taskmanager.memory.process.size", (String) get(fd, "spec.taskManager.resource.memory"));
        var spec = org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.processSpecFromConfig(flink);
        assertThat(spec.getNumSlots()).isEqualTo(2);
        assertThat(spec.getTaskHeapSize().getMebiBytes()).isEqualTo(2 * 512);
        assertThat(spec.getManagedMemorySize().getMebiBytes()).isEqualTo(2 * 256);
        assertThat(spec.getNetworkMemSize().getMebiBytes()).isGreaterThanOrEqualTo(64);
    }

    @Test
    void aMemoryBudgetPerSlotSizesTheComposedTaskManagerAndItsContainerAsTheKubernetesOne() throws IOException {
        Path config = budgetConfig();
        run(
                "render",
                "compose",
                "-c",
                config.toString(),
                "--out",
                dir.resolve("budget").toString());
        Map<String, Object> compose = load(dir.resolve("budget").resolve("compose.yaml"));

        String tm = "services." + ComposeFile.taskManagerName("federal_dhs");
        // The container holds what the Kubernetes pod holds: its process memory and a core a slot.
        assertThat(get(compose, tm + ".mem_limit")).isEqualTo("2560m");
        assertThat(get(compose, tm + ".cpus")).isEqualTo(2.0);
        // Flink's own calculation from FLINK_PROPERTIES, as the image writes them into the TaskManager's config.
        org.apache.flink.configuration.Configuration flink = new org.apache.flink.configuration.Configuration();
        for (String line : ((String) get(compose, tm + ".environment.FLINK_PROPERTIES")).split("\n")) {
            String[] keyValue = line.split(": ", 2);
            flink.setString(keyValue[0], keyValue[1]);
        }
        var spec = org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.processSpecFromConfig(flink);
        assertThat(spec.getNumSlots()).isEqualTo(2);
        assertThat(spec.getTaskHeapSize().getMebiBytes()).isEqualTo(2 * 512);
        assertThat(spec.getManagedMemorySize().getMebiBytes()).isEqualTo(2 * 256);
        assertThat(spec.getTotalProcessMemorySize().getMebiBytes()).isEqualTo(2560);
        // A tenant without a budget keeps Flink's defaults, and its container has no limit set here.
        assertThat(get(compose, "services." + ComposeFile.taskManagerName("colorado_state") + ".mem_limit"))
                .isNull();
    }

    /** The examples, with a memory budget for the tenants of parallelism 2 (federal_dhs among them). */
    private Path budgetConfig() throws IOException {
        Path config = dir.resolve("budget.yaml");
        Files.writeString(
                config,
                Files.readString(EXAMPLES)
                        .replace(
                                "      parallelism: 2\n",
                                "      parallelism: 2\n      memory_per_slot: {task_heap: 512mb, managed: 256mb}\n"));
        return config;
    }

    @Test
    void credentialsAreSecretReferencesAndNoSecretValueIsRendered() throws IOException {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);
        run(
                "render",
                "compose",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.resolve("compose").toString());

        Map<String, Object> fd = load(dir.resolve("colorado_state").resolve("flinkdeployment.yaml"));
        assertThat(get(fd, "spec.podTemplate.spec.volumes[0].secret.secretName"))
                .isEqualTo("enclave-tenant-config");
        assertThat(get(fd, "spec.podTemplate.spec.volumes[1].secret.secretName"))
                .isEqualTo("enclave-keystore");
        assertThat(get(fd, "spec.podTemplate.spec.containers[0].envFrom[0].secretRef.name"))
                .isEqualTo("enclave-credentials");

        List<String> secretValues = new ArrayList<>();
        for (TenantConfig t : config.tenants()) {
            secretValues.add(t.keystore().password().reveal());
            secretValues.add(t.database().password().reveal());
            secretValues.add(t.kafka().password().reveal());
            secretValues.add(t.kafkaPublisher().password().reveal());
        }
        assertThat(secretValues).allSatisfy(v -> assertThat(v).startsWith("dev-only-"));
        for (Path file : renderedFiles()) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain(secretValues);
        }
    }

    @Test
    void strictTenantsGetDedicatedNodesAndEgressOnlyIntoServiceNamespaces() {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        // federal_dhs asks for dedicated processing and network isolation; texas_state for neither.
        Map<String, Object> strict = load(dir.resolve("federal_dhs").resolve("flinkdeployment.yaml"));
        assertThat(get(strict, "spec.podTemplate.spec.nodeSelector.enclave\\.io/dedicated-tenant"))
                .isEqualTo("federal_dhs");
        assertThat(get(strict, "spec.podTemplate.spec.tolerations[0].value")).isEqualTo("federal_dhs");
        assertThat(get(
                        load(dir.resolve("federal_dhs").resolve("namespace.yaml")),
                        "metadata.labels.pod-security\\.kubernetes\\.io/enforce"))
                .isEqualTo("restricted");
        Map<String, Object> strictPolicy = load(dir.resolve("federal_dhs").resolve("networkpolicy.yaml"));
        assertThat(get(strictPolicy, "spec.egress[2].to[0].namespaceSelector.matchLabels.enclave\\.io/service"))
                .isEqualTo("kafka");
        assertThat(get(strictPolicy, "spec.egress[3].to[0].namespaceSelector.matchLabels.enclave\\.io/service"))
                .isEqualTo("starrocks");
        // Two clusters (processing and ingest), each JobManager + TaskManager twice during an upgrade.
        assertThat(get(load(dir.resolve("federal_dhs").resolve("resourcequota.yaml")), "spec.hard.pods"))
                .isEqualTo("8");

        Map<String, Object> standard = load(dir.resolve("texas_state").resolve("flinkdeployment.yaml"));
        assertThat(get(standard, "spec.podTemplate.spec.nodeSelector")).isNull();
        assertThat(get(
                        load(dir.resolve("texas_state").resolve("namespace.yaml")),
                        "metadata.labels.pod-security\\.kubernetes\\.io/enforce"))
                .isEqualTo("baseline");
        Map<String, Object> standardPolicy = load(dir.resolve("texas_state").resolve("networkpolicy.yaml"));
        assertThat(get(standardPolicy, "spec.egress[2].to")).isNull();
        assertThat(get(load(dir.resolve("texas_state").resolve("resourcequota.yaml")), "spec.hard.pods"))
                .isEqualTo("12");
    }

    @Test
    void networkPolicyAllowsEgressOnlyToKafkaStarRocksDnsTheNamespaceAndTheApiServer() {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        Map<String, Object> policy = load(dir.resolve("colorado_state").resolve("networkpolicy.yaml"));

        assertThat(get(policy, "spec.podSelector")).isEqualTo(Map.of());
        assertThat(get(policy, "spec.policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
        @SuppressWarnings("unchecked")
        List<Object> egress = (List<Object>) get(policy, "spec.egress");
        Set<Object> ports = egress.stream()
                .flatMap(rule -> {
                    Object rulePorts = ((Map<?, ?>) rule).get("ports");
                    return rulePorts == null ? Stream.empty() : ((List<?>) rulePorts).stream();
                })
                .map(p -> ((Map<?, ?>) p).get("port"))
                .collect(Collectors.toSet());
        // 9092 from bootstrap_servers, 9030 from jdbc_url, StarRocks FE/BE HTTP, DNS, API server.
        assertThat(ports).containsExactlyInAnyOrder(9092, 9030, 8030, 8040, 53, 443, 6443);
        // The one rule without ports is the tenant's own namespace (JobManager <-> TaskManager).
        assertThat(egress)
                .filteredOn(rule -> !((Map<?, ?>) rule).containsKey("ports"))
                .containsExactly((Object) Map.of("to", List.of(Map.of("podSelector", Map.of()))));
        assertThat(get(policy, "spec.ingress[1].from[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name"))
                .isEqualTo("flink-operator");
        assertThat(get(policy, "spec.ingress[1].ports[0].port")).isEqualTo(8081);
        assertThat(get(policy, "spec.egress[4].to[0].ipBlock.cidr")).isEqualTo(API_SERVER);
    }

    @Test
    void apiServerEgressCanBeLimitedToItsAddressBlock() {
        CliRun run = run(
                "render",
                "k8s",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.toString(),
                "--api-server-cidr",
                "10.0.0.1/32");

        assertThat(run.exit()).as(run.err()).isZero();
        Map<String, Object> policy = load(dir.resolve("colorado_state").resolve("networkpolicy.yaml"));
        assertThat(get(policy, "spec.egress[4].to[0].ipBlock.cidr")).isEqualTo("10.0.0.1/32");
        assertThat(get(policy, "spec.egress[4].ports[1].port")).isEqualTo(6443);
        assertThat(run("render", "k8s", "-c", EXAMPLES.toString(), "--api-server-cidr", "anywhere")
                        .exit())
                .isEqualTo(2);
    }

    @Test
    void resourceQuotaCapsWhatTheTenantsParallelismNeeds() {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        Map<String, Object> quota = load(dir.resolve("fema_region_4").resolve("resourcequota.yaml"));

        assertThat(quota).containsEntry("kind", "ResourceQuota");
        // parallelism 2: JobManager 1 core + TaskManager 2 cores, doubled for a savepoint upgrade, for each of
        // the processing and the ingest cluster.
        assertThat(get(quota, "spec.hard.requests\\.cpu")).isEqualTo("12");
        assertThat(get(quota, "spec.hard.limits\\.memory")).isEqualTo(2 * 2 * (1600 + 3072) + "Mi");
        assertThat(get(quota, "spec.hard.services\\.loadbalancers")).isEqualTo("0");
    }

    @Test
    void noManifestOfOneTenantNamesAnythingOfAnother() throws IOException {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        for (TenantConfig tenant : config.tenants()) {
            List<String> foreign = foreignNames(tenant);
            try (Stream<Path> files = Files.list(dir.resolve(tenant.id()))) {
                for (Path file : files.toList()) {
                    assertThat(Files.readString(file)).as(file.toString()).doesNotContain(foreign);
                }
            }
        }
    }

    @Test
    void composeGivesEachTenantItsOwnInternalNetwork() throws IOException {
        CliRun run = run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();

        Map<String, Object> compose = load(dir.resolve("compose.yaml"));
        Map<?, ?> services = (Map<?, ?>) compose.get("services");
        List<String> tenantNetworks = new ArrayList<>();
        for (TenantConfig tenant : config.tenants()) {
            String id = tenant.id();
            tenantNetworks.add(id + "_internal");
            assertThat(get(compose, "networks." + id + "_internal.internal")).isEqualTo(true);
            for (String service : List.of(ComposeFile.jobManagerName(id), ComposeFile.taskManagerName(id))) {
                Map<?, ?> svc = (Map<?, ?>) services.get(service);
                assertThat(svc).as(service).isNotNull();
                assertThat((List<?>) svc.get("networks"))
                        .as(service)
                        .allSatisfy(n -> assertThat((String) n).startsWith(id + "_"));
                // The service's own definition names nothing of another tenant.
                assertThat(YamlDocuments.dump(Map.of(service, svc))).doesNotContain(foreignNames(tenant));
            }
            assertThat(get(compose, "secrets." + id + "_config.file")).isEqualTo("./secrets/" + id + "/tenants.yaml");
        }
        assertThat(get(compose, "services." + ComposeFile.jobManagerName("federal_dhs") + ".command"))
                .isEqualTo(List.of(
                        "standalone-job",
                        "--job-classname",
                        "io.enclave.jobs.TenantJob",
                        "--config",
                        "/opt/enclave/config/tenants.yaml",
                        "--tenant",
                        "federal_dhs"));
        // Isolated tenants publish nothing; texas_state (no isolation) gets its UI on localhost only.
        assertThat(get(compose, "services.federal-dhs-jobmanager.ports")).isNull();
        assertThat(get(compose, "services.texas-state-jobmanager.ports")).isEqualTo(List.of("127.0.0.1:8081:8081"));
        assertThat(get(compose, "networks.texas_state_ui.internal")).isNull();
        // Kafka and StarRocks are shared: they join every tenant network and the provisioning network, nothing else.
        tenantNetworks.add("enclave_provision");
        assertThat(get(compose, "services.kafka.networks")).isEqualTo(tenantNetworks);
        assertThat(get(compose, "services.starrocks.networks")).isEqualTo(tenantNetworks);
    }

    @Test
    void composeBrokerAuthenticatesEveryClientAndAuthorizesByAclWithOnlyTheAdminAsSuperUser() {
        run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));
        Map<?, ?> env = (Map<?, ?>) get(compose, "services.kafka.environment");

        // Every listener, the clients' and the controller's, is SASL: no PLAINTEXT door on any tenant network.
        Map<String, String> protocols = new java.util.LinkedHashMap<>();
        for (String entry : ((String) env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).split(",")) {
            protocols.put(entry.split(":")[0], entry.split(":")[1]);
        }
        List<String> listeners = Stream.of(((String) env.get("KAFKA_LISTENERS")).split(","))
                .map(l -> l.substring(0, l.indexOf(':')))
                .toList();
        assertThat(listeners)
                .isNotEmpty()
                .allSatisfy(l -> assertThat(protocols.get(l)).as(l).startsWith("SASL_"));
        assertThat((String) env.get("KAFKA_LISTENERS")).contains("CONTROLLER://localhost:");
        assertThat(((String) env.get("KAFKA_SASL_ENABLED_MECHANISMS")).split(","))
                .contains("SCRAM-SHA-512");
        assertThat(env.get("KAFKA_AUTHORIZER_CLASS_NAME"))
                .isEqualTo("org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        assertThat(env.get("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND")).isEqualTo("false");
        assertThat(env.get("KAFKA_SUPER_USERS")).isEqualTo("User:enclave_admin");
        for (TenantConfig tenant : config.tenants()) {
            assertThat((String) env.get("KAFKA_SUPER_USERS"))
                    .doesNotContain(
                            tenant.kafka().username(), tenant.kafkaPublisher().username());
        }
        // The admin's password lives in a secret file, read through KAFKA_OPTS, never in the environment.
        assertThat(env.get("KAFKA_OPTS")).isEqualTo("-Djava.security.auth.login.config=/run/secrets/kafka_jaas");
        assertThat(get(compose, "secrets.kafka_jaas.file")).isEqualTo("./secrets/kafka/kafka_server_jaas.conf");
    }

    @Test
    void composeBrokerServesEveryListenerATenantCanReachOverSaslSslWithItsKeyStoreFromSecretFiles() {
        run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));
        Map<?, ?> env = (Map<?, ?>) get(compose, "services.kafka.environment");

        Map<String, String> protocols = new java.util.LinkedHashMap<>();
        for (String entry : ((String) env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP")).split(",")) {
            protocols.put(entry.split(":")[0], entry.split(":")[1]);
        }
        // A listener bound to no host, or to any host but localhost, is reachable from every tenant network.
        for (String listener : ((String) env.get("KAFKA_LISTENERS")).split(",")) {
            String name = listener.substring(0, listener.indexOf(':'));
            if (!listener.contains("://localhost:")) {
                assertThat(protocols.get(name)).as(listener).isEqualTo("SASL_SSL");
            }
        }
        for (String advertised : ((String) env.get("KAFKA_ADVERTISED_LISTENERS")).split(",")) {
            assertThat(protocols.get(advertised.substring(0, advertised.indexOf(':'))))
                    .as(advertised)
                    .isEqualTo("SASL_SSL");
        }
        assertThat(protocols.get((String) env.get("KAFKA_INTER_BROKER_LISTENER_NAME")))
                .isEqualTo("SASL_SSL");
        // The Kafka image reads the key store and its password from files under /etc/kafka/secrets.
        assertThat(env.get("KAFKA_SSL_KEYSTORE_FILENAME")).isEqualTo("broker.keystore.p12");
        assertThat(env.get("KAFKA_SSL_KEYSTORE_CREDENTIALS")).isEqualTo("broker.keystore.password");
        assertThat(env.get("KAFKA_SSL_KEY_CREDENTIALS")).isEqualTo("broker.keystore.password");
        assertThat(env.keySet()).noneMatch(key -> ((String) key).endsWith("PASSWORD"));
        assertThat(secretMounts(compose, "kafka"))
                .containsEntry("kafka_keystore", "/etc/kafka/secrets/broker.keystore.p12")
                .containsEntry("kafka_keystore_password", "/etc/kafka/secrets/broker.keystore.password")
                .containsEntry("kafka_ca", "/opt/enclave/kafka-tls/ca.crt");
        assertThat(get(compose, "secrets.kafka_keystore.file")).isEqualTo("./secrets/kafka/broker.keystore.p12");
        assertThat(get(compose, "secrets.kafka_keystore_password.file"))
                .isEqualTo("./secrets/kafka/broker.keystore.password");
        assertThat(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION")).isEqualTo("/opt/enclave/kafka-tls/ca.crt");
        // The health check logs in by the name clients use, so it fails as they would on a wrong certificate.
        assertThat(String.valueOf(get(compose, "services.kafka.healthcheck.test")))
                .contains("--bootstrap-server kafka:9092");
    }

    @Test
    void composeMountsTheBrokersCaCertificateOnEveryServiceThatConnectsToKafka() {
        run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));
        Map<?, ?> services = (Map<?, ?>) compose.get("services");

        // Every service but StarRocks is a Kafka client: the tenants' Flink processes, provisioning,
        // and the broker itself (inter-broker login and health check).
        List<String> clients = services.keySet().stream()
                .map(String.class::cast)
                .filter(name -> !name.equals("starrocks"))
                .toList();
        assertThat(clients).contains("kafka", "provision", ComposeFile.taskManagerName("texas_state"));
        for (String service : clients) {
            assertThat(secretMounts(compose, service)).as(service).containsValue("/opt/enclave/kafka-tls/ca.crt");
        }
        for (TenantConfig tenant : config.tenants()) {
            String id = tenant.id();
            for (String service : List.of(ComposeFile.jobManagerName(id), ComposeFile.taskManagerName(id))) {
                assertThat(secretMounts(compose, service))
                        .as(service)
                        .containsEntry(id + "_kafka_ca", "/opt/enclave/kafka-tls/ca.crt");
            }
            assertThat(get(compose, "secrets." + id + "_kafka_ca.file")).isEqualTo("./secrets/" + id + "/kafka-ca.crt");
        }
        assertThat(secretMounts(compose, "provision"))
                .containsEntry("provision_kafka_ca", "/opt/enclave/kafka-tls/ca.crt");
        assertThat(get(compose, "secrets.provision_kafka_ca.file")).isEqualTo("./secrets/provision/kafka-ca.crt");
    }

    @Test
    void composeRendersAndRunsOutsideDevelopmentModeFromAConfigThatUsesSaslSsl() throws IOException {
        Path production = dir.resolve("production.yaml");
        Files.writeString(production, productionConfig());

        CliRun run = CliRun.outsideDevMode("render", "compose", "-c", production.toString(), "--out", dir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));
        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) get(compose, "services.provision.command");
        assertThat(command).contains("provision").doesNotContain("--dev");
        Map<?, ?> services = (Map<?, ?>) compose.get("services");
        for (Map.Entry<?, ?> service : services.entrySet()) {
            Object environment = ((Map<?, ?>) service.getValue()).get("environment");
            if (environment instanceof Map<?, ?> env) {
                assertThat(env.keySet().stream().map(String::valueOf).toList())
                        .as((String) service.getKey())
                        .doesNotContain("ENCLAVE_DEV");
            }
            assertThat(String.valueOf(((Map<?, ?>) service.getValue()).get("command")))
                    .as((String) service.getKey())
                    .doesNotContain("--dev");
        }
        String rendered = Files.readString(dir.resolve("compose.yaml"));
        assertThat(rendered)
                .contains("security_protocol SASL_SSL", "ssl.truststore.location /opt/enclave/kafka-tls/ca.crt")
                .doesNotContain(PRODUCTION_SECRET)
                .doesNotContainIgnoringCase("SASL_PLAINTEXT://");
    }

    @Test
    void composeProvisionsOnceWithTheAdminBeforeAnyTenantJobStarts() {
        run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));

        @SuppressWarnings("unchecked")
        List<String> command = (List<String>) get(compose, "services.provision.command");
        assertThat(command)
                .containsSubsequence(
                        ComposeFile.CLI_HOME + "/bin/enclave", "provision", "-c", "/run/secrets/provision_config");
        assertThat(get(compose, "services.provision.restart")).isEqualTo("no");
        assertThat(get(compose, "services.provision.depends_on.kafka.condition"))
                .isEqualTo("service_healthy");
        assertThat(get(compose, "services.provision.environment.ENCLAVE_KAFKA_ADMIN_CONFIG"))
                .isEqualTo("/run/secrets/kafka_admin");
        // Its own network: the admin credentials never sit on a network a tenant's containers join.
        assertThat(get(compose, "services.provision.networks")).isEqualTo(List.of("enclave_provision"));
        for (TenantConfig tenant : config.tenants()) {
            for (String service :
                    List.of(ComposeFile.jobManagerName(tenant.id()), ComposeFile.taskManagerName(tenant.id()))) {
                assertThat(get(compose, "services." + service + ".depends_on.provision.condition"))
                        .as(service)
                        .isEqualTo("service_completed_successfully");
            }
        }
    }

    @Test
    void composeMountsEachTenantsOwnKeyStoreConfigAndCredentialsOnItsJobManagerAndTaskManagerOnly() {
        run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));
        Map<?, ?> secrets = (Map<?, ?>) compose.get("secrets");
        Map<?, ?> services = (Map<?, ?>) compose.get("services");

        for (TenantConfig tenant : config.tenants()) {
            String id = tenant.id();
            List<String> own = new ArrayList<>(List.of(id + "_config", id + "_keystore", id + "_kafka_ca"));
            if (tenant.securityEnhancements().networkIsolation()) {
                own.addAll(List.of(id + "_flink_tls_keystore", id + "_flink_tls_truststore"));
            }
            for (String service : List.of(ComposeFile.jobManagerName(id), ComposeFile.taskManagerName(id))) {
                Map<?, ?> svc = (Map<?, ?>) services.get(service);
                List<String> sources = ((List<?>) svc.get("secrets"))
                        .stream()
                                .map(m -> (String) ((Map<?, ?>) m).get("source"))
                                .toList();
                assertThat(sources).as(service).containsExactlyInAnyOrderElementsOf(own);
                // Every file it mounts is under the tenant's own secrets directory.
                assertThat(sources)
                        .allSatisfy(source -> assertThat((String) ((Map<?, ?>) secrets.get(source)).get("file"))
                                .as(source)
                                .startsWith("./secrets/" + id + "/"));
                assertThat(get(svc, "secrets[1].target")).isEqualTo("/opt/enclave/keystore/keystore.bcfks");
                assertThat(get(svc, "environment.ENCLAVE_KEYSTORE")).isEqualTo("/opt/enclave/keystore/keystore.bcfks");
                assertThat(get(svc, "env_file")).isEqualTo(List.of("./secrets/" + id + "/credentials.env"));
            }
            assertThat(get(secrets, id + "_keystore.file")).isEqualTo("./secrets/" + id + "/keystore.bcfks");
        }
        // The broker's and provisioning's secrets reach no tenant's container.
        for (Map.Entry<?, ?> service : services.entrySet()) {
            if (!List.of("kafka", "provision").contains(service.getKey())) {
                assertThat(secretMounts(compose, (String) service.getKey()).keySet())
                        .as((String) service.getKey())
                        .doesNotContain(
                                "kafka_admin",
                                "kafka_jaas",
                                "provision_config",
                                "kafka_keystore",
                                "kafka_keystore_password",
                                "kafka_ca",
                                "provision_kafka_ca");
            }
        }
    }

    @Test
    void composeRunsFlinkInternalTlsForTenantsWithNetworkIsolation() {
        run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString());
        Map<String, Object> compose = load(dir.resolve("compose.yaml"));

        assertThat(config.tenants())
                .anyMatch(t -> t.securityEnhancements().networkIsolation())
                .anyMatch(t -> !t.securityEnhancements().networkIsolation());
        for (TenantConfig tenant : config.tenants()) {
            for (String service :
                    List.of(ComposeFile.jobManagerName(tenant.id()), ComposeFile.taskManagerName(tenant.id()))) {
                String properties = (String) get(compose, "services." + service + ".environment.FLINK_PROPERTIES");
                if (tenant.securityEnhancements().networkIsolation()) {
                    assertThat(properties)
                            .as(service)
                            .contains(
                                    "security.ssl.internal.enabled: true",
                                    "security.ssl.internal.keystore: /opt/enclave/flink-tls/internal.keystore.p12",
                                    "security.ssl.internal.truststore: /opt/enclave/flink-tls/internal.truststore.p12",
                                    // Filled inside the container from the tenant's env file; "$$" is compose's escape.
                                    "security.ssl.internal.keystore-password: $${FLINK_INTERNAL_TLS_PASSWORD}",
                                    "security.ssl.internal.key-password: $${FLINK_INTERNAL_TLS_PASSWORD}",
                                    "security.ssl.internal.truststore-password: $${FLINK_INTERNAL_TLS_PASSWORD}");
                } else {
                    assertThat(properties).as(service).doesNotContain("security.ssl.internal");
                }
            }
        }
    }

    @Test
    void k8sRefusesToRenderWithoutTheApiServerAddressBlockOrWithOneCoveringEveryAddress() {
        CliRun missing = run(
                "render",
                "k8s",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.resolve("out").toString());

        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--api-server-cidr", "443/6443");
        assertThat(dir.resolve("out")).doesNotExist();
        for (String everyAddress : List.of("0.0.0.0/0", "::/0")) {
            CliRun open = run(
                    "render",
                    "k8s",
                    "-c",
                    EXAMPLES.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    CIDR,
                    everyAddress);
            assertThat(open.exit()).as(everyAddress).isEqualTo(2);
            assertThat(open.err()).contains("not every address");
            assertThat(dir.resolve("out")).doesNotExist();
        }
    }

    @Test
    void k8sRefusesEveryWayOfWritingAnOpenOrVeryWideApiServerBlock() {
        // Each of these lets a tenant's pods reach 443/6443 on far more than the API server.
        for (String open : List.of(
                "0.0.0.0/00", "::/00", "0.0.0.0/1", "10.0.0.0/8", "10.0.0.0/15", "::/1", "fd00::/48", "10.0.0.0/000")) {
            CliRun run = run(
                    "render",
                    "k8s",
                    "-c",
                    EXAMPLES.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    CIDR,
                    open);

            assertThat(run.exit()).as(open).isEqualTo(2);
            assertThat(run.err()).as(open).contains("not every address nor a block wider than /");
            assertThat(dir.resolve("out")).as(open).doesNotExist();
        }
        // Not an address block at all, or a prefix beyond the address's bits.
        for (String malformed :
                List.of("999.0.0.1/32", "10.0.0.1/33", "fd00::1/129", "fd00:::1/128", "10.0.0.1/016", "localhost/32")) {
            CliRun run = run(
                    "render",
                    "k8s",
                    "-c",
                    EXAMPLES.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    CIDR,
                    malformed);

            assertThat(run.exit()).as(malformed).isEqualTo(2);
            assertThat(run.err()).as(malformed).contains("--api-server-cidr", malformed);
            assertThat(dir.resolve("out")).as(malformed).doesNotExist();
        }
    }

    @Test
    void k8sAcceptsASingleAddressOrANarrowBlockOfEitherFamily() {
        for (String block : List.of("10.0.0.1/32", "172.20.0.0/16", "fd00::1/128", "fd00:1:2:3::/64")) {
            Path out = dir.resolve(block.replaceAll("[^0-9a-f]", "_"));
            CliRun run = run("render", "k8s", "-c", EXAMPLES.toString(), "--out", out.toString(), CIDR, block);

            assertThat(run.exit()).as(run.err()).isZero();
            Map<String, Object> policy = load(out.resolve("colorado_state").resolve("networkpolicy.yaml"));
            assertThat(get(policy, "spec.egress[4].to[0].ipBlock.cidr")).isEqualTo(block);
        }
    }

    @Test
    void noTenantsNetworkPolicyOpensTheApiServerPortsBeyondTheGivenBlock() {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        for (TenantConfig tenant : config.tenants()) {
            Map<String, Object> policy = load(dir.resolve(tenant.id()).resolve("networkpolicy.yaml"));
            List<?> egress = (List<?>) get(policy, "spec.egress");
            List<?> apiRules = egress.stream()
                    .filter(rule -> {
                        Object ports = ((Map<?, ?>) rule).get("ports");
                        return ports != null
                                && ((List<?>) ports)
                                        .stream()
                                                .anyMatch(
                                                        p -> List.of(443, 6443).contains(((Map<?, ?>) p).get("port")));
                    })
                    .toList();
            assertThat(apiRules)
                    .as(tenant.id())
                    .singleElement()
                    .satisfies(rule -> assertThat(((Map<?, ?>) rule).get("to"))
                            .isEqualTo(List.of(Map.of("ipBlock", Map.of("cidr", API_SERVER)))));
        }
    }

    @Test
    void k8sRunsFlinkInternalTlsFromTheTenantsOwnSecretForTenantsWithNetworkIsolation() {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        for (TenantConfig tenant : config.tenants()) {
            Map<String, Object> fd = load(dir.resolve(tenant.id()).resolve("flinkdeployment.yaml"));
            Map<?, ?> conf = (Map<?, ?>) get(fd, "spec.flinkConfiguration");
            // No password is ever a configuration value: the operator keeps configuration in a ConfigMap.
            assertThat(conf.keySet()).as(tenant.id()).noneMatch(k -> ((String) k).endsWith("password"));
            if (!tenant.securityEnhancements().networkIsolation()) {
                assertThat(conf.keySet()).as(tenant.id()).noneMatch(k -> ((String) k).startsWith("security.ssl"));
                assertThat(String.valueOf(get(fd, "spec.podTemplate.spec.volumes")))
                        .doesNotContain("tls");
                continue;
            }
            assertThat(conf.get("security.ssl.internal.enabled"))
                    .as(tenant.id())
                    .isEqualTo("true");
            assertThat(conf.get("security.ssl.internal.keystore"))
                    .isEqualTo("/opt/enclave/flink-tls/internal.keystore.p12");
            assertThat(conf.get("security.ssl.internal.truststore"))
                    .isEqualTo("/opt/enclave/flink-tls/internal.truststore.p12");
            for (String side : List.of("jobmanager", "taskmanager")) {
                assertThat((String) conf.get("kubernetes." + side + ".entrypoint.args"))
                        .as(side)
                        .contains(
                                "-Dsecurity.ssl.internal.keystore-password=\"${FLINK_INTERNAL_TLS_PASSWORD}\"",
                                "-Dsecurity.ssl.internal.key-password=\"${FLINK_INTERNAL_TLS_PASSWORD}\"",
                                "-Dsecurity.ssl.internal.truststore-password=\"${FLINK_INTERNAL_TLS_PASSWORD}\"");
            }
            assertThat(get(fd, "spec.podTemplate.spec.containers[0].env[1]"))
                    .isEqualTo(Map.of(
                            "name",
                            "FLINK_INTERNAL_TLS_PASSWORD",
                            "valueFrom",
                            Map.of("secretKeyRef", Map.of("name", "enclave-flink-internal-tls", "key", "password"))));
            assertThat(get(fd, "spec.podTemplate.spec.volumes[2].secret.secretName"))
                    .isEqualTo("enclave-flink-internal-tls");
            assertThat(get(fd, "spec.podTemplate.spec.containers[0].volumeMounts[2].mountPath"))
                    .isEqualTo("/opt/enclave/flink-tls");
        }
    }

    @Test
    void anInvalidConfigExitsTwoAndWritesNothing() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(EXAMPLES).replace("allowed_states: [CO]", "allowed_states: [XX]"));

        CliRun run = run(
                "render",
                "k8s",
                "-c",
                bad.toString(),
                "--out",
                dir.resolve("out").toString(),
                CIDR,
                API_SERVER);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("tenants.colorado_state.data_restrictions.allowed_states[0]");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void flinkDeploymentNamesOfTheLongestIdsFitFlinksClusterIdLimitAndStayDistinct() throws IOException {
        Path yaml = dir.resolve("longest.yaml");
        Files.writeString(
                yaml,
                Files.readString(EXAMPLES)
                        .replace("colorado_state", LONGEST_ID)
                        .replace("texas_state", LONGEST_ID_NEIGHBOUR));

        CliRun run = run(
                "render",
                "k8s",
                "-c",
                yaml.toString(),
                "--out",
                dir.resolve("a").toString(),
                CIDR,
                API_SERVER);
        run("render", "k8s", "-c", yaml.toString(), "--out", dir.resolve("b").toString(), CIDR, API_SERVER);

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> names = deploymentNames(dir.resolve("a"));
        assertThat(names)
                .hasSize(2 * config.tenants().size())
                .doesNotHaveDuplicates()
                .allSatisfy(
                        name -> assertThat(name).hasSizeLessThanOrEqualTo(45).matches(DNS_1035_LABEL));
        // Deterministic: rendering again names the same deployments, so kubectl apply updates them in place.
        assertThat(deploymentNames(dir.resolve("b"))).isEqualTo(names);
        String longest = (String)
                get(load(dir.resolve("a").resolve(LONGEST_ID).resolve("flinkdeployment.yaml")), "metadata.name");
        assertThat(longest).hasSize(45).startsWith("tenant-aaaa").matches(".*-[0-9a-f]{8}");
        // Names that already fit are left as they were.
        assertThat(names).contains("tenant-federal-dhs-emergency-processing", "tenant-federal-dhs-ingest");
    }

    @Test
    void everyTenantIdLengthGetsDeploymentNamesWithinTheLimitDistinctFromItsNeighbours() {
        Set<String> seen = new HashSet<>();
        for (int length = 2; length <= 48; length++) {
            for (char last : new char[] {'0', '9', '_', 'z'}) {
                TenantNames names = new TenantNames("t".repeat(length - 1) + last, "db");
                for (String job : List.of(names.jobName(), names.ingestJobName())) {
                    String name = KubernetesManifests.deploymentName(job);
                    assertThat(name).as(job).hasSizeLessThanOrEqualTo(45).matches(DNS_1035_LABEL);
                    assertThat(seen.add(name))
                            .as("%s is named %s, as another job is", job, name)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void taskManagerPodsCarryTheSamePrometheusScrapeAnnotationsAsTheJobManager() {
        run("render", "k8s", "-c", EXAMPLES.toString(), "--out", dir.toString(), CIDR, API_SERVER);

        for (String file : List.of("flinkdeployment.yaml", "flinkdeployment-ingest.yaml")) {
            Map<String, Object> fd = load(dir.resolve("texas_state").resolve(file));
            String port = (String) get(fd, "spec.flinkConfiguration.metrics\\.reporter\\.prom\\.port");
            assertThat(get(fd, "spec.flinkConfiguration.kubernetes\\.taskmanager\\.annotations"))
                    .as(file)
                    .isEqualTo("prometheus.io/scrape:true,prometheus.io/port:" + port);
            assertThat(get(fd, "spec.flinkConfiguration.kubernetes\\.jobmanager\\.annotations"))
                    .as(file)
                    .isEqualTo("prometheus.io/scrape:true,prometheus.io/port:" + port);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theIngestJobIsItsOwnFlinkDeploymentWithItsOwnStateAndTheOnlyPodsThatReachTheUpstreamApis() {
        CliRun run = run(
                "render",
                "k8s",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.toString(),
                "--state-base",
                "s3://state/enclave",
                CIDR,
                API_SERVER);

        assertThat(run.exit()).as(run.err()).isZero();
        Map<String, Object> fd = load(dir.resolve("federal_dhs").resolve("flinkdeployment-ingest.yaml"));
        assertThat(fd).containsEntry("kind", "FlinkDeployment");
        assertThat(get(fd, "metadata.name")).isEqualTo("tenant-federal-dhs-ingest");
        assertThat(get(fd, "metadata.namespace")).isEqualTo("enclave-federal-dhs");
        assertThat(get(fd, "spec.job.entryClass")).isEqualTo("io.enclave.jobs.TenantIngestJob");
        assertThat(get(fd, "spec.job.args"))
                .isEqualTo(List.of("--config", "/opt/enclave/config/tenants.yaml", "--tenant", "federal_dhs"));
        assertThat(get(fd, "spec.job.upgradeMode")).isEqualTo("savepoint");
        // Its own checkpoints and HA state: two clusters sharing one HA directory would take each other's leadership.
        assertThat(get(fd, "spec.flinkConfiguration.execution\\.checkpointing\\.dir"))
                .isEqualTo("s3://state/enclave/federal_dhs/ingest/checkpoints");
        assertThat(get(fd, "spec.flinkConfiguration.high-availability\\.storageDir"))
                .isEqualTo("s3://state/enclave/federal_dhs/ingest/ha");
        assertThat(get(fd, "spec.podTemplate.metadata.labels.enclave\\.io/job")).isEqualTo("ingest");
        // Strict tenants' ingest pods are pinned to their own nodes too.
        assertThat(get(fd, "spec.podTemplate.spec.nodeSelector.enclave\\.io/dedicated-tenant"))
                .isEqualTo("federal_dhs");
        Map<String, Object> processing = load(dir.resolve("federal_dhs").resolve("flinkdeployment.yaml"));
        assertThat(get(processing, "spec.podTemplate.metadata.labels.enclave\\.io/job"))
                .isEqualTo("processing");

        Map<String, Object> policy = load(dir.resolve("federal_dhs").resolve("networkpolicy-ingest.yaml"));
        assertThat(get(policy, "spec.podSelector"))
                .isEqualTo(Map.of("matchLabels", Map.of("enclave.io/job", "ingest")));
        assertThat(get(policy, "spec.policyTypes")).isEqualTo(List.of("Egress"));
        assertThat(get(policy, "spec.egress[0].ports")).isEqualTo(List.of(Map.of("protocol", "TCP", "port", 443)));
        assertThat((List<Object>) get(policy, "spec.egress[0].to[0].ipBlock.except"))
                .contains("10.0.0.0/8");
    }

    @Test
    void aTenantWithNoApiInScopeGetsNoIngestDeployment() {
        // allowed_states cannot be empty in a config file, so this tenant is built as the binder never would.
        TenantConfig t = config.tenant("texas_state");
        TenantConfig noScope = new TenantConfig(
                t.id(),
                t.organization(),
                t.classificationLevel(),
                t.database(),
                t.kafka(),
                t.kafkaPublisher(),
                t.kafkaQuotas(),
                t.resourceGroup(),
                t.apiAccess(),
                new DataRestrictions(
                        StateScope.of(Set.of()), t.dataRestrictions().allowedClassifications()),
                t.auditRequirements(),
                t.securityEnhancements(),
                t.processing(),
                t.keystore());
        EnclaveConfig withoutIngest = new EnclaveConfig(config.global(), List.of(noScope));
        RenderOptions options = new RenderOptions(
                RenderOptions.DEFAULT_IMAGE,
                RenderOptions.DEFAULT_STATE_BASE,
                RenderOptions.DEFAULT_OPERATOR_NAMESPACE,
                API_SERVER);

        KubernetesManifests manifests = KubernetesManifests.of(withoutIngest, "texas_state", options);

        assertThat(manifests.hasIngest()).isFalse();
        assertThat(manifests.documents())
                .containsKey("flinkdeployment.yaml")
                .doesNotContainKeys("flinkdeployment-ingest.yaml", "networkpolicy-ingest.yaml");
        assertThat(get(manifests.documents().get("resourcequota.yaml"), "spec.hard.pods"))
                .isEqualTo("6");
    }

    @Test
    void tenantOptionRendersThatTenantOnly() throws IOException {
        CliRun k8s = run(
                "render",
                "k8s",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.resolve("k8s").toString(),
                CIDR,
                API_SERVER,
                "--tenant",
                "texas_state");
        CliRun compose = run(
                "render",
                "compose",
                "-c",
                EXAMPLES.toString(),
                "--out",
                dir.resolve("compose").toString(),
                "-t",
                "colorado_state");

        assertThat(k8s.exit()).as(k8s.err()).isZero();
        try (Stream<Path> tenants = Files.list(dir.resolve("k8s"))) {
            assertThat(tenants.map(p -> p.getFileName().toString())).containsExactly("texas_state");
        }
        assertThat(compose.exit()).as(compose.err()).isZero();
        Map<?, ?> services =
                (Map<?, ?>) load(dir.resolve("compose").resolve("compose.yaml")).get("services");
        assertThat(services.keySet().stream().map(String::valueOf).toList())
                .contains("colorado-state-jobmanager", "colorado-state-taskmanager", "kafka")
                .doesNotContain("texas-state-jobmanager", "federal-dhs-jobmanager");
    }

    @Test
    void anUnknownTenantExitsTwoWithOneLineAndWritesNothing() {
        for (String kind : List.of("k8s", "compose")) {
            Path out = dir.resolve(kind);
            List<String> args = new ArrayList<>(
                    List.of("render", kind, "-c", EXAMPLES.toString(), "--out", out.toString(), "--tenant", "nobody"));
            if (kind.equals("k8s")) {
                args.addAll(List.of(CIDR, API_SERVER));
            }
            CliRun run = run(args.toArray(String[]::new));

            assertThat(run.exit()).as(kind).isEqualTo(2);
            assertThat(run.err().lines())
                    .as(kind)
                    .containsExactly(
                            "no tenant 'nobody' in the config; known tenants: " + String.join(", ", tenantIds()));
            assertThat(out).as(kind).doesNotExist();
        }
    }

    @Test
    void composeHasOnlyComposeOptionsAndRefusesTheKubernetesOnes() {
        CliRun help = run("render", "compose", "--help");
        CliRun k8sHelp = run("render", "k8s", "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out())
                .contains("--out", "--image", "--state-base", "--tenant")
                .doesNotContain("--api-server-cidr", "--operator-namespace");
        assertThat(k8sHelp.out()).contains("--api-server-cidr", "--operator-namespace", "--tenant");
        for (String option : List.of("--api-server-cidr=10.0.0.1/32", "--operator-namespace=flink")) {
            CliRun run = run("render", "compose", "-c", EXAMPLES.toString(), "--out", dir.toString(), option);
            assertThat(run.exit()).as(option).isEqualTo(2);
            assertThat(run.err()).as(option).contains("Unknown option: '" + option + "'");
            assertThat(dir.resolve("compose.yaml")).doesNotExist();
        }
    }

    private static final String PRODUCTION_SECRET = "rendered-compose-secret-";

    /**
     * The example config as an operator would write it for compose outside development mode:
     * SASL_SSL with the broker's CA as trust store, and every secret a strong literal value.
     */
    private static String productionConfig() throws IOException {
        String yaml = Files.readString(EXAMPLES)
                .replace("${KAFKA_SECURITY_PROTOCOL:-PLAINTEXT}", "SASL_SSL")
                .replace("${KAFKA_BOOTSTRAP:-localhost:9092}", "kafka:9092")
                .replace("${STARROCKS_JDBC_URL:-jdbc:mysql://localhost:9030}", "jdbc:mysql://starrocks:9030")
                .replace(
                        "client_properties: {}",
                        "client_properties: {ssl.truststore.type: PEM, ssl.truststore.location: /opt/enclave/kafka-tls/ca.crt}");
        yaml = yaml.replaceAll("\\$\\{([A-Z0-9_]+):-dev-only-[^}]*}", PRODUCTION_SECRET + "$1");
        return yaml.replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1");
    }

    /** A service's compose secrets as source to target; short entries mount at /run/secrets/<source>. */
    private static Map<String, String> secretMounts(Map<String, Object> compose, String service) {
        Map<String, String> mounts = new java.util.LinkedHashMap<>();
        Object secrets = get(compose, "services." + service + ".secrets");
        for (Object entry : secrets == null ? List.of() : (List<?>) secrets) {
            if (entry instanceof Map<?, ?> mount) {
                mounts.put((String) mount.get("source"), (String) mount.get("target"));
            } else {
                mounts.put((String) entry, "/run/secrets/" + entry);
            }
        }
        return mounts;
    }

    private static List<String> foreignNames(TenantConfig tenant) {
        List<String> names = new ArrayList<>();
        for (TenantConfig other : config.tenants()) {
            if (!other.id().equals(tenant.id())) {
                names.addAll(List.of(
                        other.id(),
                        other.id().replace('_', '-'),
                        other.database().schema(),
                        other.database().user(),
                        other.kafka().username()));
            }
        }
        return names;
    }

    private static List<String> tenantIds() {
        return config.tenants().stream().map(TenantConfig::id).toList();
    }

    /** The names of every FlinkDeployment under {@code root}, in file order. */
    private static List<String> deploymentNames(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith("flinkdeployment"))
                    .sorted()
                    .map(f -> (String) get(load(f), "metadata.name"))
                    .toList();
        }
    }

    private List<Path> renderedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Path file) {
        try {
            return (Map<String, Object>) new Yaml().load(Files.readString(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A dotted path into parsed YAML; {@code \\.} is a literal dot in a key, {@code [i]} a list index. */
    private static Object get(Object node, String path) {
        Object current = node;
        for (String part : path.split("(?<!\\\\)\\.")) {
            String key = part.replace("\\.", ".");
            int index = -1;
            if (key.endsWith("]")) {
                index = Integer.parseInt(key.substring(key.lastIndexOf('[') + 1, key.length() - 1));
                key = key.substring(0, key.lastIndexOf('['));
            }
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
            if (index >= 0) {
                if (!(current instanceof List<?> list) || index >= list.size()) {
                    return null;
                }
                current = list.get(index);
            }
        }
        return current;
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
