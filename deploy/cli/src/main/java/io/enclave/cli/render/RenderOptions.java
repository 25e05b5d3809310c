package io.enclave.cli.render;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
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
 *        and no block may be wider than /16 (IPv4) or /64 (IPv6)
 */
public record RenderOptions(String image, String stateBase, String operatorNamespace, String apiServerCidr) {
    public static final String DEFAULT_IMAGE = "enclave/flink-jobs:0.1.0";
    public static final String DEFAULT_STATE_BASE = "s3://enclave-flink-state";
    public static final String DEFAULT_OPERATOR_NAMESPACE = "flink-operator";

    // Values end up unquoted in YAML and in Kubernetes fields, so only plain characters are accepted.
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    private static final Pattern URI = Pattern.compile("[a-z][a-z0-9+.-]*://[A-Za-z0-9._/-]+");
    private static final Pattern CIDR = Pattern.compile(
            "(?<address>([0-9]{1,3}\\.){3}[0-9]{1,3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)/(?<prefix>[0-9]{1,3})");
    /** The shortest prefix lengths accepted: an API server needs no block wider than these. */
    private static final int MIN_IPV4_PREFIX = 16;

    private static final int MIN_IPV6_PREFIX = 64;
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
        if (!apiServerCidr.isEmpty()) {
            checkApiServerCidr(apiServerCidr);
        }
        stateBase = stateBase.endsWith("/") ? stateBase.substring(0, stateBase.length() - 1) : stateBase;
    }

    /**
     * Refuses a block that is not an address and a prefix length, or that is so wide it covers far
     * more than one cluster's API server: /0 is "any address" spelled as a CIDR, the hole the
     * option exists to close, and /1 or /00 is the same hole written differently.
     */
    private static void checkApiServerCidr(String cidr) {
        Matcher parts = CIDR.matcher(cidr);
        if (!parts.matches() || !isAddress(parts.group("address"))) {
            throw new IllegalArgumentException(
                    "--api-server-cidr must be an address block such as 10.0.0.1/32: " + cidr);
        }
        boolean ipv6 = parts.group("address").contains(":");
        int bits = ipv6 ? 128 : 32;
        int minPrefix = ipv6 ? MIN_IPV6_PREFIX : MIN_IPV4_PREFIX;
        int prefix = Integer.parseInt(parts.group("prefix"));
        if (prefix > bits) {
            throw new IllegalArgumentException("--api-server-cidr has a prefix length above /" + bits + ": " + cidr);
        }
        if (prefix < minPrefix) {
            throw new IllegalArgumentException("--api-server-cidr must name the API server's addresses, not every"
                    + " address nor a block wider than /" + minPrefix + " for IPv" + (ipv6 ? 6 : 4) + ": " + cidr);
        }
        // Checked after the width, so /00 is reported as the open block it is.
        if (parts.group("prefix").length() > 1 && parts.group("prefix").startsWith("0")) {
            throw new IllegalArgumentException(
                    "--api-server-cidr must write its prefix length without leading" + " zeros: " + cidr);
        }
    }

    /**
     * True for an IPv4 address in four decimal octets or an IPv6 address. The text holds only digits,
     * dots, hexadecimal letters and colons (see {@link #CIDR}), so {@link InetAddress} parses it as a
     * literal and never asks DNS.
     */
    private static boolean isAddress(String address) {
        if (!address.contains(":")) {
            return Arrays.stream(address.split("\\."))
                    .allMatch(octet -> octet.length() <= 3 && Integer.parseInt(octet) <= 255);
        }
        try {
            return InetAddress.getByName(address) != null;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public static RenderOptions defaults() {
        return new RenderOptions(DEFAULT_IMAGE, DEFAULT_STATE_BASE, DEFAULT_OPERATOR_NAMESPACE, "");
    }
}
