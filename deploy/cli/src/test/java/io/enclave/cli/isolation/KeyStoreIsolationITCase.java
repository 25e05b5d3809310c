package io.enclave.cli.isolation;

import static io.enclave.cli.isolation.ShippedBytes.contains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.jobs.TenantJob;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.KeystoreKeyProviderFactory;
import io.enclave.operators.crypto.SigningKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "keys", tried as an attacker holding everything tenant A's deployment holds:
 * A's serialized job graph as {@code flink run} ships it, with its configuration, and A's own
 * key store path and password. From that, B's data keys must stay out of
 * reach: B's store path and password are nowhere in those bytes, and A's password opens
 * neither B's store file nor any key of B's in A's own store.
 */
class KeyStoreIsolationITCase {
    @TempDir
    static Path dir;

    private static IsolationFixture fixture;
    private static TenantConfig a;
    private static TenantConfig b;
    private static byte[] shipped;

    @BeforeAll
    static void buildTheGraphOfAAsFlinkRunDoes() throws Exception {
        fixture = new IsolationFixture("ksiso", dir, "localhost:9092", "jdbc:mysql://localhost:3306/", null);
        // As TenantJob.call() does it under `flink run`: load the whole file, keep A's slice, build its graph.
        EnclaveConfig slice = TenantConfigLoader.load(fixture.configFile)
                .sliceFor(fixture.alpha().id());
        a = slice.tenant(fixture.alpha().id());
        b = fixture.bravo();
        StreamExecutionEnvironment env = TenantJob.environment(slice.global(), a);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        // What the client sends the cluster: the job graph (operators, their serialized functions and the
        // execution config) and the job's configuration.
        byte[] graphBytes = InstantiationUtil.serializeObject(graph);
        byte[] configurationBytes = InstantiationUtil.serializeObject((Configuration) env.getConfiguration());
        shipped = new byte[graphBytes.length + configurationBytes.length];
        System.arraycopy(graphBytes, 0, shipped, 0, graphBytes.length);
        System.arraycopy(configurationBytes, 0, shipped, graphBytes.length, configurationBytes.length);
    }

    @Test
    void bsKeyStorePathAndPasswordAreNowhereInAsShippedJob() {
        // The scan finds the store and password A's job must open (its audit signing key: this suite's tenants
        // encrypt no field, so the data-key store stays out of the graph), so it would find B's.
        String aJobStore =
                SigningKeyStore.pathFor(a.keystore().path(), SignerRole.JOB).toString();
        assertThat(contains(shipped, aJobStore))
                .as("A's job signing store path in A's job")
                .isTrue();
        assertThat(contains(shipped, a.keystore().signingPasswords().of("job").reveal()))
                .as("A's job signing store password in A's job")
                .isTrue();

        assertThat(contains(shipped, b.keystore().path()))
                .as("B's key store path in A's job graph")
                .isFalse();
        assertThat(contains(shipped, b.keystore().password().reveal()))
                .as("B's key store password in A's job graph")
                .isFalse();
        for (SignerRole role : SignerRole.values()) {
            assertThat(contains(
                            shipped,
                            SigningKeyStore.pathFor(b.keystore().path(), role).toString()))
                    .as("B's " + role.id() + " signing store path in A's job graph")
                    .isFalse();
            assertThat(contains(
                            shipped,
                            b.keystore().signingPasswords().of(role.id()).reveal()))
                    .as("B's " + role.id() + " signing password in A's job graph")
                    .isFalse();
        }
    }

    @Test
    void asPasswordDoesNotOpenBsKeyStoreFile() throws Exception {
        KeystoreSettings bStore = b.keystore();
        assertThat(Path.of(bStore.path()))
                .as("B's store exists, so a failure is the password's")
                .isRegularFile();

        // The JDK's own check: the store's integrity MAC does not verify with A's password.
        KeyStore store = KeyStore.getInstance(bStore.type());
        try (InputStream in = Files.newInputStream(Path.of(bStore.path()))) {
            assertThatThrownBy(() ->
                            store.load(in, a.keystore().password().reveal().toCharArray()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Failed PKCS12 integrity checking");
        }
        // And Enclave's own way in, with A's password on B's file, asking for B's keys.
        assertThatThrownBy(() -> new KeystoreKeyProviderFactory(
                                bStore.path(),
                                a.keystore().password(),
                                bStore.type(),
                                b.id(),
                                b.database().encryptionKeyRef())
                        .open())
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining(
                        "cannot open " + bStore.type() + " key store " + bStore.path() + ": wrong password");
    }

    @Test
    void asOwnStoreOpenedWithAsPasswordHoldsNoneOfBsDataKeys() {
        // A job of A rewritten to ask for B's key reference still only has A's store and A's password.
        KeystoreSettings aStore = a.keystore();
        try (KeyProvider asB = new KeystoreKeyProviderFactory(
                        aStore.path(),
                        aStore.password(),
                        aStore.type(),
                        b.id(),
                        b.database().encryptionKeyRef())
                .open()) {
            assertThatThrownBy(asB::currentDataKey)
                    .isInstanceOf(KeyUnavailableException.class)
                    .hasMessageContaining("tenant " + b.id() + " has no data key "
                            + b.database().encryptionKeyRef());
            assertThatThrownBy(() -> asB.dataKey(1)).isInstanceOf(KeyUnavailableException.class);
        }
        // B's keys exist, in B's own store, for B's own password only.
        try (KeyProvider bKeys = KeystoreKeyProviderFactory.forTenant(b).open()) {
            assertThat(bKeys.currentDataKey().version()).isEqualTo(1);
        }
    }
}
