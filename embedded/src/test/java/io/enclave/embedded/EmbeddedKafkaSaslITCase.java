package io.enclave.embedded;

import static io.enclave.embedded.EmbeddedKafkaITCase.readAll;
import static io.enclave.embedded.EmbeddedKafkaITCase.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaSaslITCase {

    private static final String ADMIN = "enclave-admin";
    private static final String ADMIN_PASSWORD = "admin-\"secret\"";

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.startWithSasl(ADMIN, ADMIN_PASSWORD);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void scramUserNeedsAnAclToReadATopic() throws Exception {
        kafka.createTopics(1, "tenant-a.events");
        send(kafka.adminClientProperties(), "tenant-a.events", "k", "secret-of-a");
        kafka.createScramUser("tenant-b", "b-pass");

        assertThatThrownBy(() -> readAll(kafka.scramClientProperties("tenant-b", "b-pass"), "tenant-a.events", 1))
                .isInstanceOf(TopicAuthorizationException.class);

        kafka.admin()
                .createAcls(List.of(new AclBinding(
                        new ResourcePattern(ResourceType.TOPIC, "tenant-a.events", PatternType.LITERAL),
                        new AccessControlEntry("User:tenant-b", "*", AclOperation.READ, AclPermissionType.ALLOW))))
                .all()
                .get(10, TimeUnit.SECONDS);

        assertThat(readWhenAuthorized(kafka.scramClientProperties("tenant-b", "b-pass"), "tenant-a.events"))
                .extracting(ConsumerRecord::value)
                .containsExactly("secret-of-a");
    }

    /** ACLs reach the broker's authorizer shortly after the controller accepts them. */
    private static List<ConsumerRecord<String, String>> readWhenAuthorized(Map<String, Object> props, String topic)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                return readAll(props, topic, 1);
            } catch (TopicAuthorizationException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void scramSha256AndSha512BothLogIn() throws Exception {
        kafka.createScramUser("tenant-c", "c-pass");
        Map<String, Object> sha256 = new HashMap<>(kafka.scramClientProperties("tenant-c", "c-pass"));
        sha256.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");

        for (Map<String, Object> props : List.of(sha256, kafka.scramClientProperties("tenant-c", "c-pass"))) {
            try (Admin admin = Admin.create(props)) {
                // describeCluster needs no ACL, so success proves the login itself.
                assertThat(admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                        .hasSize(1);
            }
        }
    }

    @Test
    void wrongPasswordIsRejected() {
        kafka.createScramUser("tenant-d", "d-pass");
        try (Admin admin = Admin.create(kafka.scramClientProperties("tenant-d", "wrong"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void testKitBuiltInUsersAreNotAccepted() {
        Map<String, Object> props = new HashMap<>(kafka.adminClientProperties());
        props.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"plain-admin\" password=\"plain-admin-secret\";");
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
