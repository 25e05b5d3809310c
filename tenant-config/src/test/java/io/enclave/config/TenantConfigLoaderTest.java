package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.parse;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantConfigLoaderTest {

    private static final Path EXAMPLE = ConfigFixtures.examples().resolve("tenants.yaml");

    @Test
    void exampleLoadsWithEverySeedKeyRead() {
        EnclaveConfig config = TenantConfigLoader.load(EXAMPLE, Map.of());

        GlobalSettings global = config.global();
        assertThat(global.kafkaBootstrapServers()).isEqualTo("localhost:9092");
        assertThat(global.kafkaSecurityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(global.kafkaSaslMechanism()).isEqualTo("SCRAM-SHA-512");
        assertThat(global.kafkaClientProperties()).isEmpty();
        assertThat(global.databaseJdbcUrl()).isEqualTo("jdbc:mysql://localhost:9030");
        assertThat(global.siemTopic()).isEqualTo("enclave_siem_audit");

        assertThat(config.tenants())
                .extracting(TenantConfig::id)
                .containsExactly("colorado_state", "federal_dhs", "texas_state", "fema_region_4");

        TenantConfig colorado = config.tenant("colorado_state");
        assertThat(colorado.organization())
                .isEqualTo("Colorado Division of Homeland Security and Emergency Management");
        assertThat(colorado.classificationLevel()).isEqualTo(Classification.RESTRICTED);
        assertThat(colorado.database().schema()).isEqualTo("colorado_emergency");
        assertThat(colorado.database().user()).isEqualTo("colorado_writer");
        assertThat(colorado.database().password().reveal()).isEqualTo("dev-only-colorado-db");
        assertThat(colorado.database().encryptionKeyRef()).isEqualTo("colorado_state_key_v1");
        assertThat(colorado.kafka().username()).isEqualTo("tenant_colorado_state");
        assertThat(colorado.kafka().password().reveal()).isEqualTo("dev-only-colorado-kafka");
        assertThat(colorado.keystore())
                .isEqualTo(new KeystoreSettings(
                        EXAMPLE.toAbsolutePath()
                                .getParent()
                                .resolve(".enclave/keystores/colorado_state.bcfks")
                                .toString(),
                        Secret.of("dev-only-colorado-state-keystore"),
                        "BCFKS",
                        new SigningPasswords(
                                Secret.of("dev-only-colorado_state-job-signing"),
                                Secret.of("dev-only-colorado_state-ingest-signing"),
                                Secret.of("dev-only-colorado_state-cli-signing"))));

        ApiAccess api = colorado.apiAccess();
        assertThat(api.femaApiKey().isEmpty()).isTrue();
        assertThat(api.noaaScope()).isEqualTo(StateScope.of(List.of("CO")));
        assertThat(api.rateLimits()).containsOnlyKeys("fema", "noaa");
        assertThat(api.rateLimits().get("fema")).isEqualTo(new RateLimit(1000, RateLimit.Window.HOUR));
        assertThat(api.rateLimits().get("noaa")).isEqualTo(new RateLimit(5000, RateLimit.Window.HOUR));

        DataRestrictions restrictions = colorado.dataRestrictions();
        assertThat(restrictions.allowedStates().isAll()).isFalse();
        assertThat(restrictions.allowedStates().codes()).containsExactly("CO");
        assertThat(restrictions.allowedClassifications())
                .containsExactlyInAnyOrder(Classification.PUBLIC, Classification.INTERNAL, Classification.RESTRICTED);

        assertThat(colorado.auditRequirements())
                .isEqualTo(new AuditRequirements(2555, true, true, Duration.ofHours(1), Map.of()));
        assertThat(colorado.securityEnhancements()).isEqualTo(new SecurityEnhancements(true, false, true));

        ProcessingSettings processing = colorado.processing();
        assertThat(processing.parallelism()).isEqualTo(1);
        assertThat(processing.batchSize()).isEqualTo(5000);
        assertThat(processing.batchInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(processing.maxRetries()).isEqualTo(5);
        assertThat(processing.maxMessageBytes()).isEqualTo(1_048_576);
        assertThat(processing.dedupTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(processing.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(processing.topicPartitions()).isEqualTo(3);
        assertThat(processing.encryptedFields())
                .containsExactly(
                        new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.DISASTERS, "placeCode", EncryptionMode.DETERMINISTIC),
                        new EncryptedField(StreamKind.WEATHER, "description", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.WEATHER, "instruction", EncryptionMode.RANDOMIZED),
                        // additional_encryption: true adds every classified text field not listed.
                        new EncryptedField(StreamKind.DISASTERS, "declarationTitle", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.DISASTERS, "fipsCountyCode", EncryptionMode.DETERMINISTIC),
                        new EncryptedField(StreamKind.WEATHER, "areaDesc", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.WEATHER, "headline", EncryptionMode.RANDOMIZED),
                        new EncryptedField(StreamKind.WEATHER, "senderName", EncryptionMode.RANDOMIZED));
    }

    @Test
    void exampleTenantsHaveTheirLevelsAndStates() {
        EnclaveConfig config = TenantConfigLoader.load(EXAMPLE, Map.of());

        TenantConfig dhs = config.tenant("federal_dhs");
        assertThat(dhs.classificationLevel()).isEqualTo(Classification.CONFIDENTIAL);
        assertThat(dhs.dataRestrictions().allowedStates().isAll()).isTrue();
        assertThat(dhs.dataRestrictions().allowedClassifications()).isEqualTo(EnumSet.allOf(Classification.class));
        assertThat(dhs.apiAccess().noaaScope().isAll()).isTrue();
        assertThat(dhs.processing().encryptedFields(StreamKind.WEATHER))
                .extracting(EncryptedField::field)
                .containsExactly("description", "instruction", "senderName", "areaDesc", "headline");

        TenantConfig texas = config.tenant("texas_state");
        assertThat(texas.classificationLevel()).isEqualTo(Classification.INTERNAL);
        assertThat(texas.dataRestrictions().allowedStates().codes()).containsExactly("TX");
        assertThat(texas.securityEnhancements()).isEqualTo(SecurityEnhancements.NONE);

        TenantConfig region4 = config.tenant("fema_region_4");
        assertThat(region4.classificationLevel()).isEqualTo(Classification.RESTRICTED);
        assertThat(region4.dataRestrictions().allowedStates().codes())
                .containsExactlyInAnyOrder("AL", "FL", "GA", "KY", "MS", "NC", "SC", "TN");
        assertThat(region4.dataRestrictions().allowedStates().allows("CO")).isFalse();
    }

    @Test
    void everyExampleFileLoadsWithoutAnyEnvironment() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(ConfigFixtures.examples(), "*.yaml")) {
            for (Path file : files) {
                assertThat(TenantConfigLoader.load(file, Map.of()).tenants())
                        .as(file.toString())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void environmentOverridesTheDefaults() {
        EnclaveConfig config = TenantConfigLoader.load(
                EXAMPLE,
                Map.of(
                        "KAFKA_BOOTSTRAP", "broker-1:9093,broker-2:9093",
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "COLORADO_DB_PASSWORD", "from-the-environment"));

        assertThat(config.global().kafkaBootstrapServers()).isEqualTo("broker-1:9093,broker-2:9093");
        assertThat(config.global().kafkaUsesSasl()).isTrue();
        assertThat(config.tenant("colorado_state").database().password().reveal())
                .isEqualTo("from-the-environment");
    }

    @Test
    void optionalSectionsTakeTheirDefaults() {
        TenantConfig tenant = parse(MINIMAL).tenant("colorado_state");

        assertThat(tenant.kafka()).isEqualTo(KafkaCredentials.NONE);
        assertThat(tenant.database().password().isEmpty()).isTrue();
        assertThat(tenant.auditRequirements()).isEqualTo(new AuditRequirements(2555, false));
        assertThat(tenant.securityEnhancements()).isEqualTo(SecurityEnhancements.NONE);
        assertThat(tenant.processing())
                .isEqualTo(ProcessingSettings.builder()
                        .encryptedFields(EncryptionDefaults.forLevel(Classification.RESTRICTED))
                        .encryptionFromDefaults(true)
                        .build());
        assertThat(tenant.apiAccess().femaApiKey().isEmpty()).isTrue();
        assertThat(tenant.apiAccess().noaaScope())
                .as("without its own scope a tenant pulls NOAA data only for its allowed states")
                .isEqualTo(tenant.dataRestrictions().allowedStates());
        assertThat(tenant.apiAccess().rateLimits()).isEmpty();

        GlobalSettings global = parse(MINIMAL).global();
        assertThat(global.kafkaSecurityProtocol()).isEqualTo("PLAINTEXT");
        assertThat(global.kafkaSaslMechanism()).isEqualTo("SCRAM-SHA-512");
        assertThat(global.siemTopic()).isEqualTo("enclave_siem_audit");
    }

    @Test
    void allInAllowedStatesMeansEveryState() {
        String scalarAll = MINIMAL.replace("allowed_states: [CO]", "allowed_states: ALL");
        String listAll = MINIMAL.replace("allowed_states: [CO]", "allowed_states: [ALL]");

        for (String yaml : List.of(scalarAll, listAll)) {
            StateScope states =
                    parse(yaml).tenant("colorado_state").dataRestrictions().allowedStates();
            assertThat(states.isAll()).isTrue();
            assertThat(states.allows("TX")).isTrue();
            assertThat(states.allows("XX")).isFalse();
        }
    }

    @Test
    void rateLimitsParseInEveryWindow() {
        String yaml = MINIMAL + """
                    api_access:
                      rate_limits: {fema: 10/second, noaa: 600/minute}
                """;

        Map<String, RateLimit> limits =
                parse(yaml).tenant("colorado_state").apiAccess().rateLimits();

        assertThat(limits.get("fema")).isEqualTo(new RateLimit(10, RateLimit.Window.SECOND));
        assertThat(limits.get("noaa").permitsPerSecond()).isEqualTo(10.0);
        assertThat(RateLimit.parse("1000/hour").orElseThrow().toString()).isEqualTo("1000/hour");
        assertThat(RateLimit.parse("86400/day").orElseThrow().permitsPerSecond())
                .isEqualTo(1.0);
    }

    /** Issue 18: no key is accepted and ignored; only the two polled APIs take a limit, and none is "additional". */
    @Test
    void apisThatAreNeverPolledAreRefused() {
        String yaml = MINIMAL + """
                    api_access:
                      rate_limits: {fema: 10/second, usgs: 86400/day}
                      additional_apis: [cisa_kev]
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.api_access.rate_limits.usgs: unknown API 'usgs': the ingest job polls"
                                + " only fema and noaa, so a limit for it would do nothing (line 17)",
                        "tenants.colorado_state.api_access.additional_apis: has no effect: the ingest job polls only"
                                + " OpenFEMA and NWS; remove it (line 18)");
    }

    @Test
    void environmentReferencesResolveInSecretsEndpointsAndPaths() {
        String yaml = MINIMAL.replace("\"localhost:9092\"", "\"${KAFKA_HOST}:${KAFKA_PORT:-9092}\"")
                .replace("user: colorado_writer", "user: colorado_writer\n      password: ${DB_PASSWORD}")
                .replace(
                        "  database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}",
                        "  database: {jdbc_url: \"${JDBC_URL}\", dialect: \"${DIALECT:-mysql}\"}")
                .replace(
                        "keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: colorado-keystore-password}",
                        "keystore: {path: \"${KEYSTORE_DIR}/keys.bcfks\", password: \"${KEYSTORE_PASSWORD}\"}")
                .replace(
                        "organization: Colorado Division of Homeland Security and Emergency Management",
                        "organization: \"Colorado DHSEM $${LITERAL}\"");

        EnclaveConfig config = parse(
                yaml,
                Map.of(
                        "KAFKA_HOST",
                        "broker-1",
                        "DB_PASSWORD",
                        "db-password-from-env",
                        "JDBC_URL",
                        "jdbc:mysql://db:3306",
                        "KEYSTORE_DIR",
                        "/etc/enclave",
                        "KEYSTORE_PASSWORD",
                        "store-pw-long-enough"));

        assertThat(config.global().kafkaBootstrapServers()).isEqualTo("broker-1:9092");
        assertThat(config.global().databaseJdbcUrl()).isEqualTo("jdbc:mysql://db:3306");
        assertThat(config.global().databaseDialect()).isEqualTo(DatabaseDialect.MYSQL);
        TenantConfig tenant = config.tenant("colorado_state");
        assertThat(tenant.keystore().path()).isEqualTo("/etc/enclave/keys.bcfks");
        assertThat(tenant.keystore().password().reveal()).isEqualTo("store-pw-long-enough");
        assertThat(tenant.database().password().reveal()).isEqualTo("db-password-from-env");
        assertThat(tenant.organization()).isEqualTo("Colorado DHSEM ${LITERAL}");
    }

    /** A password moved into a field that is copied into every row (data_owner) would leak it to every reader. */
    @Test
    void aPasswordCannotBeInterpolatedIntoTheOrganization() throws IOException {
        String yaml = Files.readString(Path.of("examples", "tenants.yaml"))
                .replace(
                        "organization: \"Texas Division of Emergency Management\"",
                        "organization: ${TEXAS_DB_PASSWORD}");

        List<String> problems = problems(
                yaml,
                Map.of("TEXAS_DB_PASSWORD", "Tx-db-password-from-env"),
                Path.of("examples").toAbsolutePath());

        assertThat(problems)
                .containsExactly(
                        "tenants.texas_state.organization: '${TEXAS_DB_PASSWORD}' is not allowed"
                                + " here: ${...} may fill only secrets, endpoints and paths (see tenant-config/README.md) (line 137)");
    }

    @Test
    void environmentReferencesAreRefusedInEveryOtherValue() {
        String yaml = MINIMAL.replace("colorado_emergency", "${TENANT_DB:-colorado_emergency}") + """
                    processing:
                      parallelism: ${PARALLELISM:-2}
                    audit_requirements:
                      realtime_monitoring: true
                      incident_response: "${IR_HOURS}h"
                """;

        String rule = " is not allowed here: ${...} may fill only secrets, endpoints and paths"
                + " (see tenant-config/README.md)";
        assertThat(problems(yaml, Map.of("PARALLELISM", "4", "IR_HOURS", "2")))
                .containsExactly(
                        "tenants.colorado_state.database.schema: '${TENANT_DB:-colorado_emergency}'" + rule
                                + " (line 9)",
                        "tenants.colorado_state.processing.parallelism: '${PARALLELISM:-2}'" + rule + " (line 17)",
                        "tenants.colorado_state.audit_requirements.incident_response: '${IR_HOURS}'" + rule
                                + " (line 20)");
    }

    @Test
    void missingEnvironmentVariableNamesIt() {
        String yaml = """
                global:
                  kafka: {bootstrap_servers: "localhost:9092"}
                  database: {jdbc_url: "jdbc:mysql://localhost:9030"}
                tenants:
                  colorado_state:
                    organization: Colorado DHSEM
                    classification_level: RESTRICTED
                    database:
                      password: ${COLORADO_DB_PASSWORD}
                      schema: colorado_emergency
                      user: colorado_writer
                      encryption_key: colorado_state_key_v1
                    data_restrictions: {allowed_states: [CO], allowed_classifications: [PUBLIC]}
                    keystore: {path: /var/lib/enclave/keys/colorado_state.bcfks, password: colorado-keystore-password}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.database.password: environment variable COLORADO_DB_PASSWORD is not set (line 9)");
        assertThat(parse(yaml, Map.of("COLORADO_DB_PASSWORD", "set"))
                        .tenant("colorado_state")
                        .database()
                        .password()
                        .reveal())
                .isEqualTo("set");
    }

    @Test
    void kafkaClientPropertiesPassThrough() {
        String yaml = MINIMAL.replace("kafka: {bootstrap_servers: \"localhost:9092\"}", """
                kafka:
                    bootstrap_servers: "broker:9093"
                    security_protocol: SSL
                    client_properties:
                      ssl.truststore.location: /etc/enclave/truststore.p12
                      ssl.truststore.type: PKCS12
                      request.timeout.ms: 30000""");

        GlobalSettings global = parse(yaml).global();

        assertThat(global.kafkaClientProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "ssl.truststore.location", "/etc/enclave/truststore.p12",
                        "ssl.truststore.type", "PKCS12",
                        "request.timeout.ms", "30000"));
        assertThat(global.jdbcUrlFor("colorado_emergency")).isEqualTo("jdbc:mysql://localhost:9030/colorado_emergency");
    }

    @Test
    void aRelativeStoreLocationInClientPropertiesIsFoundBesideTheConfigFile(@TempDir Path dir) throws IOException {
        String yaml = MINIMAL.replace("kafka: {bootstrap_servers: \"localhost:9092\"}", """
                kafka:
                    bootstrap_servers: "broker:9093"
                    security_protocol: SSL
                    client_properties:
                      ssl.truststore.location: certs/kafka-ca.pem
                      ssl.truststore.type: PEM""");
        Path file = Files.createDirectories(dir.resolve("conf")).resolve("tenants.yaml");
        Files.writeString(file, yaml);

        GlobalSettings global =
                TenantConfigLoader.load(file, Map.of(), DevMode.ON).global();

        // Not the working directory's certs/: every command, run from anywhere, reads the same store.
        assertThat(global.kafkaClientProperties())
                .containsEntry(
                        "ssl.truststore.location",
                        dir.resolve("conf/certs/kafka-ca.pem").toString());
    }

    @Test
    void anchorsShareValuesBetweenTenants() {
        String yaml =
                MINIMAL.replace("[PUBLIC, INTERNAL, RESTRICTED]", "&state_levels [PUBLIC, INTERNAL, RESTRICTED]") + """
                  co_state_patrol:
                    organization: Colorado State Patrol
                    classification_level: RESTRICTED
                    database: {schema: colorado_patrol, user: co_patrol_writer, encryption_key: co_patrol_key_v1}
                    data_restrictions: {allowed_states: [CO], allowed_classifications: *state_levels}
                    keystore: {path: /var/lib/enclave/keys/co_state_patrol.bcfks, password: patrol-keystore-password}
                """;

        EnclaveConfig config = parse(yaml);

        assertThat(config.tenant("co_state_patrol").dataRestrictions().allowedClassifications())
                .isEqualTo(config.tenant("colorado_state").dataRestrictions().allowedClassifications());
    }
}
