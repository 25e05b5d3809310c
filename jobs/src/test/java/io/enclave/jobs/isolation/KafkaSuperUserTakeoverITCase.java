package io.enclave.jobs.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.embedded.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBindingFilter;
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
        Files.writeString(thiefFile, IsolationFixture.yaml("ksup_thief", kafka.bootstrapServers(),
                        "jdbc:mysql://localhost:3306/", dir)
                .replace("username: tenant_ksup_thief_alpha\n", "username: " + IsolationFixture.KAFKA_ADMIN + "\n")
                .replace("password: \"alpha-job-\\\"pw\"", "password: thief-chosen-password-1234"));
        assertThat(Files.readString(thiefFile)).contains("username: " + IsolationFixture.KAFKA_ADMIN + "\n");

        IsolationFixture.Run thief = IsolationFixture.cli("provision", thiefFile.toString(), "--kafka",
                "--kafka-admin-config", victims.kafkaAdminConfig.toString());
        System.out.println("THIEF RUN: " + thief);

        // The run names the principal and why it is refused, and plans no credential, ACL or quota for it.
        assertThat(thief.exit()).as(thief.toString()).isEqualTo(3);
        assertThat(thief.lines("UNEXPECTED")).as(thief.toString()).singleElement().asString()
                .startsWith("ksup_thief_alpha").contains("principal User:" + IsolationFixture.KAFKA_ADMIN)
                .contains("refused: User:" + IsolationFixture.KAFKA_ADMIN + " is the user this provisioning run"
                        + " logs in as");
        assertThat(thief.out()).doesNotContain("scram-user " + IsolationFixture.KAFKA_ADMIN,
                "quota User:" + IsolationFixture.KAFKA_ADMIN, "acl User:" + IsolationFixture.KAFKA_ADMIN);

        // Logging in by SCRAM as the super user's name with the thief's password must fail.
        assertThatThrownBy(() -> {
            try (Admin asSuperUser = Admin.create(kafka.scramClientProperties(IsolationFixture.KAFKA_ADMIN,
                    "thief-chosen-password-1234"))) {
                int acls = asSuperUser.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS).size();
                System.out.println("THIEF AS SUPER USER SEES " + acls + " ACLS OF ALL TENANTS");
            }
        }).hasRootCauseInstanceOf(org.apache.kafka.common.errors.SaslAuthenticationException.class);
    }
}
