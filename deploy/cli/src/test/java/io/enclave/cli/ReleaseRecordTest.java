package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.cli.incident.PublisherDenial;
import io.enclave.cli.incident.QuarantineState;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.testing.TenantYaml;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What release refuses in a quarantine record before it reverses anything, checked without any server. */
class ReleaseRecordTest {
    @TempDir
    Path tmp;

    @Test
    void aDenyTheQuarantineFoundInPlaceIsNeverRemoved() throws Exception {
        EnclaveConfig config = TenantConfigLoader.load(TenantYaml.global(
                        "localhost:9092", "jdbc:mysql://localhost:3306/")
                .tenant(
                        "release_unit",
                        t -> t.keystore(tmp.resolve("k.p12").toString(), "unit-release-keys", "PKCS12")
                                .database("release_unit", "release_unit_writer", "unit-db", "release_unit_key_v1")
                                .section(
                                        "kafka",
                                        "{username: tenant_release_unit, password: unit-job-password,"
                                                + " publisher_username: release_unit_publisher,"
                                                + " publisher_password: unit-publisher-password}"))
                .write(tmp.resolve("tenants.yaml")));
        TenantConfig tenant = config.tenant("release_unit");
        List<String> denials = PublisherDenial.bindings(tenant).stream()
                .map(PublisherDenial::describe)
                .toList();
        QuarantineState state = new QuarantineState();
        state.tenant = tenant.id();
        state.steps.add(new QuarantineState.Step("publisher_acl", denials.get(0), "now"));
        assertThat(ReleaseCommand.foreignSteps(config, tenant, state, List.of()))
                .isEmpty();

        // The operator had denied the publisher that resource before: quarantine recorded it as found, and a step
        // naming it (an edited record) is refused rather than removing the operator's DENY.
        state.alreadyDenied.add(denials.get(0));
        assertThat(ReleaseCommand.foreignSteps(config, tenant, state, List.of()))
                .singleElement()
                .satisfies(problem -> assertThat(problem)
                        .contains("names publisher_acl " + denials.get(0))
                        .contains("which quarantine never takes"));
    }
}
