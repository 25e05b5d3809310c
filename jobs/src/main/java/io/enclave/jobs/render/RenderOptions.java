package io.enclave.jobs.render;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a rendering needs beyond the tenant config: the container image that holds Flink and
 * the job jar, where durable state lives, and where the Flink Kubernetes Operator runs.
 *
 * @param image container image with Flink 2.2 and {@code /opt/flink/usrlib/enclave-jobs.jar}
 * @param stateBase durable file system URI under which each tenant gets its own checkpoint,
 *        savepoint and HA directories, e.g. {@code s3://enclave-flink-state}
 * @param operatorNamespace namespace of the Flink Kubernetes Operator, which must reach the
 *        JobManager's REST port through the NetworkPolicy
 * @param apiServerCidr the Kubernetes API server's address block, to which egress on 443/6443 is
 *        limited; {@code render k8s} refuses to run without it (see {@link KubernetesManifests}),
 *        and no block may cover every address
 */
public record RenderOptions(String image, String stateBase, String operatorNamespace, String apiServerCidr) {
    public static final String DEFAULT_IMAGE = "enclave/flink-jobs:0.1.0";
    public static final String DEFAULT_STATE_BASE = "s3://enclave-flink-state";
    public static final String DEFAULT_OPERATOR_NAMESPACE = "flink-operator";

    // Values end up unquoted in YAML and in Kubernetes fields, so only plain characters are accepted.
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    private static final Pattern URI = Pattern.compile("[a-z][a-z0-9+.-]*://[A-Za-z0-9._/-]+");
    private static final Pattern CIDR = Pattern.compile("([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3}");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public RenderOptions {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(stateBase, "stateBase");
        Objects.requireNonNull(operatorNamespace, "operatorNamespace");
        Objects.requireNonNull(apiServerCidr, "apiServerCidr");
        if (!IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("--image must be a container image reference: " + image);
        }
        if (!URI.matcher(stateBase).matches()) {
            throw new IllegalArgumentException("--state-base must be a URI such as s3://bucket/path: " + stateBase);
        }
        if (!NAMESPACE.matcher(operatorNamespace).matches()) {
            throw new IllegalArgumentException("--operator-namespace must be a Kubernetes name: " + operatorNamespace);
        }
        if (!apiServerCidr.isEmpty() && !CIDR.matcher(apiServerCidr).matches()) {
            throw new IllegalArgumentException("--api-server-cidr must be an address block such as 10.0.0.1/32: "
                    + apiServerCidr);
        }
        // A /0 block is "any address" spelled as a CIDR: the hole the option exists to close.
        if (!apiServerCidr.isEmpty() && apiServerCidr.endsWith("/0")) {
            throw new IllegalArgumentException("--api-server-cidr must name the API server's addresses, not every"
                    + " address: " + apiServerCidr);
        }
        stateBase = stateBase.endsWith("/") ? stateBase.substring(0, stateBase.length() - 1) : stateBase;
    }

    public static RenderOptions defaults() {
        return new RenderOptions(DEFAULT_IMAGE, DEFAULT_STATE_BASE, DEFAULT_OPERATOR_NAMESPACE, "");
    }
}
