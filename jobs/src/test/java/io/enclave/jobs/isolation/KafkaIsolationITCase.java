package io.enclave.jobs.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "Kafka": each tenant's principals and prefixed ACLs, created by
 * {@code ./enclave provision --kafka} on a real SASL/SCRAM broker whose StandardAuthorizer
 * enforces them. Tenant B's principals try to read A's topic, join A's group and write into
 * A's topic, and are refused by the broker.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaIsolationITCase {
    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static IsolationFixture fixture;
    private static IsolationFixture.Run firstRun;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        fixture = new IsolationFixture("kiso", dir, kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", kafka);
        firstRun = fixture.provisionKafka();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void provisionCreatesTopicsUsersAclsAndQuotasAndASecondRunChangesNothing() {
        TenantConfig a = fixture.alpha();
        assertThat(firstRun.exit()).as(firstRun.toString()).isZero();
        assertThat(firstRun.lines("CREATED")).as(firstRun.toString()).anySatisfy(l -> assertThat(l)
                        .contains("topic tenant_kiso_alpha_disasters").contains("2 partitions"))
                .anySatisfy(l -> assertThat(l).contains("scram-user tenant_kiso_alpha_publisher"))
                .anySatisfy(l -> assertThat(l).contains("acl User:tenant_kiso_alpha ALLOW READ GROUP tenant_kiso_alpha_*"))
                .anySatisfy(l -> assertThat(l).contains("acl User:tenant_kiso_alpha_publisher ALLOW WRITE TOPIC"
                        + " tenant_kiso_alpha_*"))
                .anySatisfy(l -> assertThat(l).contains("quota User:" + a.kafka().username())
                        .contains("consumer_byte_rate=41943040 producer_byte_rate=20971520 request_percentage=50"));
        // per tenant: 3 topics (disasters, weather, audit), 2 users, 5 ACLs, 2 quotas
        assertThat(firstRun.lines("CREATED")).hasSize(24)
                .anySatisfy(l -> assertThat(l).contains("topic tenant_kiso_alpha_audit").contains("1 partition"));

        IsolationFixture.Run second = fixture.provisionKafka();
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.lines("UNCHANGED")).hasSize(24);
        assertThat(second.lines("CREATED")).isEmpty();
        assertThat(second.lines("CHANGED")).isEmpty();
        assertThat(second.lines("REMOVED")).isEmpty();
        for (String secret : fixture.secrets()) {
            assertThat(firstRun.out() + firstRun.err() + second.out()).doesNotContain(secret);
        }
    }

    @Test
    @Order(2)
    void tenantBsPrincipalsCannotReadJoinOrWriteTenantAsTopics() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String aTopic = a.names().topic(StreamKind.DISASTERS);

        // The way in for A works, so the refusals below are ACLs at work, not a broker still catching up.
        eventually(() -> send(IsolationFixture.scram(kafka, a.kafkaPublisher()), aTopic, "alpha's declaration"));
        assertThat(eventually(() -> readWithGroup(IsolationFixture.scram(kafka, a.kafka()), aTopic,
                a.names().consumerGroup()))).containsExactly("alpha's declaration");

        // B's job principal reads A's topic: denied.
        assertThatThrownBy(() -> readAssigned(IsolationFixture.scram(kafka, b.kafka()), aTopic))
                .isInstanceOf(TopicAuthorizationException.class).hasMessageContaining(aTopic);
        // B's job principal joins A's consumer group (on B's own topic): denied.
        assertThatThrownBy(() -> readWithGroup(IsolationFixture.scram(kafka, b.kafka()),
                b.names().topic(StreamKind.DISASTERS), a.names().consumerGroup()))
                .isInstanceOf(GroupAuthorizationException.class);
        // B's publisher writes into A's topic: denied.
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, b.kafkaPublisher()), aTopic, "forged by bravo"))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        // Even A's own principals only do their part: the job cannot write, the publisher cannot read.
        // (The job holds no WRITE anywhere, so its idempotent producer is refused even before the topic check.)
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, a.kafka()), aTopic, "job writes"))
                .rootCause().isInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> readAssigned(IsolationFixture.scram(kafka, a.kafkaPublisher()), aTopic))
                .isInstanceOf(TopicAuthorizationException.class);

        // Nothing B tried reached A's topic.
        assertThat(readAssigned(kafka.adminClientProperties(), aTopic)).containsExactly("alpha's declaration");

        // A's audit topic, where commands and the ingest job submit to A's chain, has the same boundary:
        // A's publisher writes, A's job reads with its own audit group, B's publisher is refused.
        String aAudit = a.names().auditTopic();
        eventually(() -> send(IsolationFixture.scram(kafka, a.kafkaPublisher()), aAudit, "alpha's submission"));
        assertThat(eventually(() -> readWithGroup(IsolationFixture.scram(kafka, a.kafka()), aAudit,
                a.names().auditConsumerGroup()))).containsExactly("alpha's submission");
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, b.kafkaPublisher()), aAudit, "forged by bravo"))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(readAssigned(kafka.adminClientProperties(), aAudit)).containsExactly("alpha's submission");
    }

    @Test
    @Order(3)
    void dryRunListsEveryDifferenceAndProvisionRepairsWhatIsTheTenants() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String aTopic = a.names().topic(StreamKind.WEATHER);
        // Drift an attacker or a hurried operator might leave behind.
        AclBinding crossing = new AclBinding(new ResourcePattern(ResourceType.TOPIC, a.names().resourcePrefix(),
                PatternType.PREFIXED), new AccessControlEntry("User:" + b.kafka().username(), "*", AclOperation.READ,
                AclPermissionType.ALLOW));
        kafka.admin().createAcls(List.of(crossing)).all().get(30, TimeUnit.SECONDS);
        kafka.admin().alterClientQuotas(List.of(new ClientQuotaAlteration(
                new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, a.kafka().username())),
                List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", 1e12))))).all().get(30, TimeUnit.SECONDS);
        kafka.createScramUser("tenant_kiso_alpha_intruder", "intruder-pw");
        kafka.admin().alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(b.kafkaPublisher().username(),
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "rotated-by-hand"))).all()
                .get(30, TimeUnit.SECONDS);
        // The crossing ACL works until it is removed: B can now read A's topic.
        send(IsolationFixture.scram(kafka, a.kafkaPublisher()), aTopic, "alert");
        assertThat(readAssignedWhenAllowed(IsolationFixture.scram(kafka, b.kafka()), aTopic)).contains("alert");

        IsolationFixture.Run dryRun = fixture.provisionKafka("--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(3);
        assertThat(dryRun.lines("EXTRA")).as(dryRun.toString()).singleElement().asString()
                .contains("acl User:tenant_kiso_bravo ALLOW READ TOPIC tenant_kiso_alpha_*");
        assertThat(dryRun.lines("DIFFERS")).as(dryRun.toString()).hasSize(2)
                .anySatisfy(l -> assertThat(l).contains("quota User:tenant_kiso_alpha ")
                        .contains("consumer_byte_rate=1000000000000 producer_byte_rate=20971520"))
                .anySatisfy(l -> assertThat(l).contains("scram-user tenant_kiso_bravo_publisher")
                        .contains("does not log in"));
        assertThat(dryRun.lines("UNEXPECTED")).singleElement().asString()
                .contains("scram-user tenant_kiso_alpha_intruder");
        // A dry run changes nothing: B still reads A's topic.
        assertThat(readAssigned(IsolationFixture.scram(kafka, b.kafka()), aTopic)).contains("alert");

        IsolationFixture.Run repair = fixture.provisionKafka();
        assertThat(repair.lines("REMOVED")).singleElement().asString().contains("User:tenant_kiso_bravo ALLOW READ");
        assertThat(repair.lines("CHANGED")).hasSize(2);
        // Only the intruder, which is not safe to delete automatically, is left for a human.
        assertThat(repair.exit()).as(repair.toString()).isEqualTo(3);
        assertThat(readAssignedWhenDenied(IsolationFixture.scram(kafka, b.kafka()), aTopic))
                .isInstanceOf(TopicAuthorizationException.class);
        eventually(() -> send(IsolationFixture.scram(kafka, b.kafkaPublisher()), b.names().topic(StreamKind.WEATHER),
                "bravo again"));

        for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
            kafka.admin().alterUserScramCredentials(List.of(new UserScramCredentialDeletion(
                    "tenant_kiso_alpha_intruder", mechanism))).all().get(30, TimeUnit.SECONDS);
        }
        IsolationFixture.Run clean = fixture.provisionKafka("--dry-run");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(clean.out()).doesNotContain("EXTRA", "DIFFERS", "MISSING", "UNEXPECTED");
    }

    // ---- clients acting as a principal ----

    /** What a producer or consumer does once new users and ACLs have reached the broker. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws Exception;
    }

    /** Retries while the broker does not yet know a just-provisioned user or ACL. */
    private static <T> T eventually(Attempt<T> attempt) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return attempt.run();
            } catch (Exception e) {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                boolean notYet = root instanceof org.apache.kafka.common.errors.AuthorizationException
                        || root instanceof org.apache.kafka.common.errors.SaslAuthenticationException;
                if (!notYet || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    private static Void send(Map<String, Object> login, String topic, String value) throws Exception {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
        return null;
    }

    private static List<String> readAssigned(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1)));
            consumer.seekToBeginning(consumer.assignment());
            return pollSome(consumer);
        }
    }

    private static List<String> readWithGroup(Map<String, Object> login, String topic, String group) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = pollSome(consumer);
            consumer.commitSync();
            return values;
        }
    }

    private static List<String> pollSome(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> values = new java.util.ArrayList<>();
        while (values.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
        }
        return values;
    }

    /** ACL changes reach the broker's authorizer shortly after the controller accepts them. */
    private static List<String> readAssignedWhenAllowed(Map<String, Object> login, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return readAssigned(login, topic);
            } catch (TopicAuthorizationException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(200);
            }
        }
    }

    private static Throwable readAssignedWhenDenied(Map<String, Object> login, String topic) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                readAssigned(login, topic);
                Thread.sleep(200);
            } catch (TopicAuthorizationException denied) {
                return denied;
            }
        }
        throw new AssertionError("still allowed after 20 s");
    }

}
