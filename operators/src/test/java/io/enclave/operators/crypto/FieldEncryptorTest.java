package io.enclave.operators.crypto;

import static io.enclave.operators.Fixtures.AUDIT;
import static io.enclave.operators.Fixtures.TENANT;
import static io.enclave.operators.Fixtures.disasterEvent;
import static io.enclave.operators.Fixtures.values;
import static io.enclave.operators.Fixtures.weatherEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.EncryptedField;
import io.enclave.config.EncryptionMode;
import io.enclave.config.Secret;
import io.enclave.config.StreamKind;
import io.enclave.operators.Fixtures;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.TenantEvent;
import io.enclave.operators.record.WeatherAlert;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encryptor operator in Flink's harness: what leaves it, what it counts, and its per-checkpoint audit summary. */
class FieldEncryptorTest {
    private static final Secret PASSWORD = Secret.of("harness-keystore");
    private static final String KEY_REF = TENANT + "_key";
    private static final String OPERATOR = "encrypt[" + TENANT + "]";
    private static final List<EncryptedField> FIELDS = List.of(
            new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED),
            new EncryptedField(StreamKind.DISASTERS, "placeCode", EncryptionMode.DETERMINISTIC),
            new EncryptedField(StreamKind.WEATHER, "description", EncryptionMode.RANDOMIZED));

    @TempDir
    static Path dir;

    private static Path store;

    private final Map<String, Metric> registered = new ConcurrentHashMap<>();
    private MockEnvironment environment;
    private OneInputStreamOperatorTestHarness<TenantEvent, TenantEvent> harness;

    @BeforeAll
    static void createKeys() {
        store = dir.resolve("keys.bcfks");
        new TenantKeyStore(store, PASSWORD, "BCFKS", TENANT, KEY_REF).init();
    }

    @BeforeEach
    void openHarness() throws Exception {
        TestingMetricRegistry registry = TestingMetricRegistry.builder()
                .setRegisterConsumer((metric, name, group) -> registered.put(group.getMetricIdentifier(name), metric))
                .build();
        environment = new MockEnvironmentBuilder()
                .setTaskName("encrypt")
                .setMetricGroup(TaskManagerMetricGroup.createTaskManagerMetricGroup(
                                registry, "localhost", ResourceID.generate())
                        .addJob(new JobID(), Fixtures.JOB)
                        .addTask(ExecutionAttemptID.randomId(), "encrypt"))
                .build();
        harness = new OneInputStreamOperatorTestHarness<>(new FieldEncryptorOperator(encryptor(TENANT)), environment);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
        environment.close();
    }

    private static FieldEncryptor encryptor(String keysOfTenant) {
        return new FieldEncryptor(
                Fixtures.auditContext(),
                FIELDS,
                new KeystoreKeyProviderFactory(
                        store.toString(), PASSWORD, "BCFKS", keysOfTenant, keysOfTenant + "_key"),
                KEY_REF,
                AUDIT,
                OPERATOR);
    }

    private static TenantEvent disaster(String key, String area, String placeCode) {
        TenantEvent e = disasterEvent(key, "CO", key);
        e.disaster = new DisasterDeclaration();
        e.disaster.id = key;
        e.disaster.state = "CO";
        e.disaster.designatedArea = area;
        e.disaster.placeCode = placeCode;
        e.disaster.declarationTitle = "SEVERE STORMS";
        return e;
    }

    private static TenantEvent alert(String key, String description) {
        TenantEvent e = weatherEvent(key, key, "CO");
        e.alert = new WeatherAlert();
        e.alert.id = key;
        e.alert.description = description;
        e.alert.areaDesc = "Denver";
        return e;
    }

    private FieldCrypto reader() {
        return FieldCrypto.forReading(KeystoreKeyProvider.open(store, PASSWORD, "BCFKS", TENANT, KEY_REF), TENANT);
    }

    @Test
    void configuredFieldsLeaveAsCiphertextBoundToTheirRowAndTheRestUntouched() throws Exception {
        harness.processElement(disaster("fema-1", "Doña Ana (County)", "99013"), 1L);
        harness.processElement(disaster("fema-2", null, ""), 1L);
        harness.processElement(alert("urn:nws:1", "Heavy snow. Stay home."), 1L);

        List<TenantEvent> out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        DisasterDeclaration first = out.get(0).disaster;
        assertThat(first.designatedArea).startsWith("enc:v1:k1:");
        assertThat(first.placeCode).startsWith("enc:s1:k1:");
        assertThat(first.declarationTitle).as("not configured").isEqualTo("SEVERE STORMS");
        assertThat(first.state).isEqualTo("CO");
        assertThat(out.get(1).disaster.designatedArea).as("null stays null").isNull();
        assertThat(out.get(1).disaster.placeCode).as("empty stays empty").isEmpty();
        assertThat(out.get(2).alert.description).startsWith("enc:v1:k1:");
        assertThat(out.get(2).alert.areaDesc).isEqualTo("Denver");

        FieldCrypto reader = reader();
        assertThat(reader.decrypt("disaster_declarations", "designated_area", "fema-1", first.designatedArea))
                .isEqualTo("Doña Ana (County)");
        assertThat(reader.decrypt("disaster_declarations", "place_code", "fema-1", first.placeCode))
                .isEqualTo("99013");
        assertThat(reader.decrypt("weather_alerts", "description", "urn:nws:1", out.get(2).alert.description))
                .isEqualTo("Heavy snow. Stay home.");
        assertThat(counter("tenant." + TENANT + ".fields_encrypted")).isEqualTo(3L);
        assertThat(values(harness.getSideOutput(AUDIT)))
                .as("no audit record per record")
                .isEmpty();
    }

    @Test
    void keyUseIsSummarisedOncePerCheckpointAndNotWhenIdle() throws Exception {
        for (int i = 0; i < 5; i++) {
            harness.processElement(disaster("fema-" + i, "Area " + i, "990" + i), 1L);
        }
        harness.processElement(alert("urn:nws:1", "Heavy snow."), 1L);
        harness.prepareSnapshotPreBarrier(7L);
        harness.prepareSnapshotPreBarrier(8L);
        harness.processElement(alert("urn:nws:2", "More snow."), 1L);
        harness.prepareSnapshotPreBarrier(9L);

        List<AuditRecord> summaries = values(harness.getSideOutput(AUDIT));
        assertThat(summaries).hasSize(2);
        AuditRecord first = summaries.get(0);
        assertThat(first.action).isEqualTo(AuditAction.KEY_USE);
        assertThat(first.outcome).isEqualTo(AuditOutcome.SUCCESS);
        assertThat(first.tenantId).isEqualTo(TENANT);
        assertThat(first.operator).isEqualTo(OPERATOR);
        assertThat(first.detail)
                .isEqualTo("checkpoint 7: key " + KEY_REF + " version 1 encrypted 11 values"
                        + " (disaster_declarations.designated_area 5, disaster_declarations.place_code 5,"
                        + " weather_alerts.description 1)");
        assertThat(summaries.get(1).detail)
                .startsWith("checkpoint 9: key " + KEY_REF + " version 1 encrypted 1 values");
        assertThat(summaries.get(1).recordId).isNotEqualTo(first.recordId);
    }

    @Test
    void theValuesOfTheLastCheckpointIntervalAreSummarisedAtEndOfInput() throws Exception {
        harness.processElement(disaster("fema-1", "Area", null), 1L);
        harness.endInput();
        harness.getOneInputOperator().finish();

        assertThat(values(harness.getSideOutput(AUDIT)))
                .extracting(r -> r.detail)
                .containsExactly("end of input: key " + KEY_REF + " version 1 encrypted 1 values"
                        + " (disaster_declarations.designated_area 1)");
    }

    @Test
    void anEncryptorGivenAnotherTenantsKeysRefusesToOpen() throws Exception {
        new TenantKeyStore(store, PASSWORD, "BCFKS", Fixtures.OTHER_TENANT, Fixtures.OTHER_TENANT + "_key").init();
        try (OneInputStreamOperatorTestHarness<TenantEvent, TenantEvent> wrong =
                new OneInputStreamOperatorTestHarness<>(new FieldEncryptorOperator(encryptor(Fixtures.OTHER_TENANT)))) {
            assertThatThrownBy(wrong::open)
                    .isInstanceOf(KeyUnavailableException.class)
                    .hasMessage("the key provider of tenant " + Fixtures.OTHER_TENANT
                            + " is scoped to that tenant and has no key of tenant " + TENANT);
        }
    }

    private long counter(String suffix) {
        List<String> matches =
                registered.keySet().stream().filter(id -> id.endsWith(suffix)).toList();
        assertThat(matches)
                .as("metrics ending in %s among %s", suffix, registered.keySet())
                .hasSize(1);
        return ((Counter) registered.get(matches.get(0))).getCount();
    }
}
