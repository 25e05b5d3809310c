package io.enclave.config;

import java.io.Serializable;

/**
 * Broker-side client quotas for each of the tenant's principals, so one tenant cannot starve
 * another's traffic.
 *
 * @param producerByteRate bytes per second a principal may produce
 * @param consumerByteRate bytes per second a principal may fetch
 * @param requestPercentage share of broker request-handler time, in percent
 */
public record KafkaQuotas(long producerByteRate, long consumerByteRate, int requestPercentage) implements Serializable {
    public static final KafkaQuotas DEFAULT = new KafkaQuotas(5L << 20, 10L << 20, 25);
}
