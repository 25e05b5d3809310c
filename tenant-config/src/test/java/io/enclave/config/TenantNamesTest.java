package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantNamesTest {

    private static final EnclaveConfig EXAMPLE =
            TenantConfigLoader.load(ConfigFixtures.examples().resolve("tenants.yaml"), Map.of());

    @Test
    void namesDeriveFromTheTenantId() {
        TenantNames names = EXAMPLE.tenant("colorado_state").names();

        assertThat(names.tenantId()).isEqualTo("colorado_state");
        assertThat(names.topic(StreamKind.DISASTERS)).isEqualTo("tenant_colorado_state_disasters");
        assertThat(names.topic(StreamKind.WEATHER)).isEqualTo("tenant_colorado_state_weather");
        assertThat(names.topics()).containsExactly("tenant_colorado_state_disasters", "tenant_colorado_state_weather");
        assertThat(names.consumerGroup()).isEqualTo("tenant_colorado_state_group");
        assertThat(names.jobName()).isEqualTo("tenant_colorado_state_emergency_processing");
        assertThat(names.database()).isEqualTo("colorado_emergency");
        assertThat(names.table(StreamKind.DISASTERS)).isEqualTo("disaster_declarations");
        assertThat(names.table(StreamKind.WEATHER)).isEqualTo("weather_alerts");
    }

    @Test
    void noTwoExampleTenantsShareAResourceName() {
        Set<String> seen = new HashSet<>();
        for (TenantConfig tenant : EXAMPLE.tenants()) {
            TenantNames names = tenant.names();
            List<String> owned = List.of(
                    names.topic(StreamKind.DISASTERS),
                    names.topic(StreamKind.WEATHER),
                    names.consumerGroup(),
                    names.jobName(),
                    names.database(),
                    tenant.database().user(),
                    tenant.database().encryptionKeyRef(),
                    tenant.kafka().username());
            for (String name : owned) {
                assertThat(seen.add(name)).as(name + " is used twice").isTrue();
            }
        }
    }

    @Test
    void anIdBeginningWithAnothersIdAndUnderscoreLoadsNowThatAclsAreLiteral() {
        String yaml = MINIMAL + """
                  colorado_state_backup:
                    organization: Colorado DHSEM continuity of operations
                    classification_level: INTERNAL
                    database: {schema: colorado_backup, user: colorado_backup_writer, encryption_key: co_backup_v1}
                    data_restrictions: {allowed_states: [CO], allowed_classifications: [PUBLIC]}
                    keystore: {path: /var/lib/enclave/keys/colorado_state_backup.bcfks, password: backup-keystore-pw}
                """;

        EnclaveConfig config = ConfigFixtures.parse(yaml);
        TenantNames state = config.tenant("colorado_state").names();
        TenantNames backup = config.tenant("colorado_state_backup").names();
        // No derived name of one is a name of the other; only the _audit ending could make one (refused below).
        Set<String> stateNames = Set.of(
                state.topic(StreamKind.DISASTERS),
                state.topic(StreamKind.WEATHER),
                state.auditTopic(),
                state.consumerGroup(),
                state.auditConsumerGroup(),
                state.jobName(),
                state.ingestJobName());
        assertThat(List.of(
                        backup.topic(StreamKind.DISASTERS),
                        backup.topic(StreamKind.WEATHER),
                        backup.auditTopic(),
                        backup.consumerGroup(),
                        backup.auditConsumerGroup(),
                        backup.jobName(),
                        backup.ingestJobName()))
                .doesNotContainAnyElementsOf(stateNames);
    }

    @Test
    void transactionalIdsOfOneTenantNeverBeginAnothers() {
        TenantNames fema = new TenantNames("fema", "fema_db");
        TenantNames region = new TenantNames("fema_region_4", "fema_region_4_db");

        assertThat(fema.transactionalIdPrefix()).isEqualTo("tenant_fema-");
        assertThat(fema.ingestTransactionalIdPrefix()).isEqualTo("tenant_fema-ingest");
        assertThat(fema.ingestAuditTransactionalIdPrefix()).isEqualTo("tenant_fema-audit_ingest");
        // Flink's ids are <prefix>-<subtask>-<n>; the region's never start with fema's ACL prefix.
        for (String id : List.of(
                region.ingestTransactionalIdPrefix() + "-0-1", region.ingestAuditTransactionalIdPrefix() + "-0-1")) {
            assertThat(id).startsWith(region.transactionalIdPrefix()).doesNotStartWith(fema.transactionalIdPrefix());
        }
        assertThat(fema.ingestAuditTransactionalIdPrefix()).doesNotStartWith(fema.ingestTransactionalIdPrefix());
    }

    @Test
    void anIdEndingInAuditIsRefusedBecauseItsGroupIsAnotherTenantsAuditGroup() {
        String yaml = MINIMAL.replace("colorado_state:", "colorado_state_audit:");

        assertThat(new TenantNames("colorado_state_audit", "").consumerGroup())
                .isEqualTo(new TenantNames("colorado_state", "").auditConsumerGroup());
        assertThat(problems(yaml))
                .containsExactly("tenants.colorado_state_audit: tenant id"
                        + " 'colorado_state_audit' ends in '_audit': its consumer group tenant_colorado_state_audit_group"
                        + " would be the audit group of a tenant colorado_state (line 5)");
    }

    @Test
    void sliceHoldsOnlyTheOneTenant() {
        EnclaveConfig slice = EXAMPLE.sliceFor("texas_state");

        assertThat(slice.tenants()).extracting(TenantConfig::id).containsExactly("texas_state");
        assertThat(slice.tenant("texas_state")).isEqualTo(EXAMPLE.tenant("texas_state"));
        assertThat(slice.global()).isEqualTo(EXAMPLE.global());
        assertThatThrownBy(() -> slice.tenant("colorado_state"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("known tenants: texas_state");
        assertThatThrownBy(() -> EXAMPLE.sliceFor("nobody")).isInstanceOf(NoSuchElementException.class);
    }
}
