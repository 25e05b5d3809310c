package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.cli.CliRun;
import io.enclave.cli.incident.QuarantineFile;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.TenantYaml;
import io.enclave.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quarantine record sits beside tenant A's key store and nothing signs it. Whoever can write there edits it
 * while A is quarantined so that {@code release}, run by the admin, would reverse steps quarantine never took: take
 * over tenant B's writer through SQL spliced into an account name, unlock B's writer that B's quarantine locked, and
 * lift B's own publisher denial. Release checks every step first (an ACL against what the config derives for A, an
 * account against those the server shows with a grant on A's database), refuses the record, and B's writer is
 * untouched.
 */
class ReleaseRecordAttackITCase {

    @TempDir
    Path tmp;

    @Test
    void aForgedQuarantineRecordCannotMakeReleaseTouchAnotherTenant() throws Exception {
        EmbeddedMariaDb database = EmbeddedMariaDb.shared();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Path configFile = TenantYaml.global(kafka.bootstrapServers(), database.rootJdbcUrl())
                    .tenant(
                            "release_it_a",
                            t -> t.keystore(tmp.resolve("a.p12").toString(), "it-release-a-keys", "PKCS12")
                                    .database(
                                            "release_it_a",
                                            "release_it_a_writer",
                                            "it-release-a-db",
                                            "release_it_a_key_v1"))
                    .tenant(
                            "release_it_b",
                            t -> t.keystore(tmp.resolve("b.p12").toString(), "it-release-b-keys", "PKCS12")
                                    .database(
                                            "release_it_b",
                                            "release_it_b_writer",
                                            "it-release-b-db",
                                            "release_it_b_key_v1"))
                    .write(tmp.resolve("tenants.yaml"));
            EnclaveConfig config = TenantConfigLoader.load(configFile);
            TenantConfig a = config.tenant("release_it_a");
            TenantConfig b = config.tenant("release_it_b");
            TestKeys.initialise(List.of(a, b));
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, a);
                FreshTenantDatabase.recreate(root, b);
            }
            kafka.createTopics(1, a.names().auditTopic());

            QuarantineState forged = new QuarantineState();
            forged.tenant = a.id();
            forged.reason = "drill";
            forged.scope = "all";
            forged.since = Instant.now().toString();
            forged.by = "attacker";
            String now = Instant.now().toString();
            // Release reverses newest first, so the account step would run first.
            String bravoDenial = "User:release_it_b_publisher DENY ALL TOPIC LITERAL "
                    + b.names().topic(StreamKind.DISASTERS);
            forged.steps.add(new QuarantineState.Step("publisher_acl", bravoDenial, now));
            forged.steps.add(new QuarantineState.Step(
                    "db_account", "'" + b.database().user() + "'@'%' IDENTIFIED BY 'taken-over'", now));
            // B's writer, well formed and locked (B is quarantined): it holds no grant on A's database, so a
            // quarantine of A never locked it, and A's release must not unlock it.
            String bravoWriter = "'" + b.database().user() + "'@'%'";
            forged.steps.add(new QuarantineState.Step("db_account", bravoWriter, now));
            try (Connection root = database.rootConnection();
                    java.sql.Statement st = root.createStatement()) {
                st.execute("ALTER USER " + bravoWriter + " ACCOUNT LOCK");
            }
            QuarantineFile.of(a).write(forged);
            Path adminPassword = Files.writeString(tmp.resolve("admin.pw"), database.rootPassword());

            CliRun release = CliRun.of(
                    "release",
                    "-c",
                    configFile.toString(),
                    "-t",
                    a.id(),
                    "--db-admin-user",
                    database.rootUser(),
                    "--db-admin-password-file",
                    adminPassword.toString());

            // B's writer is still locked, and its password is still its own, not the attacker's.
            assertThat(canLogin(
                            database,
                            b.database().user(),
                            b.database().password().reveal()))
                    .as(release.toString())
                    .isFalse();
            try (Connection root = database.rootConnection();
                    java.sql.Statement st = root.createStatement()) {
                st.execute("ALTER USER " + bravoWriter + " ACCOUNT UNLOCK");
            }
            assertThat(canLogin(database, b.database().user(), "taken-over")).isFalse();
            login(database, b.database().user(), b.database().password().reveal())
                    .close();
            assertThat(release.exit()).as(release.toString()).isEqualTo(1);
            assertThat(release.err())
                    .contains("release of release_it_a refused")
                    .contains("names db_account '" + b.database().user() + "'@'%' IDENTIFIED BY 'taken-over'")
                    .contains("names db_account " + bravoWriter + ", which")
                    .contains("names publisher_acl " + bravoDenial)
                    .contains("nothing was reversed");
            assertThat(QuarantineFile.of(a).read())
                    .as("the record is kept for a human")
                    .isPresent();
        }
    }

    private static Connection login(EmbeddedMariaDb database, String user, String password) throws SQLException {
        return DriverManager.getConnection(database.rootJdbcUrl(), user, password);
    }

    private static boolean canLogin(EmbeddedMariaDb database, String user, String password) {
        try (Connection ignored = login(database, user, password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
