package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.KafkaCredentials;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.SiemTopicReader;
import io.enclave.sinks.AuditSiemComparison;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 on a SASL/SCRAM broker with ACLs: {@code ./enclave provision --kafka} gives the
 * auditor principal of {@code global.audit.auditor} its login, READ and DESCRIBE on the SIEM
 * topic and READ on its own {@code enclave_audit.<user>.} group prefix, nothing else. Logged in as
 * the auditor, a client reads the SIEM copy ({@code audit verify --siem}'s reader included) but
 * cannot read a tenant's data topic, cannot append to the SIEM topic, and cannot use a tenant's
 * consumer group; the tenant's own job principal cannot read the SIEM copy at all.
 */
class AuditorPrincipalITCase {
    private static final String AUDITOR = "enclave_auditor";
    private static final String AUDITOR_PASSWORD = "auditor-\"pw-for-tests";

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static IsolationFixture fixture;
    private static IsolationFixture.Run provisioned;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        fixture = new IsolationFixture(
                "kaudit",
                dir,
                kafka.bootstrapServers(),
                "jdbc:mysql://localhost:3306/",
                kafka,
                yaml -> yaml.replace(
                                "    dialect: mysql\n",
                                "    dialect: mysql\n  audit:\n    auditor: {username: " + AUDITOR
                                        + ", password: \"auditor-\\\"pw-for-tests\"}\n")
                        .replace(
                                "      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]\n",
                                "      allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]\n"
                                        + "    audit_requirements: {siem_integration: true}\n"));
        assertThat(fixture.config.auditor())
                .isEqualTo(
                        new KafkaCredentials(AUDITOR, fixture.config.auditor().password()));
        assertThat(fixture.config.auditor().password().reveal()).isEqualTo(AUDITOR_PASSWORD);
        provisioned = fixture.provisionKafka();
        assertThat(provisioned.exit()).as(provisioned.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static EnclaveConfig config() {
        return fixture.config;
    }

    private static Map<String, Object> auditor() {
        return IsolationFixture.scram(kafka, config().auditor());
    }

    @Test
    void provisionCreatesTheAuditorsLoginAndOnlyItsReadAcls() {
        String siem = config().global().siemTopic();
        assertThat(provisioned.lines("CREATED"))
                .as(provisioned.toString())
                .anySatisfy(l -> assertThat(l).contains("(auditor)", "scram-user " + AUDITOR))
                .anySatisfy(l -> assertThat(l).contains("acl User:" + AUDITOR + " ALLOW READ TOPIC " + siem))
                .anySatisfy(l -> assertThat(l).contains("acl User:" + AUDITOR + " ALLOW DESCRIBE TOPIC " + siem))
                .anySatisfy(l -> assertThat(l)
                        .contains("acl User:" + AUDITOR + " ALLOW READ GROUP enclave_audit." + AUDITOR + ".*"));
        assertThat(provisioned.out()).doesNotContain(AUDITOR_PASSWORD);
        assertThat(KafkaProvisioner.auditorAcls(AUDITOR, siem))
                .noneMatch(acl -> acl.entry().operation() == org.apache.kafka.common.acl.AclOperation.WRITE);

        IsolationFixture.Run again = fixture.provisionKafka();
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.lines("CREATED"))
                .as("a second run finds nothing to do")
                .isEmpty();
    }

    @Test
    void theAuditorReadsTheSiemCopyAndNothingOfATenantsAndWritesNothing() throws Exception {
        TenantConfig alpha = fixture.alpha();
        String siem = config().global().siemTopic();
        try (KafkaProducer<byte[], byte[]> admin = new KafkaProducer<>(
                kafka.adminClientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
            admin.send(new ProducerRecord<>(siem, alpha.id().getBytes(StandardCharsets.UTF_8), "{}".getBytes()))
                    .get();
            admin.send(new ProducerRecord<>(alpha.names().topic(StreamKind.DISASTERS), "secret".getBytes()))
                    .get();
        }

        // The SIEM copy: readable, by partition (as audit verify --siem reads) and in its own group.
        assertThat(readAssigned(auditor(), siem)).hasSize(1);
        Map<String, Object> grouped = new HashMap<>(auditor());
        grouped.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaProvisioner.auditorGroupPrefix(AUDITOR) + "siem-export");
        assertThat(readSubscribed(grouped, siem)).hasSize(1);
        // audit verify --siem's reader logs in as the auditor and gets the tenant's line (unreadable: it is "{}").
        AuditSiemComparison.SiemCopy copy =
                SiemTopicReader.read(config().global(), config().auditor(), alpha, Duration.ofSeconds(30));
        assertThat(copy.unreadable()).hasSize(1);

        // A tenant's data topic: refused.
        assertThatThrownBy(() -> readAssigned(auditor(), alpha.names().topic(StreamKind.DISASTERS)))
                .isInstanceOf(TopicAuthorizationException.class);
        // Appending to the SIEM topic (a forged copy): refused.
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps(auditor()), new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(siem, "forged".getBytes()))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // A tenant's consumer group, or a group outside its prefix: refused.
        for (String group : List.of(alpha.names().consumerGroup(), "enclave_audit." + AUDITOR + "x.other")) {
            Map<String, Object> other = new HashMap<>(auditor());
            other.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            assertThatThrownBy(() -> readSubscribed(other, siem))
                    .as(group)
                    .isInstanceOf(GroupAuthorizationException.class);
        }
        // The tenant's own job principal may append to the SIEM topic but not read it: audit verify needs the auditor.
        assertThatThrownBy(() -> SiemTopicReader.read(config().global(), alpha.kafka(), alpha, Duration.ofSeconds(10)))
                .isInstanceOf(AuditUnavailableException.class);
    }

    @Test
    void auditVerifySiemReadsAsTheAuditorAndWithoutOneOnSaslItIsAUsageError() throws Exception {
        String[] verify = {
            "audit",
            "verify",
            "-c",
            fixture.configFile.toString(),
            "-t",
            fixture.alpha().id(),
            "--siem",
            "--jdbc-url",
            "jdbc:mysql://localhost:1/",
            "--timeout",
            "20"
        };
        // The SIEM copy is read first, as the auditor; the database is unreachable here, so that is what fails.
        IsolationFixture.Run run = IsolationFixture.cli(verify);
        assertThat(run.exit()).as(run.toString()).isEqualTo(3);
        assertThat(run.err())
                .contains("enclave audit verify: cannot read the audit log of "
                        + fixture.alpha().id())
                .doesNotContain("cannot read the SIEM copy");

        Path noAuditor = dir.resolve("no-auditor.yaml");
        String text = java.nio.file.Files.readString(fixture.configFile);
        java.nio.file.Files.writeString(
                noAuditor, text.substring(0, text.indexOf("  audit:\n")) + text.substring(text.indexOf("tenants:\n")));
        verify[3] = noAuditor.toString();
        IsolationFixture.Run without = IsolationFixture.cli(verify);
        assertThat(without.exit()).as(without.toString()).isEqualTo(2);
        assertThat(without.err())
                .contains("--siem reads the SIEM topic " + config().global().siemTopic()
                        + " as the auditor principal, and the config names none: set global.audit.auditor");
    }

    /**
     * Another config file names this file's tenant job principal as its auditor: provisioning it
     * must not reset that principal's password nor delete its ALLOWs as the auditor's EXTRA.
     */
    @Test
    void anotherFilesAuditorNamingATenantsJobPrincipalIsRefusedAndChangesNothing() throws Exception {
        String victim = fixture.alpha().kafka().username();
        java.util.Set<org.apache.kafka.common.acl.AclBinding> before = aclsOf(victim);
        assertThat(before).isNotEmpty();
        Path thiefFile = dir.resolve("kaudit_thief-tenants.yaml");
        java.nio.file.Files.writeString(
                thiefFile,
                IsolationFixture.yaml("kaudit_thief", kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", dir)
                        .replace(
                                "    dialect: mysql\n",
                                "    dialect: mysql\n  audit:\n    auditor: {username: " + victim
                                        + ", password: thief-chosen-password-1234}\n"));

        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--kafka",
                "--kafka-admin-config",
                fixture.kafkaAdminConfig.toString());

        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .anySatisfy(l -> assertThat(l)
                        .startsWith("(auditor)")
                        .contains("principal User:" + victim, "refused: User:" + victim + " already holds"));
        assertThat(thief.out().lines().filter(l -> l.contains(victim)))
                .as("no SCRAM or ACL line for the victim besides the refusal")
                .singleElement()
                .asString()
                .contains("UNEXPECTED");
        // The victim's own password still logs in, and its ACLs are as they were.
        try (org.apache.kafka.clients.admin.Admin asVictim = org.apache.kafka.clients.admin.Admin.create(
                IsolationFixture.scram(kafka, fixture.alpha().kafka()))) {
            asVictim.describeCluster().clusterId().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(aclsOf(victim)).isEqualTo(before);
    }

    /** With a non-SCRAM mechanism provision cannot set the auditor's password, and says so instead of skipping it. */
    @Test
    void anAuditorPasswordProvisionCannotSetIsReportedNotIgnored() throws Exception {
        Path plainFile = dir.resolve("kaudit_plain-tenants.yaml");
        java.nio.file.Files.writeString(
                plainFile,
                IsolationFixture.yaml("kaudit_plain", kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", dir)
                        .replace("sasl_mechanism: SCRAM-SHA-512", "sasl_mechanism: PLAIN")
                        .replace(
                                "    dialect: mysql\n",
                                "    dialect: mysql\n  audit:\n    auditor: {username: kaudit_plain_auditor,"
                                        + " password: plain-auditor-password-1}\n"));

        IsolationFixture.Run run = IsolationFixture.cli(
                "provision",
                "-c",
                plainFile.toString(),
                "--kafka",
                "--kafka-admin-config",
                fixture.kafkaAdminConfig.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.lines("UNEXPECTED"))
                .as(run.toString())
                .anySatisfy(l -> assertThat(l)
                        .startsWith("(auditor)")
                        .contains("scram-user kaudit_plain_auditor", "sasl_mechanism PLAIN", "password is not set"));
        assertThat(run.out()).doesNotContain("plain-auditor-password-1");
    }

    private static java.util.Set<org.apache.kafka.common.acl.AclBinding> aclsOf(String user) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(kafka.adminClientProperties())) {
            return admin
                    .describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                    .values()
                    .get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .stream()
                    .filter(acl -> acl.entry().principal().equals("User:" + user))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    private static Map<String, Object> producerProps(Map<String, Object> login) {
        Map<String, Object> props = new HashMap<>(login);
        // Not idempotent: that needs a cluster ACL first, and the topic's WRITE ACL is what is tested here.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return props;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAssigned(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            return poll(consumer);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readSubscribed(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            return poll(consumer);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer) {
        List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (records.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
