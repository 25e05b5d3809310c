package io.enclave.jobs.audit;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.crypto.KeyProviderFactory;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@link AuditSubmitter} over the tenant's audit topic: each record signed under the tenant's
 * audit key, written as the tenant's publisher principal with {@code acks=all} and idempotence,
 * and waited for, so a command prints nothing before its record is durable in Kafka. The job
 * chains it whenever it next reads the topic, so commands are audited even while it is down.
 */
public final class KafkaAuditSubmitter implements AuditSubmitter {
    /** How long a command waits for the broker, unless it says otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String tenantId;
    private final KeyProviderFactory keys;
    private final Duration wait;
    private AuditChain signer;

    private KafkaAuditSubmitter(KafkaProducer<byte[], byte[]> producer, String topic, String tenantId,
            KeyProviderFactory keys, Duration wait) {
        this.producer = producer;
        this.wait = wait;
        this.topic = topic;
        this.tenantId = tenantId;
        this.keys = keys;
    }

    /**
     * Reaches the topic now (metadata as the publisher), so a command learns before it acts that
     * it could not be audited; and reads the audit key now if it exists, so a command that
     * destroys it can still sign its own record.
     */
    public static KafkaAuditSubmitter open(GlobalSettings global, TenantConfig tenant, KeyProviderFactory keys)
            throws AuditUnavailableException {
        return open(global, tenant, keys, WAIT);
    }

    /** As {@link #open(GlobalSettings, TenantConfig, KeyProviderFactory)}, waiting at most {@code wait} for the broker. */
    public static KafkaAuditSubmitter open(GlobalSettings global, TenantConfig tenant, KeyProviderFactory keys,
            Duration wait) throws AuditUnavailableException {
        Properties props = KafkaClientLogin.properties(global, tenant.kafkaPublisher());
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        props.setProperty(ProducerConfig.CLIENT_ID_CONFIG, tenant.names().resourcePrefix() + "audit_cli");
        props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(wait.toMillis()));
        props.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(wait.toMillis()));
        props.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(wait.toMillis() / 2));
        String topic = tenant.names().auditTopic();
        KafkaProducer<byte[], byte[]> producer;
        try {
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            throw new AuditUnavailableException("cannot set up the audit producer of tenant " + tenant.id() + ": "
                    + e.getMessage(), e);
        }
        KafkaAuditSubmitter submitter = new KafkaAuditSubmitter(producer, topic, tenant.id(), keys, wait);
        try {
            producer.partitionsFor(topic);
            submitter.signer = submitter.loadSigner();
        } catch (KafkaException e) {
            submitter.close();
            String as = tenant.kafkaPublisher().isPresent() ? " as " + tenant.kafkaPublisher().username()
                    : " (no publisher principal configured)";
            // A broker that is down and a topic never provisioned look alike: no metadata before the timeout.
            String hint = e instanceof org.apache.kafka.common.errors.TimeoutException
                    ? "; is the broker up, and the topic provisioned (./enclave provision --kafka)?" : "";
            throw new AuditUnavailableException("cannot reach the audit topic " + topic + " at "
                    + global.kafkaBootstrapServers() + as + ": " + e.getMessage() + hint, e);
        } catch (KeyUnavailableException e) {
            // A tenant without keys yet: `keys init` creates the audit key, then signs with it.
            submitter.signer = null;
        }
        return submitter;
    }

    private AuditChain loadSigner() {
        return AuditChain.open(keys, tenantId, "the audit submitter of " + tenantId);
    }

    @Override
    public void submit(AuditRecord record) throws AuditUnavailableException {
        if (!tenantId.equals(record.tenantId)) {
            throw new IllegalArgumentException("a record of tenant " + record.tenantId + " submitted to the chain of "
                    + tenantId);
        }
        try {
            if (signer == null) {
                signer = loadSigner();
            }
        } catch (KeyUnavailableException e) {
            throw new AuditUnavailableException("cannot sign the audit record: tenant " + tenantId
                    + " has no audit key (" + e.getMessage() + ")", e);
        }
        byte[] line = AuditSubmission.encode(record, signer);
        try {
            producer.send(new ProducerRecord<>(topic, tenantId.getBytes(StandardCharsets.UTF_8), line))
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new AuditUnavailableException("the audit topic " + topic + " did not accept the record: "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while submitting the audit record to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
