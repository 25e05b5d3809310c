package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
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
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.record.TimestampType;
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
 * Isolation layer "Kafka": each tenant's principals and ACLs on its exact names, created by
 * {@code ./enclave provision --kafka} on a real SASL/SCRAM broker whose StandardAuthorizer
 * enforces them. Tenant B's principals try to read A's topic, join A's group, write into A's
 * topic and use A's transactional ids, and are refused by the broker; so are those of a tenant
 * whose id begins another's, provisioned from another file.
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
        assertThat(firstRun.lines("CREATED"))
                .as(firstRun.toString())
                .anySatisfy(l -> assertThat(l)
                        .contains("topic tenant_kiso_alpha_disasters")
                        .contains("2 partitions"))
                .anySatisfy(l -> assertThat(l).contains("scram-user tenant_kiso_alpha_publisher"))
                .anySatisfy(l ->
                        assertThat(l).contains("acl User:tenant_kiso_alpha ALLOW READ GROUP tenant_kiso_alpha_group"))
                .anySatisfy(l -> assertThat(l)
                        .contains("acl User:tenant_kiso_alpha ALLOW READ GROUP" + " tenant_kiso_alpha_audit_group"))
                .anySatisfy(l -> assertThat(l)
                        .contains("acl User:tenant_kiso_alpha_publisher ALLOW WRITE TOPIC"
                                + " tenant_kiso_alpha_disasters"))
                .anySatisfy(l -> assertThat(l)
                        .contains("acl User:tenant_kiso_alpha_publisher ALLOW WRITE"
                                + " TRANSACTIONAL_ID tenant_kiso_alpha-*"))
                .anySatisfy(l -> assertThat(l)
                        .contains("quota User:" + a.kafka().username())
                        .contains("consumer_byte_rate=41943040 producer_byte_rate=20971520 request_percentage=50"));
        // No ACL is granted on a prefix of topic or group names: one could begin another tenant's names.
        assertThat(firstRun.lines("CREATED")).noneSatisfy(l -> assertThat(l).containsPattern("(TOPIC|GROUP) \\S*\\*"));
        // per tenant: 3 topics (disasters, weather, audit), 2 users, 2 quotas, and 16 ACLs: the job reads
        // and describes 3 topics and reads 2 groups (8), the publisher writes and describes 3 topics and
        // its transactional ids (8)
        assertThat(firstRun.lines("CREATED"))
                .hasSize(46)
                .anySatisfy(l ->
                        assertThat(l).contains("topic tenant_kiso_alpha_audit").contains("1 partition"));

        IsolationFixture.Run second = fixture.provisionKafka();
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.lines("UNCHANGED")).hasSize(46);
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
        assertThat(eventually(() -> readWithGroup(
                        IsolationFixture.scram(kafka, a.kafka()),
                        aTopic,
                        a.names().consumerGroup())))
                .containsExactly("alpha's declaration");

        // B's job principal reads A's topic: denied.
        assertThatThrownBy(() -> readAssigned(IsolationFixture.scram(kafka, b.kafka()), aTopic))
                .isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(aTopic);
        // B's job principal joins A's consumer group (on B's own topic): denied.
        assertThatThrownBy(() -> readWithGroup(
                        IsolationFixture.scram(kafka, b.kafka()),
                        b.names().topic(StreamKind.DISASTERS),
                        a.names().consumerGroup()))
                .isInstanceOf(GroupAuthorizationException.class);
        // B's publisher writes into A's topic: denied.
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, b.kafkaPublisher()), aTopic, "forged by bravo"))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        // Even A's own principals only do their part: the job cannot write, the publisher cannot read.
        // (The job holds no WRITE anywhere, so its idempotent producer is refused even before the topic check.)
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, a.kafka()), aTopic, "job writes"))
                .rootCause()
                .isInstanceOf(AuthorizationException.class);
        assertThatThrownBy(() -> readAssigned(IsolationFixture.scram(kafka, a.kafkaPublisher()), aTopic))
                .isInstanceOf(TopicAuthorizationException.class);

        // Nothing B tried reached A's topic; A's own record written after B's attempts is read too, so the
        // read goes past the first record (one per poll) and would also show a forged one behind it.
        send(IsolationFixture.scram(kafka, a.kafkaPublisher()), aTopic, "alpha's update");
        assertThat(readAssigned(kafka.adminClientProperties(), aTopic))
                .containsExactlyInAnyOrder("alpha's declaration", "alpha's update");

        // A's audit topic, where commands and the ingest job submit to A's chain, has the same boundary:
        // A's publisher writes, A's job reads with its own audit group, B's publisher is refused.
        String aAudit = a.names().auditTopic();
        eventually(() -> send(IsolationFixture.scram(kafka, a.kafkaPublisher()), aAudit, "alpha's submission"));
        assertThat(eventually(() -> readWithGroup(
                        IsolationFixture.scram(kafka, a.kafka()),
                        aAudit,
                        a.names().auditConsumerGroup())))
                .containsExactly("alpha's submission");
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, b.kafkaPublisher()), aAudit, "forged by bravo"))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(readAssigned(kafka.adminClientProperties(), aAudit)).containsExactly("alpha's submission");

        // Transactions, as the ingest job runs them: A's publisher under A's transactional-id prefix works,
        // B's publisher and A's own job (which runs none) are refused A's ids by the broker.
        String aIngestId = a.names().ingestTransactionalIdPrefix() + "-0-1";
        eventually(() -> transact(IsolationFixture.scram(kafka, a.kafkaPublisher()), aIngestId, aTopic, "in a txn"));
        assertThat(rootOf(catchThrowable(() -> transact(
                        IsolationFixture.scram(kafka, b.kafkaPublisher()),
                        aIngestId,
                        b.names().topic(StreamKind.DISASTERS),
                        "bravo fences alpha"))))
                .isInstanceOf(TransactionalIdAuthorizationException.class);
        assertThat(rootOf(catchThrowable(() -> transact(
                        IsolationFixture.scram(kafka, b.kafkaPublisher()),
                        a.names().ingestAuditTransactionalIdPrefix() + "-0-7",
                        b.names().auditTopic(),
                        "bravo"))))
                .isInstanceOf(TransactionalIdAuthorizationException.class);
        assertThat(rootOf(catchThrowable(
                        () -> transact(IsolationFixture.scram(kafka, a.kafka()), aIngestId, aTopic, "job"))))
                .isInstanceOf(TransactionalIdAuthorizationException.class);
    }

    @Test
    @Order(3)
    void dryRunListsEveryDifferenceAndProvisionRepairsWhatIsTheTenants() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        String aTopic = a.names().topic(StreamKind.WEATHER);
        // Drift an attacker or a hurried operator might leave behind: B's job principal granted A's old prefix,
        AclBinding crossing = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, a.names().resourcePrefix(), PatternType.PREFIXED),
                new AccessControlEntry(
                        "User:" + b.kafka().username(), "*", AclOperation.READ, AclPermissionType.ALLOW));
        // a user nobody configured granted A's topic by its exact name,
        kafka.createScramUser("kiso_intruder", "intruder-pw");
        AclBinding intruder = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, aTopic, PatternType.LITERAL),
                new AccessControlEntry("User:kiso_intruder", "*", AclOperation.READ, AclPermissionType.ALLOW));
        // and the prefixed ACL that provision granted A's job before ACLs named topics literally.
        AclBinding legacy = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, a.names().resourcePrefix(), PatternType.PREFIXED),
                new AccessControlEntry(
                        "User:" + a.kafka().username(), "*", AclOperation.READ, AclPermissionType.ALLOW));
        kafka.admin().createAcls(List.of(crossing, intruder, legacy)).all().get(30, TimeUnit.SECONDS);
        kafka.admin()
                .alterClientQuotas(List.of(new ClientQuotaAlteration(
                        new ClientQuotaEntity(
                                Map.of(ClientQuotaEntity.USER, a.kafka().username())),
                        List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", 1e12)))))
                .all()
                .get(30, TimeUnit.SECONDS);
        kafka.admin()
                .alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                        b.kafkaPublisher().username(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                        "rotated-by-hand")))
                .all()
                .get(30, TimeUnit.SECONDS);
        // The crossing ACLs work until they are removed: B and the intruder can now read A's topic.
        send(IsolationFixture.scram(kafka, a.kafkaPublisher()), aTopic, "alert");
        assertThat(readAssignedWhenAllowed(IsolationFixture.scram(kafka, b.kafka()), aTopic))
                .contains("alert");
        Map<String, Object> intruderLogin = kafka.scramClientProperties("kiso_intruder", "intruder-pw");
        assertThat(readAssignedWhenAllowed(intruderLogin, aTopic)).contains("alert");

        IsolationFixture.Run dryRun = fixture.provisionKafka("--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isEqualTo(1);
        assertThat(dryRun.lines("EXTRA"))
                .as(dryRun.toString())
                .hasSize(2)
                .anySatisfy(l ->
                        assertThat(l).contains("acl User:kiso_intruder ALLOW READ TOPIC tenant_kiso_alpha_weather"))
                .anySatisfy(
                        l -> assertThat(l).contains("acl User:tenant_kiso_alpha ALLOW READ TOPIC tenant_kiso_alpha_*"));
        assertThat(dryRun.lines("DIFFERS"))
                .as(dryRun.toString())
                .hasSize(2)
                .anySatisfy(l -> assertThat(l)
                        .contains("quota User:tenant_kiso_alpha ")
                        .contains("consumer_byte_rate=1000000000000 producer_byte_rate=20971520"))
                .anySatisfy(l -> assertThat(l)
                        .contains("scram-user tenant_kiso_bravo_publisher")
                        .contains("does not log in"));
        // B's job principal holds a grant outside B's names: from A it reaches A's topics, and for B it may
        // be another tenant's principal, so neither run touches it; both name it for a human.
        assertThat(dryRun.lines("UNEXPECTED"))
                .as(dryRun.toString())
                .hasSize(2)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("kiso_alpha")
                        .contains("acl User:tenant_kiso_bravo ALLOW READ TOPIC tenant_kiso_alpha_*"))
                .anySatisfy(l -> assertThat(l)
                        .startsWith("kiso_bravo")
                        .contains("principal User:tenant_kiso_bravo")
                        .contains("refused: User:tenant_kiso_bravo already holds acl User:tenant_kiso_bravo ALLOW READ"
                                + " TOPIC tenant_kiso_alpha_*, which is not tenant kiso_bravo's"));
        // A dry run changes nothing: B still reads A's topic.
        assertThat(readAssigned(IsolationFixture.scram(kafka, b.kafka()), aTopic))
                .contains("alert");

        IsolationFixture.Run repair = fixture.provisionKafka();
        assertThat(repair.lines("REMOVED")).as(repair.toString()).hasSize(2);
        assertThat(repair.lines("CHANGED")).hasSize(2);
        // The crossing grant of B's principal is left for a human.
        assertThat(repair.exit()).as(repair.toString()).isEqualTo(1);
        assertThat(readAssignedWhenDenied(intruderLogin, aTopic)).isInstanceOf(TopicAuthorizationException.class);
        eventually(() -> send(
                IsolationFixture.scram(kafka, b.kafkaPublisher()), b.names().topic(StreamKind.WEATHER), "bravo again"));
        // A's job still reads its topic by the literal ACL once the legacy prefixed one is gone.
        assertThat(readAssigned(IsolationFixture.scram(kafka, a.kafka()), aTopic))
                .contains("alert");

        kafka.admin().deleteAcls(List.of(crossing.toFilter())).all().get(30, TimeUnit.SECONDS);
        assertThat(readAssignedWhenDenied(IsolationFixture.scram(kafka, b.kafka()), aTopic))
                .isInstanceOf(TopicAuthorizationException.class);
        IsolationFixture.Run clean = fixture.provisionKafka("--dry-run");
        assertThat(clean.exit()).as(clean.toString()).isZero();
        assertThat(clean.out()).doesNotContain("EXTRA", "DIFFERS", "MISSING", "UNEXPECTED");
    }

    /**
     * Tenant ids may contain {@code _}, so {@code kiso_alpha}'s old prefix {@code tenant_kiso_alpha_}
     * begins every name of a tenant {@code kiso_alpha_alpha}. The two live in different config
     * files, provisioned by separate runs, as two agencies' operators would do it; a check within
     * one file cannot see the clash.
     */
    @Test
    @Order(4)
    void aTenantWhoseIdBeginsAnothersProvisionedFromAnotherFileNeitherReachesNorRemovesItsAcls() throws Exception {
        IsolationFixture regionFile = new IsolationFixture(
                "kiso_alpha", dir, kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", kafka);
        TenantConfig region = regionFile.alpha();
        TenantConfig fema = fixture.alpha();
        assertThat(region.names().topic(StreamKind.DISASTERS))
                .startsWith(fema.names().resourcePrefix());

        IsolationFixture.Run regionRun = regionFile.provisionKafka();
        List<String> regionAclsBefore = aclsOf(regionFile);

        IsolationFixture.Run femaRun = fixture.provisionKafka();
        assertThat(aclsOf(regionFile)).as(femaRun.toString()).isEqualTo(regionAclsBefore);

        String regionTopic = region.names().topic(StreamKind.DISASTERS);
        eventually(() -> send(IsolationFixture.scram(kafka, region.kafkaPublisher()), regionTopic, "region 4's"));
        assertThat(eventually(() -> readWithGroup(
                        IsolationFixture.scram(kafka, region.kafka()),
                        regionTopic,
                        region.names().consumerGroup())))
                .containsExactly("region 4's");
        // fema's job reads region 4's topic, joins its group; fema's publisher writes into it and uses its
        // transactional ids: the broker refuses each.
        assertThatThrownBy(() -> readAssigned(IsolationFixture.scram(kafka, fema.kafka()), regionTopic))
                .isInstanceOf(TopicAuthorizationException.class)
                .hasMessageContaining(regionTopic);
        assertThatThrownBy(() -> readWithGroup(
                        IsolationFixture.scram(kafka, fema.kafka()),
                        fema.names().topic(StreamKind.DISASTERS),
                        region.names().consumerGroup()))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThatThrownBy(() -> readWithGroup(
                        IsolationFixture.scram(kafka, fema.kafka()),
                        fema.names().auditTopic(),
                        region.names().auditConsumerGroup()))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThatThrownBy(() -> send(IsolationFixture.scram(kafka, fema.kafkaPublisher()), regionTopic, "forged"))
                .hasRootCauseInstanceOf(TopicAuthorizationException.class);
        assertThat(rootOf(catchThrowable(() -> transact(
                        IsolationFixture.scram(kafka, fema.kafkaPublisher()),
                        region.names().ingestTransactionalIdPrefix() + "-0-1",
                        fema.names().topic(StreamKind.DISASTERS),
                        "fences region 4"))))
                .isInstanceOf(TransactionalIdAuthorizationException.class);
        assertThat(readAssigned(kafka.adminClientProperties(), regionTopic)).containsExactly("region 4's");
        // Neither run saw anything of the other tenant's: no finding, no drift.
        assertThat(regionRun.exit()).as(regionRun.toString()).isZero();
        assertThat(regionAclsBefore).as(regionRun.toString()).hasSize(32);
        assertThat(femaRun.exit()).as(femaRun.toString()).isZero();
        assertThat(femaRun.out()).doesNotContain("tenant_kiso_alpha_alpha", "tenant_kiso_alpha_bravo");

        // And the other way round: region 4's run leaves fema's ACLs alone too.
        List<String> femaAcls = aclsOf(fixture);
        IsolationFixture.Run regionAgain = regionFile.provisionKafka();
        assertThat(regionAgain.exit()).as(regionAgain.toString()).isZero();
        assertThat(aclsOf(fixture)).isEqualTo(femaAcls);
    }

    /**
     * A config file may name any user. One that names another tenant's principal, with a password
     * of its own, would have provision reset that principal's password and log in as it.
     */
    @Test
    @Order(5)
    void aConfigNamingAnotherTenantsPrincipalIsRefusedAndChangesNothingForIt() throws Exception {
        TenantConfig victim = fixture.alpha();
        String victimJob = victim.kafka().username();
        Path thiefFile = dir.resolve("kiso_thief-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml(
                                "kiso_thief",
                                kafka.bootstrapServers(),
                                "jdbc:mysql://localhost:3306/",
                                dir.resolve("kiso_thief-keys.p12"))
                        .replace("username: tenant_kiso_thief_alpha\n", "username: " + victimJob + "\n")
                        .replace("password: \"alpha-job-\\\"pw\"", "password: alpha-job-thief-pw"));
        assertThat(Files.readString(thiefFile))
                .contains("username: " + victimJob + "\n", "password: alpha-job-thief-pw");
        List<String> victimAcls = aclsOf(fixture);

        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--kafka",
                "--kafka-admin-config",
                fixture.kafkaAdminConfig.toString());

        assertThat(aclsOf(fixture)).as(thief.toString()).isEqualTo(victimAcls);
        // The victim's password still logs in; the thief's does not.
        String victimTopic = victim.names().topic(StreamKind.DISASTERS);
        assertThat(readAssigned(IsolationFixture.scram(kafka, victim.kafka()), victimTopic))
                .isNotEmpty();
        assertThatThrownBy(
                        () -> readAssigned(kafka.scramClientProperties(victimJob, "alpha-job-thief-pw"), victimTopic))
                .isInstanceOf(SaslAuthenticationException.class);
        // The run names the principal and what it already holds, and changes nothing for it.
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .singleElement()
                .asString()
                .startsWith("kiso_thief_alpha")
                .contains("principal User:" + victimJob)
                .contains("refused: User:" + victimJob + " already holds acl User:" + victimJob
                        + " ALLOW DESCRIBE TOPIC tenant_kiso_alpha_audit")
                .contains("which is not tenant kiso_thief_alpha's");
        assertThat(thief.out())
                .doesNotContain("scram-user " + victimJob, "quota User:" + victimJob + " ")
                .doesNotContainPattern("acl User:" + victimJob + " .*tenant_kiso_thief");
    }

    /** The ACLs whose principal is one of the fixture's tenants', as sorted strings, to compare runs. */
    private static List<String> aclsOf(IsolationFixture tenants) throws Exception {
        java.util.Set<String> principals = new java.util.HashSet<>();
        for (TenantConfig t : List.of(tenants.alpha(), tenants.bravo())) {
            principals.add("User:" + t.kafka().username());
            principals.add("User:" + t.kafkaPublisher().username());
        }
        return kafka.admin().describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).stream()
                .filter(acl -> principals.contains(acl.entry().principal()))
                .map(AclBinding::toString)
                .sorted()
                .toList();
    }

    // ---- clients acting as a principal ----

    /**
     * Detection runs on the times of the records a tenant job reads. Provisioned topics carry the
     * broker's append time, so a publisher that stamps a record 50 minutes ahead (within what
     * CreateTime lets it) sets no record's time; a topic set back to CreateTime is reported and repaired.
     */
    @Test
    @Order(6)
    void tenantTopicsCarryTheBrokersTimeNotThePublishersAndProvisionRepairsDrift() throws Exception {
        TenantConfig a = fixture.alpha();
        String topic = a.names().topic(StreamKind.DISASTERS);
        List<String> topics =
                List.of(topic, a.names().topic(StreamKind.WEATHER), a.names().auditTopic());
        for (String t : topics) {
            assertThat(timestampType(t)).as(t).isEqualTo("LogAppendTime");
        }

        long forged = System.currentTimeMillis() + Duration.ofMinutes(50).toMillis();
        eventually(() -> sendStamped(IsolationFixture.scram(kafka, a.kafkaPublisher()), topic, "ahead", forged));
        ConsumerRecord<String, String> read = readRecords(IsolationFixture.scram(kafka, a.kafka()), topic).stream()
                .filter(r -> "ahead".equals(r.value()))
                .findFirst()
                .orElseThrow();
        assertThat(read.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(read.timestamp()).isLessThan(forged - Duration.ofMinutes(45).toMillis());

        // A topic made or altered by hand keeps, or gets back, the publisher's time.
        AlterConfigOp createTime = new AlterConfigOp(
                new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"), AlterConfigOp.OpType.SET);
        kafka.admin()
                .incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(createTime),
                        new ConfigResource(ConfigResource.Type.TOPIC, a.names().auditTopic()), List.of(createTime)))
                .all()
                .get(30, TimeUnit.SECONDS);
        IsolationFixture.Run dryRun = fixture.provisionKafka("--dry-run");
        assertThat(dryRun.lines("DIFFERS").stream().filter(l -> l.contains("topic-config")))
                .as(dryRun.toString())
                .hasSize(2)
                .anySatisfy(l -> assertThat(l)
                        .contains("topic-config " + topic)
                        .contains("message.timestamp.type CreateTime -> LogAppendTime"))
                .anySatisfy(l -> assertThat(l)
                        .contains("topic-config " + a.names().auditTopic())
                        .contains("message.timestamp.type CreateTime -> LogAppendTime"));
        assertThat(timestampType(topic)).isEqualTo("CreateTime");

        IsolationFixture.Run repair = fixture.provisionKafka();
        assertThat(repair.lines("CHANGED").stream().filter(l -> l.contains("topic-config")))
                .as(repair.toString())
                .hasSize(2);
        for (String t : topics) {
            assertThat(timestampType(t)).as(t).isEqualTo("LogAppendTime");
        }
    }

    private static String timestampType(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return kafka.admin()
                .describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource)
                .get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG)
                .value();
    }

    private static Void sendStamped(Map<String, Object> login, String topic, String value, long timestamp)
            throws Exception {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, null, timestamp, null, value))
                    .get(30, TimeUnit.SECONDS);
        }
        return null;
    }

    /** Every record of {@code topic}, with its timestamp and timestamp type. */
    private static List<ConsumerRecord<String, String>> readRecords(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }

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

    /** One transaction as a Flink KafkaSink runs it: init under the id, write, commit. */
    private static Void transact(Map<String, Object> login, String transactionalId, String topic, String value)
            throws Exception {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        return null;
    }

    private static Throwable rootOf(Throwable thrown) {
        assertThat(thrown).as("the broker refused nothing").isNotNull();
        Throwable root = thrown;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * The topics here hold a handful of records, which one fetch returns whole; one record per poll
     * makes a reader that stopped at its first poll visibly incomplete instead of lucky.
     */
    private static final int ONE_PER_POLL = 1;

    private static List<String> readAssigned(Map<String, Object> login, String topic) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, ONE_PER_POLL);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            // Every partition the topic has (the broker refuses even this to a principal without access).
            consumer.assign(consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList());
            consumer.seekToBeginning(consumer.assignment());
            return pollToEnd(consumer);
        }
    }

    private static List<String> readWithGroup(Map<String, Object> login, String topic, String group) {
        Map<String, Object> props = new HashMap<>(login);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, ONE_PER_POLL);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = pollToEnd(consumer);
            consumer.commitSync();
            return values;
        }
    }

    /**
     * Every record on the consumer's partitions, up to the end offsets they had once assigned:
     * not just the first non-empty poll, so a forged record behind the expected one, or on the
     * other partition, is read too. Fails loudly if the end is not reached within 20 s.
     */
    private static List<String> pollToEnd(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> values = new java.util.ArrayList<>();
        Map<TopicPartition, Long> end = null;
        while (true) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                values.add(r.value());
            }
            if (end == null && !consumer.assignment().isEmpty()) {
                try {
                    end = consumer.endOffsets(consumer.assignment(), Duration.ofMillis(500));
                } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                    // A refused read retries offsets quietly; the next poll throws the broker's refusal.
                }
            }
            if (end != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                return values;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("read " + values + " but not up to the end offsets " + end + " within 20 s");
            }
        }
    }

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
