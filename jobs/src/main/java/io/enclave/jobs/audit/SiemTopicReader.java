package io.enclave.jobs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.KafkaCredentials;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.SiemHeadSerializer;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditJson;
import io.enclave.sinks.AuditSiemComparison.SiemCopy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one tenant's copy of its audit chain from the SIEM topic, for {@code audit verify --siem} and
 * {@code status} (or several tenants' copies at once, for {@code respond}):
 * every partition from its beginning to the end offsets taken when the read starts, with
 * {@code isolation.level=read_committed} so an aborted write never counts, without a consumer
 * group (nothing is committed, nobody else's position moves). Lines keyed by another tenant are
 * skipped; a line of this tenant that does not parse is kept as unreadable, never dropped.
 */
public final class SiemTopicReader {
    private SiemTopicReader() {}

    /**
     * The tenant's records and heads on {@code global.siem_topic}, read with the tenant's Kafka
     * login; gives up after {@code timeout} without an answer from the broker.
     *
     * @throws AuditUnavailableException when the broker cannot be reached or the topic read in time
     */
    public static SiemCopy read(GlobalSettings global, TenantConfig tenant, Duration timeout)
            throws AuditUnavailableException {
        return read(global, tenant.kafka(), tenant, timeout);
    }

    /**
     * The same, read as {@code login}: the auditor principal ({@code global.audit.auditor}), which
     * provisioning lets read the SIEM topic and nothing of any tenant's.
     *
     * @throws AuditUnavailableException when the broker cannot be reached, refuses {@code login}, or the topic is
     *     not read in time
     */
    public static SiemCopy read(GlobalSettings global, KafkaCredentials login, TenantConfig tenant, Duration timeout)
            throws AuditUnavailableException {
        Properties props = KafkaClientLogin.properties(global, login);
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, tenant.names().resourcePrefix() + "audit_verify_siem");
        return read(global, props, List.of(tenant.id()), timeout).get(tenant.id());
    }

    /**
     * The records and heads of each of {@code tenantIds} on {@code global.siem_topic}, in one pass, read with the
     * client properties {@code login} (bootstrap servers and credentials: an operator's admin identity, which
     * {@code enclave respond} uses, never a tenant job's); gives up after {@code timeout}.
     *
     * @throws AuditUnavailableException when the broker cannot be reached or the topic read in time
     */
    public static Map<String, SiemCopy> read(
            GlobalSettings global, Properties login, Collection<String> tenantIds, Duration timeout)
            throws AuditUnavailableException {
        Properties props = new Properties();
        props.putAll(login);
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.setProperty(
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1000, timeout.toMillis() / 2)));
        String topic = global.siemTopic();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new AuditUnavailableException(
                        "the SIEM topic " + topic + " does not exist on " + global.kafkaBootstrapServers(), null);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            return readTo(consumer, end, tenantIds, timeout);
        } catch (KafkaException e) {
            throw new AuditUnavailableException(
                    "cannot read the SIEM topic " + topic + " on " + global.kafkaBootstrapServers() + " within "
                            + timeout.toSeconds() + "s: " + e.getMessage(),
                    e);
        }
    }

    private static Map<String, SiemCopy> readTo(
            KafkaConsumer<byte[], byte[]> consumer,
            Map<TopicPartition, Long> end,
            Collection<String> tenantIds,
            Duration timeout)
            throws AuditUnavailableException {
        ObjectMapper json = new ObjectMapper();
        Map<String, SiemCopy> copies = new LinkedHashMap<>();
        for (String tenantId : tenantIds) {
            copies.put(tenantId, new SiemCopy(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new AuditUnavailableException(
                        "the SIEM topic was not read to its end offsets " + end + " within " + timeout.toSeconds()
                                + "s",
                        null);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                SiemCopy copy = r.key() == null ? null : copies.get(new String(r.key(), StandardCharsets.UTF_8));
                if (r.offset() >= end.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L) || copy == null) {
                    continue;
                }
                String where = r.topic() + "-" + r.partition() + "@" + r.offset();
                try {
                    JsonNode n = json.readTree(r.value());
                    if (SiemHeadSerializer.KIND.equals(n.path("kind").asText())) {
                        copy.heads().add(head(n));
                    } else {
                        copy.records().add(AuditJson.readChained(n));
                    }
                } catch (IOException | IllegalArgumentException e) {
                    copy.unreadable().add(where + ": " + e.getMessage());
                }
            }
        }
        return copies;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static AuditHead head(JsonNode n) {
        AuditHead h = new AuditHead();
        h.tenantId = required(n, "tenant_id").asText();
        h.sequence = required(n, "sequence").asLong();
        h.headHash = required(n, "head_hash").asText();
        h.checkpointId = required(n, "checkpoint_id").asLong();
        h.writtenAt = required(n, "written_at").asLong();
        h.signer = required(n, "signer").asText();
        h.signature = required(n, "signature").asText();
        return h;
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return v;
    }
}
