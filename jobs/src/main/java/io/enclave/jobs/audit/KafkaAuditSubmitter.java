package io.enclave.jobs.audit;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigner;
import io.enclave.operators.audit.AuditSignerFactory;
import io.enclave.operators.audit.AuditSubmission;
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
 * {@link AuditSubmitter} over the tenant's audit topic: each record signed with the submitter's
 * own Ed25519 key (the CLI's; never the job's) under a fresh submission id, written as the tenant's publisher principal with {@code acks=all} and idempotence,
 * and waited for, so a command prints nothing before its record is durable in Kafka. The job
 * chains it whenever it next reads the topic, so commands are audited even while it is down.
 */
public final class KafkaAuditSubmitter implements AuditSubmitter {
    /** How long a command waits for the broker, unless it says otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String tenantId;
    private final AuditSignerFactory keys;
    private final Duration wait;
    private AuditSigner signer;

    private KafkaAuditSubmitter(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            String tenantId,
            AuditSignerFactory keys,
            Duration wait) {
        this.producer = producer;
        this.wait = wait;
        this.topic = topic;
        this.tenantId = tenantId;
        this.keys = keys;
    }

    /**
     * Reaches the topic now (metadata as the publisher), so a command learns before it acts that
     * it could not be audited; and reads the signing key now if it exists, so a command that
     * rotates it still signs its own record with the key it held when it started.
     */
    public static KafkaAuditSubmitter open(GlobalSettings global, TenantConfig tenant, AuditSignerFactory keys)
            throws AuditUnavailableException {
        return open(global, tenant, keys, WAIT);
    }

    /** As {@link #open(GlobalSettings, TenantConfig, AuditSignerFactory)}, waiting at most {@code wait} for the broker. */
    public static KafkaAuditSubmitter open(
            GlobalSettings global, TenantConfig tenant, AuditSignerFactory keys, Duration wait)
            throws AuditUnavailableException {
        String as = tenant.kafkaPublisher().isPresent()
                ? " as " + tenant.kafkaPublisher().username()
                : " (no publisher principal configured)";
        return open(global, tenant, keys, wait, KafkaClientLogin.properties(global, tenant.kafkaPublisher()), as);
    }

    /**
     * As {@link #open(GlobalSettings, TenantConfig, AuditSignerFactory, Duration)}, logged in with {@code login}
     * (a Kafka admin's client properties) rather than as the publisher: a quarantine denies the publisher the audit
     * topic too, so the commands that contain and release the tenant submit their records as the admin. The record
     * is signed with the same key either way; the job trusts the signature, not the principal.
     */
    public static KafkaAuditSubmitter open(
            GlobalSettings global, TenantConfig tenant, AuditSignerFactory keys, Duration wait, Properties login)
            throws AuditUnavailableException {
        return open(global, tenant, keys, wait, login, " as the Kafka admin");
    }

    private static KafkaAuditSubmitter open(
            GlobalSettings global,
            TenantConfig tenant,
            AuditSignerFactory keys,
            Duration wait,
            Properties login,
            String as)
            throws AuditUnavailableException {
        Properties props = new Properties();
        props.putAll(login);
        // An admin's properties may name its own listener; a publisher's login names none.
        props.putIfAbsent(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
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
            throw new AuditUnavailableException(
                    "cannot set up the audit producer of tenant " + tenant.id() + ": " + e.getMessage(), e);
        }
        KafkaAuditSubmitter submitter = new KafkaAuditSubmitter(producer, topic, tenant.id(), keys, wait);
        try {
            producer.partitionsFor(topic);
            submitter.signer = submitter.loadSigner();
        } catch (KafkaException e) {
            submitter.close();
            // A broker that is down and a topic never provisioned look alike: no metadata before the timeout.
            String hint = e instanceof org.apache.kafka.common.errors.TimeoutException
                    ? "; is the broker up, and the topic provisioned (./enclave provision --kafka)?"
                    : "";
            throw new AuditUnavailableException(
                    "cannot reach the audit topic " + topic + " at " + global.kafkaBootstrapServers() + as + ": "
                            + e.getMessage() + hint,
                    e);
        } catch (KeyUnavailableException e) {
            // A tenant without keys yet: `keys init` creates the signing keys, then signs with them.
            submitter.signer = null;
        }
        return submitter;
    }

    private AuditSigner loadSigner() {
        AuditSigner s = keys.open();
        if (!s.keyId().startsWith(tenantId + "/")) {
            throw new IllegalStateException("the audit submitter of " + tenantId + " was given the key " + s.keyId());
        }
        return s;
    }

    /** The key this submitter signs with; opened now if it was not yet. */
    public AuditSigner signer() throws AuditUnavailableException {
        try {
            if (signer == null) {
                signer = loadSigner();
            }
            return signer;
        } catch (KeyUnavailableException e) {
            throw new AuditUnavailableException(
                    "cannot sign the audit record: tenant " + tenantId + " has no signing key (" + e.getMessage() + ")",
                    e);
        }
    }

    @Override
    public void submit(AuditRecord record) throws AuditUnavailableException {
        submit(record, signer());
    }

    /** Submits {@code record} signed by {@code as}: a key rotation is signed by the key it replaces. */
    public void submit(AuditRecord record, AuditSigner as) throws AuditUnavailableException {
        if (!tenantId.equals(record.tenantId)) {
            throw new IllegalArgumentException(
                    "a record of tenant " + record.tenantId + " submitted to the chain of " + tenantId);
        }
        byte[] line = AuditSubmission.encode(record, as);
        try {
            producer.send(new ProducerRecord<>(topic, tenantId.getBytes(StandardCharsets.UTF_8), line))
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new AuditUnavailableException(
                    "the audit topic " + topic + " did not accept the record: " + cause.getMessage(), cause);
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
