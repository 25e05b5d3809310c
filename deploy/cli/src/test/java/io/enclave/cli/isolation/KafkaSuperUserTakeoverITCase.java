package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.embedded.EmbeddedKafka;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Red-team attack: a tenant config (from another file) names the broker's super user as its
 * job principal. The super user logs in with PLAIN and holds no ACLs, so provisioning's
 * "principal already holds foreign ACLs" refusal does not fire, and provision gives the super
 * user's name a SCRAM credential with the tenant's chosen password. The broker's super.users
 * matches the principal name regardless of mechanism, so the tenant is now a super user.
 */
class KafkaSuperUserTakeoverITCase {
    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static IsolationFixture victims;

    @BeforeAll
    static void provisionVictims() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        victims = new IsolationFixture("ksup", dir, kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", kafka);
        IsolationFixture.Run run = victims.provisionKafka();
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aConfigNamingTheSuperUserCannotGiveItAScramPasswordOfItsOwn() throws Exception {
        Path thiefFile = dir.resolve("ksup_thief-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("ksup_thief", kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", dir)
                        .replace(
                                "username: tenant_ksup_thief_alpha\n",
                                "username: " + IsolationFixture.KAFKA_ADMIN + "\n")
                        .replace("password: \"alpha-job-\\\"pw\"", "password: thief-chosen-password-1234"));
        assertThat(Files.readString(thiefFile)).contains("username: " + IsolationFixture.KAFKA_ADMIN + "\n");

        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--kafka",
                "--kafka-admin-config",
                victims.kafkaAdminConfig.toString());
        System.out.println("THIEF RUN: " + thief);

        // The run names the principal and why it is refused, and plans no credential, ACL or quota for it.
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .singleElement()
                .asString()
                .startsWith("ksup_thief_alpha")
                .contains("principal User:" + IsolationFixture.KAFKA_ADMIN)
                .contains("refused: User:" + IsolationFixture.KAFKA_ADMIN + " is the user this provisioning run"
                        + " logs in as");
        assertThat(thief.out())
                .doesNotContain(
                        "scram-user " + IsolationFixture.KAFKA_ADMIN,
                        "quota User:" + IsolationFixture.KAFKA_ADMIN,
                        "acl User:" + IsolationFixture.KAFKA_ADMIN);

        // Logging in by SCRAM as the super user's name with the thief's password must fail.
        assertThatThrownBy(() -> {
                    try (Admin asSuperUser = Admin.create(
                            kafka.scramClientProperties(IsolationFixture.KAFKA_ADMIN, "thief-chosen-password-1234"))) {
                        int acls = asSuperUser
                                .describeAcls(AclBindingFilter.ANY)
                                .values()
                                .get(30, TimeUnit.SECONDS)
                                .size();
                        System.out.println("THIEF AS SUPER USER SEES " + acls + " ACLS OF ALL TENANTS");
                    }
                })
                .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }

    /**
     * An operator who provisions as a user of its own (granted the cluster and every topic by
     * ACLs, not a super user): a config naming the broker's super user is then not the admin
     * login. Brokers do not report super.users, so the operator passes them to provision.
     */
    @Test
    void aSuperUserOtherThanTheProvisioningLoginIsRefusedToo() throws Exception {
        String operator = "ksup-operator";
        String operatorPassword = "operator-password-5678";
        kafka.createScramUser(operator, operatorPassword);
        try (Admin asAdmin = Admin.create(kafka.adminClientProperties())) {
            asAdmin.createAcls(List.of(
                            allowAll(
                                    new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                                    operator),
                            allowAll(new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL), operator)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Path operatorConfig = dir.resolve("ksup-operator.properties");
        Properties props = new Properties();
        kafka.scramClientProperties(operator, operatorPassword).forEach((k, v) -> props.setProperty(k, v.toString()));
        try (OutputStream out = Files.newOutputStream(operatorConfig)) {
            props.store(out, "an operator's own admin login");
        }
        Path thiefFile = dir.resolve("ksup_thief2-tenants.yaml");
        Files.writeString(
                thiefFile,
                IsolationFixture.yaml("ksup_thief2", kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", dir)
                        .replace(
                                "username: tenant_ksup_thief2_alpha\n",
                                "username: " + IsolationFixture.KAFKA_ADMIN + "\n")
                        .replace("password: \"alpha-job-\\\"pw\"", "password: thief-chosen-password-1234"));
        assertThat(Files.readString(thiefFile)).contains("username: " + IsolationFixture.KAFKA_ADMIN + "\n");

        IsolationFixture.Run thief = IsolationFixture.cli(
                "provision",
                "-c",
                thiefFile.toString(),
                "--kafka",
                "--kafka-admin-config",
                operatorConfig.toString(),
                "--kafka-super-users",
                "User:" + IsolationFixture.KAFKA_ADMIN);

        assertThat(thief.exit()).as(thief.toString()).isEqualTo(1);
        // The operator's own wildcard ACL is listed too (it reaches every tenant); the refusal is the one principal
        // line.
        assertThat(thief.lines("UNEXPECTED"))
                .as(thief.toString())
                .filteredOn(line -> line.contains(" principal "))
                .singleElement()
                .asString()
                .startsWith("ksup_thief2_alpha")
                .contains("refused: User:" + IsolationFixture.KAFKA_ADMIN
                        + " is one of the broker's super.users (--kafka-super-users)");
        assertThatThrownBy(() -> {
                    try (Admin asSuperUser = Admin.create(
                            kafka.scramClientProperties(IsolationFixture.KAFKA_ADMIN, "thief-chosen-password-1234"))) {
                        asSuperUser.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS);
                    }
                })
                .hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }

    private static AclBinding allowAll(ResourcePattern pattern, String user) {
        return new AclBinding(
                pattern, new AccessControlEntry("User:" + user, "*", AclOperation.ALL, AclPermissionType.ALLOW));
    }
}
