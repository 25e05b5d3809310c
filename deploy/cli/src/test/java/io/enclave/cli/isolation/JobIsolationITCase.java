package io.enclave.cli.isolation;

import static io.enclave.cli.isolation.ShippedBytes.contains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.SigningPasswords;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.ingest.IngestOptions;
import io.enclave.jobs.TenantIngestJob;
import io.enclave.jobs.TenantJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation layer "job": a job started for tenant A from a config that also holds tenant B's
 * secrets carries none of them. The check looks at what actually leaves the client, the
 * serialized JobGraph that a cluster receives, for every secret of B.
 */
class JobIsolationITCase {
    @TempDir
    static Path dir;

    private static IsolationFixture fixture;

    @BeforeAll
    static void config() throws Exception {
        fixture = new IsolationFixture("jiso", dir, "localhost:9092", "jdbc:mysql://localhost:3306/", null);
    }

    @Test
    void aJobStartedForAFromTheFullConfigCarriesNoneOfBsSecrets() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        // As TenantJob.call() does it: load the whole file, keep A's slice.
        EnclaveConfig slice = TenantConfigLoader.load(fixture.configFile).sliceFor(a.id());
        JobGraph graph = TenantJob.environment(slice.global(), slice.tenant(a.id()))
                .getStreamGraph()
                .getJobGraph();
        byte[] shipped = InstantiationUtil.serializeObject(graph);

        // A's own secrets are in there (its job must log in), which shows the scan finds secrets at all.
        // (The Kafka password sits in a JAAS line, with its quote escaped.)
        assertThat(contains(shipped, a.kafka().password().reveal().replace("\"", "\\\"")))
                .isTrue();
        assertThat(contains(shipped, a.database().password().reveal())).isTrue();
        for (String secretOfB : new String[] {
            b.kafka().password().reveal(),
            b.kafkaPublisher().password().reveal(),
            b.database().password().reveal()
        }) {
            assertThat(contains(shipped, secretOfB))
                    .as("one of B's secrets in A's job graph")
                    .isFalse();
        }
        // Not even A's publisher password: the job only reads.
        assertThat(contains(shipped, a.kafkaPublisher().password().reveal())).isFalse();
        assertThat(slice.tenants()).extracting(TenantConfig::id).containsExactly(a.id());
    }

    @Test
    void eachJobGraphCarriesOnlyItsOwnSignerRolesPassword() throws Exception {
        EnclaveConfig slice = TenantConfigLoader.load(fixture.configFile)
                .sliceFor(fixture.alpha().id());
        TenantConfig a = slice.tenant(fixture.alpha().id());
        SigningPasswords signing = a.keystore().signingPasswords();
        byte[] job = InstantiationUtil.serializeObject(
                TenantJob.environment(slice.global(), a).getStreamGraph().getJobGraph());
        byte[] ingest = InstantiationUtil.serializeObject(
                TenantIngestJob.environment(slice.global(), a, IngestOptions.defaults(), new Configuration())
                        .getStreamGraph()
                        .getJobGraph());

        // The tenant job signs as job, so its password is in there: the scan finds it.
        assertThat(contains(job, signing.job().reveal())).isTrue();
        assertThat(contains(job, signing.ingest().reveal()))
                .as("the ingest job's signing password")
                .isFalse();
        assertThat(contains(job, signing.cli().reveal()))
                .as("the CLI's signing password")
                .isFalse();
        assertThat(contains(ingest, signing.ingest().reveal())).isTrue();
        assertThat(contains(ingest, signing.job().reveal()))
                .as("the tenant job's signing password")
                .isFalse();
        assertThat(contains(ingest, signing.cli().reveal()))
                .as("the CLI's signing password")
                .isFalse();

        // A tenant job given a config without the job's password refuses to build, naming the field.
        assertThatThrownBy(() -> TenantJob.environment(slice.global(), a.forSigner("cli")))
                .hasMessageContaining("set tenants." + a.id() + ".keystore.signing_passwords.job")
                .hasMessageNotContaining(signing.cli().reveal());
    }

    @Test
    void aSliceHoldingOnlyBsSecretsDoesNotStartAsJobAndPrintsNoSecret() throws Exception {
        TenantConfig a = fixture.alpha();
        TenantConfig b = fixture.bravo();
        // An operator hands A's job B's slice by mistake: A's section is missing.
        String yaml = Files.readString(fixture.configFile);
        String onlyB = yaml.substring(0, yaml.indexOf("  " + a.id() + ":"))
                + yaml.substring(yaml.indexOf("  " + b.id() + ":"));
        Path bSlice = dir.resolve("bravo-only.yaml");
        Files.writeString(bSlice, onlyB);

        assertThatThrownBy(() -> TenantConfigLoader.load(bSlice).sliceFor(a.id()))
                .hasMessageContaining("no tenant '" + a.id() + "'")
                .hasMessageNotContaining(b.kafka().password().reveal())
                .hasMessageNotContaining(b.database().password().reveal());
        assertThat(TenantConfigLoader.load(bSlice, Map.of()).tenant(b.id()).toString())
                .doesNotContain(b.database().password().reveal());
    }
}
