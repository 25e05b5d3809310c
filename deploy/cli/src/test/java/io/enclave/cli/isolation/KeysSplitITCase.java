package io.enclave.cli.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.EncryptionMode;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.crypto.FieldCrypto;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeystoreKeyProvider;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.crypto.NonceSequence;
import io.enclave.operators.crypto.TenantKeyStore;
import io.enclave.testing.CommittedTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./enclave keys split}, the migration from one key store for every tenant to one each,
 * on the SASL broker with the ACLs {@code provision} made: each tenant's keys land in its own
 * store under its own password, data encrypted under the shared store still decrypts, the shared
 * store is left as it was, each tenant's audit trail receives its record through its own
 * publisher principal, and a second run overwrites nothing.
 */
class KeysSplitITCase {
    private static final String SHARED_PASSWORD = "the-old-shared-store-password";

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static IsolationFixture fixture;

    @BeforeAll
    static void provision() throws Exception {
        kafka = EmbeddedKafka.startWithSasl(IsolationFixture.KAFKA_ADMIN, IsolationFixture.KAFKA_ADMIN_PASSWORD);
        fixture = new IsolationFixture("split", dir, kafka.bootstrapServers(), "jdbc:mysql://localhost:3306/", kafka);
        IsolationFixture.Run provisioned = fixture.provisionKafka();
        assertThat(provisioned.exit()).as(provisioned.toString()).isZero();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void eachTenantsKeysMoveToItsOwnStoreStillDecryptAndTheMoveIsAuditedInItsOwnTrail() throws Exception {
        TenantConfig alpha = fixture.alpha();
        TenantConfig bravo = fixture.bravo();
        // Before: the layout of older configs, every tenant's keys in one store under one password.
        Path shared = dir.resolve("shared-keys.p12");
        for (TenantConfig tenant : List.of(alpha, bravo)) {
            Files.delete(Path.of(tenant.keystore().path()));
            new TenantKeyStore(
                            shared,
                            Secret.of(SHARED_PASSWORD),
                            "PKCS12",
                            tenant.id(),
                            tenant.database().encryptionKeyRef())
                    .init();
        }
        new TenantKeyStore(
                        shared,
                        Secret.of(SHARED_PASSWORD),
                        "PKCS12",
                        alpha.id(),
                        alpha.database().encryptionKeyRef())
                .rotate();
        String ciphertext;
        try (KeyProvider sharedKeys = KeystoreKeyProvider.open(
                shared,
                Secret.of(SHARED_PASSWORD),
                "PKCS12",
                alpha.id(),
                alpha.database().encryptionKeyRef())) {
            ciphertext = new FieldCrypto(sharedKeys, alpha.id(), new NonceSequence(new java.security.SecureRandom()))
                    .forWriting("disaster_declarations", "designated_area", EncryptionMode.RANDOMIZED)
                    .encrypt("Larimer County (Colorado)", "DR-4000-CO");
        }
        byte[] sharedBefore = Files.readAllBytes(shared);
        Path wrongPasswordFile = dir.resolve("wrong.pw");
        Files.writeString(wrongPasswordFile, "not-the-shared-password\n");
        Path passwordFile = dir.resolve("shared.pw");
        Files.writeString(passwordFile, SHARED_PASSWORD + "\n");

        IsolationFixture.Run wrongPassword = split(shared, wrongPasswordFile);
        assertThat(wrongPassword.exit()).as(wrongPassword.toString()).isEqualTo(2);
        assertThat(wrongPassword.err()).contains("cannot open PKCS12 key store " + shared + ": wrong password");
        assertThat(Path.of(alpha.keystore().path()))
                .as("nothing is created before the shared store opens")
                .doesNotExist();

        IsolationFixture.Run split = split(shared, passwordFile);

        assertThat(split.exit()).as(split.toString()).isZero();
        String alphaRef = alpha.database().encryptionKeyRef();
        assertThat(split.out())
                .contains(alpha.id() + ": copied 2 entries of " + alphaRef + " ("
                        + alphaRef + ".v1, " + alphaRef + ".v2) from the shared PKCS12 store " + shared
                        + " into its own PKCS12"
                        + " store " + alpha.keystore().path());
        assertThat(split.out())
                .contains(
                        bravo.id() + ": copied 1 entries of " + bravo.database().encryptionKeyRef());
        assertThat(split.out() + split.err()).doesNotContain(SHARED_PASSWORD).doesNotContain(fixture.secrets());
        assertThat(Files.readAllBytes(shared))
                .as("the shared store is only read")
                .isEqualTo(sharedBefore);

        try (KeyProvider own = KeystoreKeyProviderFactory.forTenant(alpha).open()) {
            assertThat(own.currentDataKey().version()).isEqualTo(2);
            assertThat(FieldCrypto.forReading(own, alpha.id())
                            .decrypt("disaster_declarations", "designated_area", "DR-4000-CO", ciphertext))
                    .as("encrypted under the shared store, decrypted from alpha's own")
                    .isEqualTo("Larimer County (Colorado)");
            for (TenantConfig tenant : List.of(alpha, bravo)) {
                AuditRecord record = lastAuditRecord(tenant);
                assertThat(record.action).isEqualTo(AuditAction.KEYS_SPLIT);
                assertThat(record.outcome).isEqualTo(AuditOutcome.SUCCESS);
                assertThat(record.tenantId).isEqualTo(tenant.id());
                assertThat(record.detail)
                        .contains("from the shared PKCS12 store " + shared)
                        .contains(
                                "into its own PKCS12 store " + tenant.keystore().path());
            }
        }
        try (KeyProvider bravoInAlphasStore = new KeystoreKeyProviderFactory(
                        alpha.keystore().path(),
                        alpha.keystore().password(),
                        "PKCS12",
                        bravo.id(),
                        bravo.database().encryptionKeyRef())
                .open()) {
            assertThat(bravoInAlphasStore.toString())
                    .as("no key of bravo went into alpha's store")
                    .contains("versions=[]");
        }

        byte[] alphaStore = Files.readAllBytes(Path.of(alpha.keystore().path()));
        IsolationFixture.Run again = split(shared, passwordFile);
        assertThat(again.exit()).as(again.toString()).isEqualTo(2);
        assertThat(again.err())
                .contains("tenant " + alpha.id() + ": its key store "
                        + alpha.keystore().path() + " already exists; keys split never overwrites a tenant's store");
        assertThat(Files.readAllBytes(Path.of(alpha.keystore().path()))).isEqualTo(alphaStore);
    }

    private static IsolationFixture.Run split(Path shared, Path passwordFile) {
        return IsolationFixture.cli(
                "keys",
                "split",
                "--config",
                fixture.configFile.toString(),
                "--from",
                shared.toString(),
                "--from-type",
                "PKCS12",
                "--from-password-file",
                passwordFile.toString());
    }

    /** The newest submission on the tenant's one-partition audit topic, verified against the tenant's trust file. */
    private static AuditRecord lastAuditRecord(TenantConfig tenant) throws Exception {
        return AuditSubmission.decode(
                CommittedTopic.newestValue(
                        kafka.adminClientProperties(), tenant.names().auditTopic()),
                io.enclave.operators.audit.AuditTrust.read(io.enclave.operators.audit.AuditSigning.trustFile(tenant)));
    }
}
