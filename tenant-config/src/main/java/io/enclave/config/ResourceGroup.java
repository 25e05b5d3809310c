package io.enclave.config;

import java.io.Serializable;

/**
 * The tenant's StarRocks resource group, so one tenant's queries cannot starve another's.
 *
 * @param cpuWeight relative CPU share (StarRocks {@code cpu_weight})
 * @param memLimitPercent share of backend memory, in percent (StarRocks {@code mem_limit})
 */
public record ResourceGroup(int cpuWeight, int memLimitPercent) implements Serializable {
    public static final ResourceGroup DEFAULT = new ResourceGroup(4, 20);
}
