package io.enclave.cli.render;

import io.enclave.config.ApiEndpoints;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.SecurityEnhancements;
import io.enclave.config.TenantConfig;
import io.enclave.ingest.IngestSources;
import io.enclave.ingest.UpstreamApi;
import io.enclave.jobs.TenantIngestJob;
import io.enclave.jobs.TenantJob;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One tenant's Kubernetes manifests for the Flink Kubernetes Operator: its Namespace, the
 * service account native mode needs, a {@code FlinkDeployment} running its job in application
 * mode, a NetworkPolicy and a ResourceQuota. Tenants whose ingest job has an API in scope (see
 * {@link IngestSources#apis}) also get that job as a second {@code FlinkDeployment}, with its
 * own state directories and a second NetworkPolicy that lets its pods alone reach the upstream
 * APIs over the internet. Every name in them is derived from this tenant
 * alone, and credentials appear only as references to Secrets the operator creates in the
 * tenant's namespace, never as values.
 *
 * <p>Tenants with {@code dedicated_processing} or {@code network_isolation} get the strict
 * variant: restricted pod security, pods pinned to nodes tainted for that tenant, egress to
 * Kafka and StarRocks only into namespaces labelled as those services, and a tighter pod quota.
 * Tenants with {@code network_isolation} also run Flink's internal TLS between JobManager and
 * TaskManagers, with a key store and trust store from their own Secret.
 *
 * <p>Native mode and Kubernetes HA talk to the API server, which no pod selector can name, so
 * its egress rule needs an address block: rendering refuses to start without one rather than
 * open 443 and 6443 to every address.
 */
public final class KubernetesManifests {
    /** Secret with the tenant's own config file (global section plus this tenant only), key {@value #CONFIG_KEY}. */
    public static final String CONFIG_SECRET = "enclave-tenant-config";

    public static final String CONFIG_KEY = "tenants.yaml";
    /** Secret whose keys become environment variables, for the {@code ${VAR}} references in the config file. */
    public static final String CREDENTIALS_SECRET = "enclave-credentials";
    /** Secret with the tenant's key store file, key {@value #KEYSTORE_KEY}. */
    public static final String KEYSTORE_SECRET = "enclave-keystore";

    public static final String KEYSTORE_KEY = "keystore.bcfks";
    public static final String CONFIG_DIR = "/opt/enclave/config";
    public static final String KEYSTORE_DIR = "/opt/enclave/keystore";
    /**
     * Secret with the tenant's own Flink internal TLS material: {@value #TLS_KEYSTORE_KEY},
     * {@value #TLS_TRUSTSTORE_KEY} (PKCS#12) and {@value #TLS_PASSWORD_KEY}, the stores' password.
     */
    public static final String INTERNAL_TLS_SECRET = "enclave-flink-internal-tls";

    public static final String TLS_KEYSTORE_KEY = "internal.keystore.p12";
    public static final String TLS_TRUSTSTORE_KEY = "internal.truststore.p12";
    public static final String TLS_PASSWORD_KEY = "password";
    public static final String TLS_DIR = "/opt/enclave/flink-tls";
    /** Environment variable holding the internal TLS stores' password, never a rendered value. */
    public static final String TLS_PASSWORD_ENV = "FLINK_INTERNAL_TLS_PASSWORD";
    /** Why {@code render k8s} needs {@code --api-server-cidr}; printed when it is missing. */
    public static final String API_SERVER_CIDR_REQUIRED = "render k8s needs --api-server-cidr: native mode and"
            + " Kubernetes HA reach the API server on 443/6443, and without its address block the NetworkPolicy would"
            + " open those ports to every address (find it with: kubectl get endpoints kubernetes -n default)";

    public static final String JAR_URI = "local:///opt/flink/usrlib/enclave-jobs.jar";
    public static final String TENANT_LABEL = "enclave.io/tenant";
    /** Node label and taint key of nodes reserved for one tenant (strict variant). */
    public static final String DEDICATED_NODE_KEY = "enclave.io/dedicated-tenant";
    /** Namespace label that marks the shared services strict tenants may reach. */
    public static final String SERVICE_LABEL = "enclave.io/service";
    /** Pod label naming which of the tenant's jobs a pod runs, so a NetworkPolicy can pick the ingest pods. */
    public static final String JOB_LABEL = "enclave.io/job";
    /**
     * Flink's limit on {@code kubernetes.cluster-id} (its {@code Constants.MAXIMUM_CHARACTERS_OF_CLUSTER_ID}),
     * which the operator sets to the FlinkDeployment's name: longer names fail when the cluster starts.
     */
    public static final int MAX_DEPLOYMENT_NAME_LENGTH = 45;
    /** Hex characters of the name's hash kept when a name is shortened: 32 bits. */
    private static final int NAME_HASH_LENGTH = 8;
    /** A DNS-1035 label, which Flink's service names built from the cluster id must be. */
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** Where the metrics reporter listens, on JobManager and TaskManager pods alike. */
    public static final int PROMETHEUS_PORT = 9249;

    private static final int REST_PORT = 8081;
    private static final int DNS_PORT = 53;
    private static final List<Integer> KUBERNETES_API_PORTS = List.of(443, 6443);

    private final TenantConfig tenant;
    private final ServiceEndpoints endpoints;
    private final ApiEndpoints apis;
    private final RenderOptions options;
    private final TenantSizing sizing;
    private final boolean strict;

    private KubernetesManifests(
            TenantConfig tenant, ServiceEndpoints endpoints, ApiEndpoints apis, RenderOptions options) {
        if (options.apiServerCidr().isEmpty()) {
            throw new IllegalArgumentException(API_SERVER_CIDR_REQUIRED);
        }
        this.tenant = tenant;
        this.endpoints = endpoints;
        this.apis = apis;
        this.options = options;
        this.sizing = TenantSizing.of(tenant);
        SecurityEnhancements security = tenant.securityEnhancements();
        this.strict = security.dedicatedProcessing() || security.networkIsolation();
    }

    public static KubernetesManifests of(EnclaveConfig config, String tenantId, RenderOptions options) {
        return new KubernetesManifests(
                config.tenant(tenantId),
                ServiceEndpoints.of(config.global()),
                config.global().apis(),
                options);
    }

    /**
     * The FlinkDeployment name of a job: its Kubernetes name when that fits Flink's
     * {@value #MAX_DEPLOYMENT_NAME_LENGTH} characters, else the longest prefix that leaves room for
     * {@code -} and the first {@value #NAME_HASH_LENGTH} hex digits of the SHA-256 of the full job
     * name. Deterministic, so a second render names the same deployment; distinct job names keep
     * distinct names even when they share a long prefix, and a shortened name (ending in the hash)
     * never equals an unshortened one (ending in the job's kind, {@code processing} or {@code ingest}).
     */
    public static String deploymentName(String jobName) {
        String name = kubernetesName(jobName);
        if (name.length() > MAX_DEPLOYMENT_NAME_LENGTH) {
            String prefix = name.substring(0, MAX_DEPLOYMENT_NAME_LENGTH - NAME_HASH_LENGTH - 1);
            name = prefix.replaceAll("-+$", "") + "-" + sha256Hex(jobName).substring(0, NAME_HASH_LENGTH);
        }
        if (!DNS_1035_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("not a DNS-1035 label: " + name);
        }
        return name;
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Kubernetes names allow no underscore: {@code colorado_state} becomes {@code colorado-state}. */
    public static String kubernetesName(String tenantId) {
        return tenantId.replace('_', '-');
    }

    public static String namespace(String tenantId) {
        return "enclave-" + kubernetesName(tenantId);
    }

    public boolean strict() {
        return strict;
    }

    /** The manifests by file name, in the order {@code kubectl apply} needs them. */
    public Map<String, Map<String, Object>> documents() {
        Map<String, Map<String, Object>> docs = new LinkedHashMap<>();
        docs.put("namespace.yaml", namespaceDoc());
        docs.put("serviceaccount.yaml", serviceAccount());
        docs.put("role.yaml", role());
        docs.put("rolebinding.yaml", roleBinding());
        docs.put("resourcequota.yaml", resourceQuota());
        docs.put("networkpolicy.yaml", networkPolicy());
        docs.put("flinkdeployment.yaml", flinkDeployment(FlinkJob.PROCESSING));
        if (hasIngest()) {
            docs.put("networkpolicy-ingest.yaml", ingestNetworkPolicy());
            docs.put("flinkdeployment-ingest.yaml", flinkDeployment(FlinkJob.INGEST));
        }
        return docs;
    }

    /** Whether the tenant's ingest job has any API in scope, and so is rendered. */
    public boolean hasIngest() {
        return !IngestSources.apis(tenant).isEmpty();
    }

    /** The Flink clusters the tenant runs: its processing job, and its ingest job where it has one. */
    private int clusters() {
        return hasIngest() ? 2 : 1;
    }

    /** The tenant's two kinds of Flink job, each its own application cluster. */
    enum FlinkJob {
        PROCESSING("processing", TenantJob.class.getName(), ""),
        INGEST("ingest", TenantIngestJob.class.getName(), "/ingest");

        final String label;
        final String entryClass;
        /** Below the tenant's state directory; the processing job keeps the top level it always had. */
        final String stateSubdirectory;

        FlinkJob(String label, String entryClass, String stateSubdirectory) {
            this.label = label;
            this.entryClass = entryClass;
            this.stateSubdirectory = stateSubdirectory;
        }

        String jobName(TenantConfig tenant) {
            return this == PROCESSING
                    ? tenant.names().jobName()
                    : tenant.names().ingestJobName();
        }
    }

    private String ns() {
        return namespace(tenant.id());
    }

    private Map<String, Object> metadata(String name, boolean namespaced) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        if (namespaced) {
            meta.put("namespace", ns());
        }
        meta.put("labels", labels());
        return meta;
    }

    private Map<String, Object> labels() {
        return map(
                "app.kubernetes.io/part-of",
                "enclave",
                TENANT_LABEL,
                tenant.id(),
                "enclave.io/isolation",
                strict ? "strict" : "standard");
    }

    private Map<String, Object> namespaceDoc() {
        Map<String, Object> meta = metadata(ns(), false);
        @SuppressWarnings("unchecked")
        Map<String, Object> labels = (Map<String, Object>) meta.get("labels");
        // Pod Security Admission: strict tenants run under "restricted", the others under "baseline".
        String level = strict ? "restricted" : "baseline";
        labels.put("pod-security.kubernetes.io/enforce", level);
        labels.put("pod-security.kubernetes.io/audit", "restricted");
        return map("apiVersion", "v1", "kind", "Namespace", "metadata", meta);
    }

    private Map<String, Object> serviceAccount() {
        return map("apiVersion", "v1", "kind", "ServiceAccount", "metadata", metadata("flink", true));
    }

    /** Native mode: the JobManager creates its TaskManager pods and keeps HA state in ConfigMaps. */
    private Map<String, Object> role() {
        List<Object> rules = List.of(
                map(
                        "apiGroups",
                        List.of(""),
                        "resources",
                        List.of("pods", "configmaps", "services"),
                        "verbs",
                        List.of("get", "list", "watch", "create", "update", "patch", "delete")),
                map(
                        "apiGroups",
                        List.of("apps"),
                        "resources",
                        List.of("deployments"),
                        "verbs",
                        List.of("get", "list", "watch", "create", "update", "patch", "delete")));
        return map(
                "apiVersion",
                "rbac.authorization.k8s.io/v1",
                "kind",
                "Role",
                "metadata",
                metadata("flink", true),
                "rules",
                rules);
    }

    private Map<String, Object> roleBinding() {
        return map(
                "apiVersion",
                "rbac.authorization.k8s.io/v1",
                "kind",
                "RoleBinding",
                "metadata",
                metadata("flink", true),
                "roleRef",
                map("apiGroup", "rbac.authorization.k8s.io", "kind", "Role", "name", "flink"),
                "subjects",
                List.of(map("kind", "ServiceAccount", "name", "flink", "namespace", ns())));
    }

    private Map<String, Object> resourceQuota() {
        String cpu = cpu(clusters() * sizing.quotaCpu());
        String memory = clusters() * sizing.quotaMemoryMb() + "Mi";
        Map<String, Object> hard = map(
                "requests.cpu",
                cpu,
                "limits.cpu",
                cpu,
                "requests.memory",
                memory,
                "limits.memory",
                memory,
                // Per cluster: JobManager + TaskManager, twice during a savepoint upgrade; strict tenants get no spare.
                "pods",
                String.valueOf(clusters() * (strict ? 4 : 6)),
                // Per cluster: the REST and the internal JobManager services, and the HA and config ConfigMaps.
                "services",
                String.valueOf(clusters() * 2),
                "configmaps",
                String.valueOf(clusters() * 10),
                // Secrets are created by the operator team only, never by a job.
                "secrets",
                "5",
                "persistentvolumeclaims",
                "0",
                "services.loadbalancers",
                "0",
                "services.nodeports",
                "0");
        return map(
                "apiVersion",
                "v1",
                "kind",
                "ResourceQuota",
                "metadata",
                metadata("enclave-quota", true),
                "spec",
                map("hard", hard));
    }

    private Map<String, Object> networkPolicy() {
        Map<String, Object> sameNamespace = map("podSelector", map());
        List<Object> ingress = List.of(
                map("from", List.of(sameNamespace)),
                // The operator observes and upgrades the job through the JobManager's REST API.
                map(
                        "from",
                        List.of(namespaceSelector("kubernetes.io/metadata.name", options.operatorNamespace())),
                        "ports",
                        List.of(port("TCP", REST_PORT))));
        List<Object> egress = new ArrayList<>();
        egress.add(map("to", List.of(sameNamespace)));
        egress.add(map(
                "to",
                List.of(map(
                        "namespaceSelector", map("matchLabels", map("kubernetes.io/metadata.name", "kube-system")),
                        "podSelector", map("matchLabels", map("k8s-app", "kube-dns")))),
                "ports",
                List.of(port("UDP", DNS_PORT), port("TCP", DNS_PORT))));
        egress.add(serviceEgress("kafka", endpoints.kafkaPorts()));
        egress.add(serviceEgress("starrocks", endpoints.starRocksPorts()));
        // Native mode and Kubernetes HA talk to the API server, which no pod selector can name: only its block.
        egress.add(map(
                "to",
                List.of(map("ipBlock", map("cidr", options.apiServerCidr()))),
                "ports",
                KUBERNETES_API_PORTS.stream().map(p -> (Object) port("TCP", p)).toList()));
        Map<String, Object> spec = map(
                "podSelector",
                map(),
                "policyTypes",
                List.of("Ingress", "Egress"),
                "ingress",
                ingress,
                "egress",
                egress);
        return map(
                "apiVersion",
                "networking.k8s.io/v1",
                "kind",
                "NetworkPolicy",
                "metadata",
                metadata("enclave-egress-allow-list", true),
                "spec",
                spec);
    }

    /**
     * The ingest pods' extra egress: the upstream APIs' ports on public addresses. No selector can
     * name an internet host, so every address outside the private ranges is allowed, and only for
     * pods labelled as this tenant's ingest job; the processing job's pods stay on the allow-list above.
     */
    private Map<String, Object> ingestNetworkPolicy() {
        List<Object> ports = new ArrayList<>();
        for (UpstreamApi api : IngestSources.apis(tenant)) {
            Object port = port("TCP", upstreamPort(api));
            if (!ports.contains(port)) {
                ports.add(port);
            }
        }
        Map<String, Object> publicAddresses = map(
                "ipBlock",
                map(
                        "cidr",
                        "0.0.0.0/0",
                        "except",
                        List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8")));
        Map<String, Object> spec = map(
                "podSelector",
                map("matchLabels", map(JOB_LABEL, FlinkJob.INGEST.label)),
                "policyTypes",
                List.of("Egress"),
                "egress",
                List.of(map("to", List.of(publicAddresses), "ports", ports)));
        return map(
                "apiVersion",
                "networking.k8s.io/v1",
                "kind",
                "NetworkPolicy",
                "metadata",
                metadata("enclave-ingest-egress", true),
                "spec",
                spec);
    }

    private int upstreamPort(UpstreamApi api) {
        URI uri = URI.create(api == UpstreamApi.OPENFEMA ? apis.openFemaBaseUrl() : apis.nwsBaseUrl());
        return uri.getPort() > 0 ? uri.getPort() : "http".equals(uri.getScheme()) ? 80 : 443;
    }

    private Map<String, Object> serviceEgress(String service, List<Integer> ports) {
        Map<String, Object> rule = new LinkedHashMap<>();
        if (strict) {
            rule.put("to", List.of(namespaceSelector(SERVICE_LABEL, service)));
        }
        rule.put("ports", ports.stream().map(p -> (Object) port("TCP", p)).toList());
        return rule;
    }

    private static Map<String, Object> namespaceSelector(String label, String value) {
        return map("namespaceSelector", map("matchLabels", map(label, value)));
    }

    private static Map<String, Object> port(String protocol, int port) {
        return map("protocol", protocol, "port", port);
    }

    private Map<String, Object> flinkDeployment(FlinkJob flinkJob) {
        String id = tenant.id();
        String stateDir = options.stateBase() + "/" + id + flinkJob.stateSubdirectory;
        Map<String, Object> flinkConf = new LinkedHashMap<>();
        flinkConf.put("taskmanager.numberOfTaskSlots", String.valueOf(sizing.parallelism()));
        new TreeMap<>(TenantSizing.taskManagerMemory(tenant)).forEach(flinkConf::put);
        flinkConf.put("state.backend.type", "rocksdb");
        flinkConf.put("state.backend.incremental", "true");
        flinkConf.put("execution.checkpointing.dir", stateDir + "/checkpoints");
        flinkConf.put("execution.checkpointing.savepoint-dir", stateDir + "/savepoints");
        flinkConf.put(
                "execution.checkpointing.interval", seconds(tenant.processing().checkpointInterval()));
        flinkConf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        flinkConf.put("high-availability.type", "kubernetes");
        flinkConf.put("high-availability.storageDir", stateDir + "/ha");
        flinkConf.put("pipeline.auto-generate-uids", "false");
        flinkConf.put("restart-strategy.type", "exponential-delay");
        flinkConf.put("web.submit.enable", "false");
        flinkConf.put("web.cancel.enable", "false");
        flinkConf.put(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        flinkConf.put("metrics.reporter.prom.port", String.valueOf(PROMETHEUS_PORT));
        // Both kinds of pod report metrics, so both carry the annotations Prometheus discovers scrape targets by.
        String scrape = "prometheus.io/scrape:true,prometheus.io/port:" + PROMETHEUS_PORT;
        flinkConf.put("kubernetes.jobmanager.annotations", scrape);
        flinkConf.put("kubernetes.taskmanager.annotations", scrape);
        boolean internalTls = tenant.securityEnhancements().networkIsolation();
        if (internalTls) {
            flinkConf.putAll(internalTlsFiles());
            // Flink reads these passwords only from its configuration, which the operator keeps in a ConfigMap. So
            // they are passed as dynamic properties on the start command, which native mode runs with bash -c:
            // bash fills them from the Secret-backed variable inside the pod, and no value is ever rendered.
            String passwords = internalTlsPasswordProperties();
            flinkConf.put("kubernetes.jobmanager.entrypoint.args", passwords);
            flinkConf.put("kubernetes.taskmanager.entrypoint.args", passwords);
        }

        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "flink-main-container");
        List<Object> env = new ArrayList<>();
        env.add(map("name", "ENCLAVE_KEYSTORE", "value", KEYSTORE_DIR + "/" + KEYSTORE_KEY));
        List<Object> mounts = new ArrayList<>(List.of(
                map("name", "tenant-config", "mountPath", CONFIG_DIR, "readOnly", true),
                map("name", "keystore", "mountPath", KEYSTORE_DIR, "readOnly", true)));
        if (internalTls) {
            env.add(map(
                    "name",
                    TLS_PASSWORD_ENV,
                    "valueFrom",
                    map("secretKeyRef", map("name", INTERNAL_TLS_SECRET, "key", TLS_PASSWORD_KEY))));
            mounts.add(map("name", "flink-internal-tls", "mountPath", TLS_DIR, "readOnly", true));
        }
        container.put("env", env);
        container.put("envFrom", List.of(map("secretRef", map("name", CREDENTIALS_SECRET))));
        container.put("volumeMounts", mounts);
        container.put(
                "securityContext",
                map(
                        "allowPrivilegeEscalation",
                        false,
                        "runAsNonRoot",
                        true,
                        "capabilities",
                        map("drop", List.of("ALL")),
                        "seccompProfile",
                        map("type", "RuntimeDefault")));

        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("securityContext", map("runAsNonRoot", true, "runAsUser", 9999, "fsGroup", 9999));
        podSpec.put("containers", List.of(container));
        List<Object> volumes = new ArrayList<>(List.of(
                map(
                        "name",
                        "tenant-config",
                        "secret",
                        map("secretName", CONFIG_SECRET, "items", List.of(map("key", CONFIG_KEY, "path", CONFIG_KEY)))),
                map(
                        "name",
                        "keystore",
                        "secret",
                        map(
                                "secretName",
                                KEYSTORE_SECRET,
                                "items",
                                List.of(map("key", KEYSTORE_KEY, "path", KEYSTORE_KEY))))));
        if (internalTls) {
            // The password key is left out of the files: it reaches the pod only as the variable above.
            volumes.add(map(
                    "name",
                    "flink-internal-tls",
                    "secret",
                    map(
                            "secretName",
                            INTERNAL_TLS_SECRET,
                            "items",
                            List.of(
                                    map("key", TLS_KEYSTORE_KEY, "path", TLS_KEYSTORE_KEY),
                                    map("key", TLS_TRUSTSTORE_KEY, "path", TLS_TRUSTSTORE_KEY)))));
        }
        podSpec.put("volumes", volumes);
        if (strict) {
            podSpec.put("nodeSelector", map(DEDICATED_NODE_KEY, id));
            podSpec.put(
                    "tolerations",
                    List.of(map("key", DEDICATED_NODE_KEY, "operator", "Equal", "value", id, "effect", "NoSchedule")));
        }

        Map<String, Object> job = new LinkedHashMap<>();
        job.put("jarURI", JAR_URI);
        job.put("entryClass", flinkJob.entryClass);
        job.put("args", List.of("--config", CONFIG_DIR + "/" + CONFIG_KEY, "--tenant", id));
        job.put("parallelism", sizing.parallelism());
        job.put("upgradeMode", "savepoint");
        job.put("state", "running");
        job.put("allowNonRestoredState", false);

        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("image", options.image());
        spec.put("imagePullPolicy", "IfNotPresent");
        spec.put("flinkVersion", "v2_2");
        spec.put("mode", "native");
        spec.put("serviceAccount", "flink");
        spec.put("flinkConfiguration", flinkConf);
        Map<String, Object> podLabels = labels();
        podLabels.put(JOB_LABEL, flinkJob.label);
        spec.put(
                "podTemplate",
                map("apiVersion", "v1", "kind", "Pod", "metadata", map("labels", podLabels), "spec", podSpec));
        spec.put(
                "jobManager",
                map(
                        "replicas",
                        1,
                        "resource",
                        map("cpu", sizing.jobManagerCpu(), "memory", sizing.jobManagerMemoryMb() + "m")));
        spec.put(
                "taskManager",
                map(
                        "replicas",
                        1,
                        "resource",
                        map("cpu", sizing.taskManagerCpu(), "memory", sizing.taskManagerMemoryMb() + "m")));
        spec.put("job", job);
        return map(
                "apiVersion",
                "flink.apache.org/v1beta1",
                "kind",
                "FlinkDeployment",
                "metadata",
                metadata(deploymentName(flinkJob.jobName(tenant)), true),
                "spec",
                spec);
    }

    /**
     * Flink's internal TLS (RPC, data exchange between TaskManagers, blob server) with the
     * tenant's own stores, mounted at {@value #TLS_DIR}; passwords are set elsewhere, never here.
     */
    static Map<String, String> internalTlsFiles() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("security.ssl.internal.enabled", "true");
        conf.put("security.ssl.internal.keystore", TLS_DIR + "/" + TLS_KEYSTORE_KEY);
        conf.put("security.ssl.internal.keystore-type", "PKCS12");
        conf.put("security.ssl.internal.truststore", TLS_DIR + "/" + TLS_TRUSTSTORE_KEY);
        conf.put("security.ssl.internal.truststore-type", "PKCS12");
        return conf;
    }

    /** The three internal TLS passwords as dynamic properties naming {@value #TLS_PASSWORD_ENV}, for a shell to fill. */
    static String internalTlsPasswordProperties() {
        return List.of("keystore-password", "key-password", "truststore-password").stream()
                .map(key -> "-Dsecurity.ssl.internal." + key + "=\"${" + TLS_PASSWORD_ENV + "}\"")
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static String seconds(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static String cpu(double cores) {
        return cores == Math.rint(cores) ? String.valueOf((long) cores) : String.format(Locale.ROOT, "%.1f", cores);
    }

    /** An insertion-ordered map from alternating keys and values, so manifests read in the usual field order. */
    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
