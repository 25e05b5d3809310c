package io.enclave.config;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The StarRocks cluster the DDL is written for: which release it runs, how many replicas a
 * table gets and, when known, the backends' CPU core count. StarRocks cannot run here, so the
 * rules below are StarRocks' own, checked in its docs and source (cited where they are used).
 *
 * @param version the release, {@code 3.x} or {@code 3.x.y}; {@code 3.3} means any 3.3 patch, so
 *     it is read as 3.3.0, the oldest one, whose syntax every later 3.3 patch still accepts
 * @param replicationNum replicas per tablet: at most the number of backends, or every CREATE
 *     TABLE fails (StarRocks' default is 3, so a one- or two-BE cluster needs 1 or 2)
 * @param beCpuCores the backends' average CPU core count, or 0 when not configured. StarRocks
 *     refuses a resource group whose {@code cpu_weight} exceeds it (ResourceGroupAnalyzer:
 *     "cpu_weight should range from 0 to avg_be_cpu_cores"); when given, config validation
 *     applies the same rule, so a too-large weight is reported before provisioning
 */
public record StarRocksTarget(String version, int replicationNum, int beCpuCores) implements Serializable {
    /** The releases Enclave's DDL was checked against; earlier ones lack statements it uses. */
    public static final Pattern VERSION = Pattern.compile("3\\.([1-5])(?:\\.(\\d{1,2}))?");

    public static final StarRocksTarget DEFAULT = new StarRocksTarget("3.3", 3, 0);

    public StarRocksTarget {
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("StarRocks version must be 3.1 to 3.5 (optionally 3.x.y): " + version);
        }
        if (replicationNum < 1) {
            throw new IllegalArgumentException("replication_num must be at least 1: " + replicationNum);
        }
        if (beCpuCores < 0) {
            throw new IllegalArgumentException("be_cpu_cores must not be negative: " + beCpuCores);
        }
    }

    /**
     * Whether the resource-group CPU share is spelled {@code cpu_weight}: from 3.3.5 on. Earlier
     * releases only know {@code cpu_core_limit} (StarRocks docs, Resource group: "before v3.3.5
     * this item was named cpu_core_limit"); later ones still accept the old name as an alias
     * (ResourceGroupAnalyzer.analyzeProperties reads CPU_CORE_LIMIT or CPU_WEIGHT), but the
     * documented name is used where it exists.
     */
    public boolean hasCpuWeight() {
        Matcher m = VERSION.matcher(version);
        m.matches();
        int minor = Integer.parseInt(m.group(1));
        int patch = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return minor > 3 || (minor == 3 && patch >= 5);
    }

    /** The resource-group property holding the tenant's CPU share in this release. */
    public String cpuShareProperty() {
        return hasCpuWeight() ? "cpu_weight" : "cpu_core_limit";
    }
}
