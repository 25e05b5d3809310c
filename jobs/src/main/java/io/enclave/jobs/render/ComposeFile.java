package io.enclave.jobs.render;

import static io.enclave.jobs.render.KubernetesManifests.map;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compose file running every tenant's job as its own Flink application cluster. Each tenant
 * has one {@code internal} network that only its JobManager and TaskManager join, so tenants
 * cannot reach each other and none can reach the outside; the shared Kafka broker and StarRocks
 * join every tenant network, because every job needs them. Tenants without network isolation
 * also get a second, tenant-only network on which their web UI is published on localhost.
 * The tenant's config file is a compose secret read from a file, never inlined.
 */
public final class ComposeFile {
    /** The shared services' names: the config used with this file points at kafka:9092 and starrocks:9030. */
    public static final String KAFKA = "kafka";
    public static final String STARROCKS = "starrocks";
    public static final String KAFKA_IMAGE = "apache/kafka:4.2.0";
    public static final String STARROCKS_IMAGE = "starrocks/allin1-ubuntu:3.5.3";
    private static final int FIRST_UI_PORT = 8081;

    private final EnclaveConfig config;
    private final RenderOptions options;

    public ComposeFile(EnclaveConfig config, RenderOptions options) {
        this.config = config;
        this.options = options;
    }

    public static String internalNetwork(String tenantId) {
        return tenantId + "_internal";
    }

    public static String uiNetwork(String tenantId) {
        return tenantId + "_ui";
    }

    public static String secretName(String tenantId) {
        return tenantId + "_config";
    }

    public Map<String, Object> document() {
        Map<String, Object> services = new LinkedHashMap<>();
        Map<String, Object> networks = new LinkedHashMap<>();
        Map<String, Object> secrets = new LinkedHashMap<>();
        List<String> tenantNetworks = new ArrayList<>();
        int uiPort = FIRST_UI_PORT;
        for (TenantConfig tenant : config.tenants()) {
            String id = tenant.id();
            boolean isolated = tenant.securityEnhancements().networkIsolation()
                    || tenant.securityEnhancements().dedicatedProcessing();
            tenantNetworks.add(internalNetwork(id));
            networks.put(internalNetwork(id), map("internal", true, "labels", tenantLabels(id)));
            secrets.put(secretName(id), map("file", "./secrets/" + id + "/" + KubernetesManifests.CONFIG_KEY));
            List<String> jmNetworks = new ArrayList<>(List.of(internalNetwork(id)));
            Map<String, Object> jobManager = flinkService(tenant, jobManagerCommand(tenant), jmNetworks);
            if (!isolated) {
                networks.put(uiNetwork(id), map("labels", tenantLabels(id)));
                jmNetworks.add(uiNetwork(id));
                jobManager.put("ports", List.of("127.0.0.1:" + uiPort++ + ":8081"));
            }
            jobManager.put("secrets", List.of(map("source", secretName(id), "target", "/opt/enclave/config/"
                    + KubernetesManifests.CONFIG_KEY)));
            services.put(jobManagerName(id), jobManager);
            Map<String, Object> taskManager = flinkService(tenant, List.of("taskmanager"),
                    List.of(internalNetwork(id)));
            taskManager.put("depends_on", List.of(jobManagerName(id)));
            services.put(taskManagerName(id), taskManager);
        }
        services.put(KAFKA, map("image", KAFKA_IMAGE, "restart", "unless-stopped",
                "environment", map("KAFKA_NODE_ID", "1", "KAFKA_PROCESS_ROLES", "broker,controller",
                        "KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093",
                        "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092",
                        "KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER",
                        "KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093",
                        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1"),
                "networks", tenantNetworks));
        services.put(STARROCKS, map("image", STARROCKS_IMAGE, "restart", "unless-stopped",
                "networks", tenantNetworks));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", "enclave");
        doc.put("services", services);
        doc.put("networks", networks);
        doc.put("volumes", volumes());
        doc.put("secrets", secrets);
        return doc;
    }

    public static String jobManagerName(String tenantId) {
        return KubernetesManifests.kubernetesName(tenantId) + "-jobmanager";
    }

    public static String taskManagerName(String tenantId) {
        return KubernetesManifests.kubernetesName(tenantId) + "-taskmanager";
    }

    private Map<String, Object> flinkService(TenantConfig tenant, List<String> command, List<String> networks) {
        String id = tenant.id();
        // The official Flink image reads FLINK_PROPERTIES into its config.yaml at start.
        String properties = String.join("\n",
                "jobmanager.rpc.address: " + jobManagerName(id),
                "taskmanager.numberOfTaskSlots: " + tenant.processing().parallelism(),
                "parallelism.default: " + tenant.processing().parallelism(),
                "state.backend.type: rocksdb",
                "state.backend.incremental: true",
                "execution.checkpointing.dir: file:///opt/flink/state/" + id + "/checkpoints",
                "execution.checkpointing.savepoint-dir: file:///opt/flink/state/" + id + "/savepoints",
                "pipeline.auto-generate-uids: false",
                "web.submit.enable: false",
                "web.cancel.enable: false");
        Map<String, Object> service = new LinkedHashMap<>();
        service.put("image", options.image());
        service.put("command", command);
        service.put("restart", "unless-stopped");
        service.put("labels", tenantLabels(id));
        service.put("environment", map("FLINK_PROPERTIES", properties));
        service.put("volumes", List.of(id + "_state:/opt/flink/state/" + id));
        service.put("networks", networks);
        return service;
    }

    private static List<String> jobManagerCommand(TenantConfig tenant) {
        return List.of("standalone-job", "--job-classname", "io.enclave.jobs.TenantJob",
                "--config", "/opt/enclave/config/" + KubernetesManifests.CONFIG_KEY, "--tenant", tenant.id());
    }

    private static Map<String, Object> tenantLabels(String id) {
        return map(KubernetesManifests.TENANT_LABEL, id);
    }

    /** Named volumes, one per tenant for its checkpoints and savepoints. */
    public Map<String, Object> volumes() {
        Map<String, Object> volumes = new LinkedHashMap<>();
        for (TenantConfig tenant : config.tenants()) {
            volumes.put(tenant.id() + "_state", map("labels", tenantLabels(tenant.id())));
        }
        return volumes;
    }
}
