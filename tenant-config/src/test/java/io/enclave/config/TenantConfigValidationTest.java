package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.invalid;
import static io.enclave.config.ConfigFixtures.parse;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantConfigValidationTest {

    private static final Map<String, String> COLORADO_ENV = Map.of("COLORADO_DB_PASSWORD", "irrelevant");

    @Test
    void unknownStateIsReportedWithItsIndexAndLine() {
        assertThat(problems(invalid("bad_state.yaml"), COLORADO_ENV))
                .containsExactly("tenants.colorado_state.data_restrictions.allowed_states[1]: "
                        + "'XX' is not a US state or territory code (line 14)");
    }

    @Test
    void everyProblemIsReportedInOneRun() {
        assertThat(problems(invalid("many_problems.yaml"), Map.of()))
                .containsExactly(
                        "global.kafka.bootstrap_servers: 'localhost' is not a comma-separated list of host:port (line 4)",
                        "global.kafka.security_protocol: 'TLS' is not one of PLAINTEXT, SASL_PLAINTEXT, SASL_SSL, SSL (line 5)",
                        "global.database.jdbc_url: 'jdbc:mysql://localhost:9030/colorado_emergency' must not name a database:"
                                + " each tenant's database is added from its own config (line 7)",
                        "global.siem_topik: unknown key 'siem_topik'; expected one of kafka, database, siem_topic, keystore, apis, audit (line 8)",
                        "tenants.Colorado: tenant id 'Colorado' must match [a-z][a-z0-9_]{1,47} (line 10)",
                        "tenants.Colorado.keystore: is required (line 10)",
                        "tenants.Colorado.classification_level: 'restricted' is not a classification;"
                                + " expected one of PUBLIC < INTERNAL < RESTRICTED < CONFIDENTIAL (line 12)",
                        "tenants.texas_state.keystore: is required (line 20)",
                        "tenants.texas_state.database.encryption_key: is required (line 23)",
                        "tenants.texas_state.database.user: 'texas_writer_with_a_name_longer_than_mysql_allows'"
                                + " must match [a-z][a-z0-9_]{1,31} (line 25)",
                        "tenants.texas_state.api_access.noaa_scope[1]: 'Texas' is not a US state or territory code (line 27)",
                        "tenants.texas_state.api_access.rate_limits.fema: '1000 per hour' is not a rate limit like 1000/hour"
                                + " (line 28)",
                        "tenants.texas_state.data_restrictions.allowed_states: must list at least one state code, or be ALL"
                                + " (line 30)",
                        "tenants.texas_state.data_restrictions.allowed_classifications[2]: 'CONFIDENTIAL' is above"
                                + " the tenant's classification_level INTERNAL (line 31)",
                        "tenants.texas_state.audit_requirements.retention_days: expected an integer, got 'seven years'"
                                + " (line 33)",
                        "tenants.texas_state.audit_requirements.siem_integration: expected true or false, got 'yes' (line 34)",
                        "tenants.texas_state.processing.parallelism: must be between 1 and 64, got '100' (line 36)",
                        "tenants.texas_state.processing.batch_interval: '5 seconds' is not a duration"
                                + " like 500ms, 5s, 2m, 1h or 7d (line 37)",
                        "tenants.texas_state.processing.encrypt.disasters[1].mode: 'reversible' is not one of"
                                + " randomized, deterministic (line 39)",
                        "tenants.texas_state.processing.encrypt.tweets: unknown stream 'tweets';"
                                + " expected one of disasters, weather (line 40)");
    }

    @Test
    void exceptionMessageNamesTheSourceAndListsEveryProblem() {
        ConfigException e =
                ConfigFixtures.failure(() -> TenantConfigLoader.load(invalid("many_problems.yaml"), Map.of()));

        assertThat(e.getMessage())
                .contains("many_problems.yaml: 20 problem(s)")
                .contains("\n  tenants.Colorado: tenant id 'Colorado' must match [a-z][a-z0-9_]{1,47} (line 10)");
    }

    @Test
    void sharedDatabaseUserAndKeyNameTheFirstTenant() {
        assertThat(problems(invalid("shared_database.yaml"), Map.of()))
                .containsExactly(
                        "tenants.texas_state.database.schema: database schema 'colorado_emergency'"
                                + " is already used by tenant colorado_state (line 16)",
                        "tenants.texas_state.database.user: database user 'colorado_writer'"
                                + " is already used by tenant colorado_state (line 17)",
                        "tenants.texas_state.database.encryption_key: encryption key 'Colorado_State_Key_V1'"
                                + " is already used by tenant colorado_state (line 18)",
                        "tenants.texas_state.keystore.path: key store path '/var/lib/enclave/keys/../keys/colorado_state.bcfks'"
                                + " is already used by tenant colorado_state (line 20)");
    }

    @Test
    void atLeastOneTenantIsRequired() {
        assertThat(problems(invalid("no_tenants.yaml"), Map.of()))
                .containsExactly("tenants: at least one tenant is required (line 5)");
        assertThat(problems("global: {}\n"))
                .containsExactly(
                        "global.kafka: is required (line 1)",
                        "global.database: is required (line 1)",
                        "tenants: is required (line 1)");
    }

    @Test
    void missingRequiredKeysPointAtTheirSection() {
        String yaml = """
                global:
                  kafka: {bootstrap_servers: "localhost:9092"}
                  database: {jdbc_url: "jdbc:mysql://localhost:9030"}
                tenants:
                  colorado_state:
                    database:
                      schema: colorado_emergency
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.organization: is required (line 5)",
                        "tenants.colorado_state.classification_level: is required (line 5)",
                        "tenants.colorado_state.data_restrictions: is required (line 5)",
                        "tenants.colorado_state.keystore: is required (line 5)",
                        "tenants.colorado_state.database.user: is required (line 6)",
                        "tenants.colorado_state.database.encryption_key: is required (line 6)");
    }

    @Test
    void unknownKeysAreTyposNotIgnored() {
        String yaml = MINIMAL.replace("encryption_key:", "encryption_keys:") + "    proccessing: {parallelism: 2}\n";

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.database.encryption_key: is required (line 8)",
                        "tenants.colorado_state.database.encryption_keys: unknown key 'encryption_keys';"
                                + " expected one of schema, user, password, encryption_key, resource_group (line 11)",
                        "tenants.colorado_state.proccessing: unknown key 'proccessing'; expected one of organization,"
                                + " classification_level, database, kafka, api_access, data_restrictions, audit_requirements,"
                                + " security_enhancements, processing, keystore, readers (line 16)");
    }

    /** The auditor's pin of the job's signing key is a fingerprint as keys init prints it, or nothing. */
    @Test
    void aPinnedJobKeyIsASha256Fingerprint() {
        String pin = "sha256:" + "ab".repeat(32);
        TenantConfig pinned = TenantConfigLoader.parse(
                        MINIMAL + "    audit_requirements: {job_key_fingerprint: \"" + pin + "\"}\n",
                        "test.yaml",
                        Map.of())
                .tenant("colorado_state");
        assertThat(pinned.auditRequirements().jobKeyFingerprint()).isEqualTo(pin);
        assertThat(TenantConfigLoader.parse(MINIMAL, "test.yaml", Map.of())
                        .tenant("colorado_state")
                        .auditRequirements()
                        .jobKeyFingerprint())
                .isEmpty();

        assertThat(problems(MINIMAL + "    audit_requirements: {job_key_fingerprint: \"sha256:abcd\"}\n"))
                .containsExactly("tenants.colorado_state.audit_requirements.job_key_fingerprint: 'sha256:abcd' must"
                        + " match (sha256:)?[0-9a-fA-F]{64} (line 16)");
    }

    @Test
    void theAuditorPrincipalIsGlobalNeverInATenantsSliceAndNoTenantMayShareIt() {
        String auditor = MINIMAL.replace(
                "  database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}\n",
                "  database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}\n"
                        + "  audit: {auditor: {username: enclave_auditor, password: auditor-password-1}}\n");
        EnclaveConfig config = TenantConfigLoader.parse(auditor, "test.yaml", Map.of());
        assertThat(config.auditor().username()).isEqualTo("enclave_auditor");
        assertThat(config.auditor().password().reveal()).isEqualTo("auditor-password-1");
        assertThat(config.sliceFor("colorado_state").auditor().isPresent())
                .as("a tenant job's slice holds no auditor password")
                .isFalse();
        assertThat(TenantConfigLoader.parse(MINIMAL, "test.yaml", Map.of())
                        .auditor()
                        .isPresent())
                .isFalse();

        assertThat(problems(auditor.replace("      schema: colorado_emergency\n", "      schema: colorado_emergency\n")
                        + "    kafka: {username: enclave_auditor}\n"))
                .containsExactly(
                        "tenants.colorado_state.kafka.username: kafka username 'enclave_auditor' is already used"
                                + " by tenant global.audit.auditor (line 17)");
    }

    /** Kafka usernames may hold '.', but the auditor's group prefix enclave_audit.a. would cover auditor a.b's. */
    @Test
    void theAuditorUsernameHasATenantIdsCharsetSoNoGroupPrefixCoversAnothers() {
        String dotted = MINIMAL.replace(
                "  database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}\n",
                "  database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}\n"
                        + "  audit: {auditor: {username: audit.team, password: auditor-password-1}}\n");
        assertThat(problems(dotted))
                .containsExactly("global.audit.auditor.username: 'audit.team' must match [a-z][a-z0-9_]{1,47} (no"
                        + " '.': the auditor's group prefix enclave_audit.audit.team. must not cover another"
                        + " auditor's groups) (line 4)");
    }

    @Test
    void eachSignerRoleHasItsOwnPinnedFirstKey() {
        String ingest = "sha256:" + "cd".repeat(32);
        String cli = "EF".repeat(32);
        AuditRequirements audit = TenantConfigLoader.parse(
                        MINIMAL + "    audit_requirements: {ingest_key_fingerprint: \"" + ingest
                                + "\", cli_key_fingerprint: \"" + cli + "\"}\n",
                        "test.yaml",
                        Map.of())
                .tenant("colorado_state")
                .auditRequirements();
        assertThat(audit.keyFingerprint("ingest")).isEqualTo(ingest);
        assertThat(audit.keyFingerprint("cli")).isEqualTo(cli);
        assertThat(audit.keyFingerprint("job")).isEmpty();

        assertThat(problems(MINIMAL + "    audit_requirements:\n      cli_key_fingerprint: \"sha256:abcd\"\n"))
                .containsExactly("tenants.colorado_state.audit_requirements.cli_key_fingerprint: 'sha256:abcd' must"
                        + " match (sha256:)?[0-9a-fA-F]{64} (line 17)");
    }

    @Test
    void detectionThresholdsAreReadPerRuleWithDefaultsForTheRest() {
        TenantConfig tenant = parse(MINIMAL + """
                    audit_requirements:
                      realtime_monitoring: true
                      incident_response: 15m
                      detection:
                        cross_tenant_claims: {count: 3, window: 2m}
                        reader_burst: {window: 30s}
                """).tenant("colorado_state");

        AuditRequirements audit = tenant.auditRequirements();
        assertThat(audit.incidentResponse()).isEqualTo(Duration.ofMinutes(15));
        assertThat(audit.threshold(DetectionRule.CROSS_TENANT_CLAIMS))
                .isEqualTo(new DetectionThreshold(3, Duration.ofMinutes(2)));
        assertThat(audit.threshold(DetectionRule.READER_BURST))
                .isEqualTo(new DetectionThreshold(50, Duration.ofSeconds(30)));
        assertThat(audit.threshold(DetectionRule.MALFORMED_INPUT))
                .isEqualTo(DetectionRule.MALFORMED_INPUT.defaultThreshold());
    }

    @Test
    void detectionMistakesAreReportedWithTheirPathAndLine() {
        String yaml = MINIMAL + """
                    audit_requirements:
                      realtime_monitoring: true
                      incident_response: soon
                      detection:
                        cross_tenant_claim: {count: 3}
                        forged_audit_submissions: {count: 0, window: 5}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.audit_requirements.incident_response: 'soon' is not a duration like"
                                + " 500ms, 5s, 2m, 1h or 7d (line 18)",
                        "tenants.colorado_state.audit_requirements.detection.cross_tenant_claim: unknown key"
                                + " 'cross_tenant_claim'; expected one of "
                                + String.join(", ", DetectionRule.configKeys())
                                + " (line 20)",
                        "tenants.colorado_state.audit_requirements.detection.forged_audit_submissions.count: must be"
                                + " between 1 and 1000000, got '0' (line 21)",
                        "tenants.colorado_state.audit_requirements.detection.forged_audit_submissions.window: '5' is not"
                                + " a duration like 500ms, 5s, 2m, 1h or 7d (line 21)");
    }

    @Test
    void incidentResponseTakesAStructuredFormNamingWhatRespondContains() {
        AuditRequirements structured =
                parse(MINIMAL + """
                    audit_requirements:
                      siem_integration: true
                      realtime_monitoring: true
                      incident_response: {contain: publisher, after: 5m}
                """).tenant("colorado_state").auditRequirements();
        assertThat(structured.incidentResponse()).isEqualTo(Duration.ofMinutes(5));
        assertThat(structured.containment()).isEqualTo(AutoContainment.PUBLISHER);

        AuditRequirements plain = parse(MINIMAL + """
                    audit_requirements:
                      siem_integration: true
                      realtime_monitoring: true
                      incident_response: 15m
                """).tenant("colorado_state").auditRequirements();
        assertThat(plain.incidentResponse()).isEqualTo(Duration.ofMinutes(15));
        assertThat(plain.containment()).isEqualTo(AutoContainment.NONE);
    }

    @Test
    void structuredIncidentResponseMistakesAreReportedWithTheirPathAndLine() {
        String yaml = MINIMAL + """
                    audit_requirements:
                      realtime_monitoring: true
                      incident_response:
                        contain: everything
                        after: soon
                        notify: ops
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.audit_requirements.incident_response.contain: 'everything' is not one"
                                + " of publisher, job, readers, all (line 19)",
                        "tenants.colorado_state.audit_requirements.incident_response.after: 'soon' is not a duration"
                                + " like 500ms, 5s, 2m, 1h or 7d (line 20)",
                        "tenants.colorado_state.audit_requirements.incident_response.notify: unknown key 'notify';"
                                + " expected one of contain, after (line 21)");
        assertThat(problems(MINIMAL + """
                    audit_requirements:
                      realtime_monitoring: true
                      incident_response: {contain: all, after: 5m}
                """))
                .containsExactly("tenants.colorado_state.audit_requirements.incident_response.contain: has no effect"
                        + " without siem_integration: true (enclave respond reads the alerts from the SIEM topic); set"
                        + " that, or remove contain (line 18)");
    }

    /** A key that only shapes real-time monitoring would be accepted and ignored without it. */
    @Test
    void detectionAndIncidentResponseNeedRealtimeMonitoring() {
        String yaml = MINIMAL + """
                    audit_requirements:
                      incident_response: 15m
                      detection: {malformed_input: {count: 10}}
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.audit_requirements.incident_response: has no effect without"
                                + " realtime_monitoring: true; set that, or remove incident_response (line 17)",
                        "tenants.colorado_state.audit_requirements.detection: has no effect without"
                                + " realtime_monitoring: true; set that, or remove detection (line 18)");
    }

    @Test
    void valuesMustHaveTheirYamlType() {
        String yaml = MINIMAL + """
                    security_enhancements: {network_isolation: on, dedicated_processing: True, additional_encryption: 1}
                    processing:
                      parallelism: 1.5
                      batch_size: 0x10
                      max_retries: [3]
                      topic_partitions: 010
                      max_message_bytes: 512
                      dedup_ttl: 0s
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.security_enhancements.network_isolation: expected true or false, got 'on'"
                                + " (line 16)",
                        "tenants.colorado_state.security_enhancements.dedicated_processing: expected true or false,"
                                + " got 'True' (line 16)",
                        "tenants.colorado_state.security_enhancements.additional_encryption: expected true or false,"
                                + " got '1' (line 16)",
                        "tenants.colorado_state.processing.parallelism: expected an integer, got '1.5' (line 18)",
                        "tenants.colorado_state.processing.batch_size: expected an integer, got '0x10' (line 19)",
                        "tenants.colorado_state.processing.max_retries: expected a single value, got a list (line 20)",
                        "tenants.colorado_state.processing.topic_partitions: expected an integer, got '010' (line 21)",
                        "tenants.colorado_state.processing.max_message_bytes: must be between 1024 and 16777216, got '512'"
                                + " (line 22)",
                        "tenants.colorado_state.processing.dedup_ttl: must be longer than zero (line 23)");
    }

    @Test
    void aMemoryBudgetPerSlotIsTwoSizesInMebibytesOrGibibytes() {
        String good = MINIMAL + """
                    processing:
                      memory_per_slot: {task_heap: 1gb, managed: 256mb}
                """;
        assertThat(ConfigFixtures.parse(good)
                        .tenant("colorado_state")
                        .processing()
                        .slotMemory())
                .isEqualTo(new SlotMemory(1024, 256));
        assertThat(ConfigFixtures.parse(MINIMAL)
                        .tenant("colorado_state")
                        .processing()
                        .slotMemory())
                .isEqualTo(SlotMemory.UNSET);

        String bad = MINIMAL + """
                    processing:
                      memory_per_slot: {task_heap: 512 MB, managed: 8mb}
                  texas_state:
                    organization: Texas Division of Emergency Management
                    classification_level: INTERNAL
                    database: {schema: texas_emergency, user: texas_writer, encryption_key: texas_key}
                    data_restrictions: {allowed_states: [TX], allowed_classifications: [PUBLIC]}
                    keystore: {path: /var/lib/enclave/keys/texas_state.bcfks, password: texas-keystore-password}
                    processing:
                      memory_per_slot: {managed: 128mb, heap: 1gb}
                """;
        assertThat(problems(bad))
                .containsExactly(
                        "tenants.colorado_state.processing.memory_per_slot.task_heap: '512 MB' is not a memory size"
                                + " like 256mb or 2gb (line 17)",
                        "tenants.colorado_state.processing.memory_per_slot.managed: must be between 16mb and 65536mb,"
                                + " got '8mb' (line 17)",
                        "tenants.texas_state.processing.memory_per_slot.heap: unknown key 'heap'; expected one of"
                                + " task_heap, managed (line 25)",
                        "tenants.texas_state.processing.memory_per_slot.task_heap: is required (line 25)");
    }

    @Test
    void sectionsMustBeMappingsAndListsLists() {
        String yaml = MINIMAL.replace("allowed_states: [CO]", "allowed_states: CO")
                        .replace(
                                "allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]",
                                "allowed_classifications: PUBLIC")
                + "    audit_requirements: [2555]\n";

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.data_restrictions.allowed_states: 'CO' is not a list of state codes or ALL"
                                + " (line 13)",
                        "tenants.colorado_state.data_restrictions.allowed_classifications: expected a list, got 'PUBLIC'"
                                + " (line 14)",
                        "tenants.colorado_state.audit_requirements: expected a mapping, got a list (line 16)");
    }

    @Test
    void classificationsAreExactAndNotAboveTheTenantLevel() {
        String yaml = MINIMAL.replace("[PUBLIC, INTERNAL, RESTRICTED]", "[Public, INTERNAL, CONFIDENTIAL, INTERNAL]");

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.data_restrictions.allowed_classifications[0]: 'Public' is not a classification;"
                                + " expected one of PUBLIC < INTERNAL < RESTRICTED < CONFIDENTIAL (line 14)",
                        "tenants.colorado_state.data_restrictions.allowed_classifications[2]: 'CONFIDENTIAL' is above"
                                + " the tenant's classification_level RESTRICTED (line 14)",
                        "tenants.colorado_state.data_restrictions.allowed_classifications[3]: 'INTERNAL' is listed twice"
                                + " (line 14)");
    }

    @Test
    void stateListsRejectMixedAllDuplicatesAndLookAlikes() {
        String yaml = MINIMAL.replace("allowed_states: [CO]", "allowed_states: [CO, co, CO, ALL]")
                + "    api_access: {noaa_scope: []}\n";

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.data_restrictions.allowed_states[1]: 'co' is not a US state or territory code"
                                + " (line 13)",
                        "tenants.colorado_state.data_restrictions.allowed_states[2]: 'CO' is listed twice (line 13)",
                        "tenants.colorado_state.data_restrictions.allowed_states[3]: 'ALL' must be the only entry"
                                + " when it is used (line 13)",
                        "tenants.colorado_state.api_access.noaa_scope: must list at least one state code, or be ALL (line 16)");
    }

    @Test
    void namesMustBeSafeIdentifiers() {
        String yaml = MINIMAL.replace("schema: colorado_emergency", "schema: colorado-emergency")
                .replace("user: colorado_writer", "user: root")
                .replace("encryption_key: colorado_state_key_v1", "encryption_key: \"colorado key\"")
                .replace("colorado_state:", "colorado_state_with_an_id_that_is_much_too_long_for_a_name:");

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state_with_an_id_that_is_much_too_long_for_a_name: tenant id"
                                + " 'colorado_state_with_an_id_that_is_much_too_long_for_a_name' must match"
                                + " [a-z][a-z0-9_]{1,47} (line 5)",
                        "tenants.colorado_state_with_an_id_that_is_much_too_long_for_a_name.database.schema:"
                                + " 'colorado-emergency' must match [a-z][a-z0-9_]{1,47} (line 9)",
                        "tenants.colorado_state_with_an_id_that_is_much_too_long_for_a_name.database.user:"
                                + " 'root' is an administrative account; give the tenant its own user (line 10)",
                        "tenants.colorado_state_with_an_id_that_is_much_too_long_for_a_name.database.encryption_key:"
                                + " 'colorado key' must match [A-Za-z0-9_.-]{1,64} (line 11)");
    }

    @Test
    void encryptedFieldsAreValidatedPerStream() {
        String yaml = MINIMAL + """
                    processing:
                      encrypt:
                        disasters: [designatedArea, designated-area, {field: placeCode, mode: DETERMINISTIC}, {mode: deterministic}]
                        weather: [description, {field: description, mode: deterministic}, {field: areaDesc, salt: x}]
                """;

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.processing.encrypt.disasters[1]: 'designated-area' must match"
                                + " [A-Za-z][A-Za-z0-9_]{0,63} (line 18)",
                        "tenants.colorado_state.processing.encrypt.disasters[2].mode: 'DETERMINISTIC' is not one of"
                                + " randomized, deterministic (line 18)",
                        "tenants.colorado_state.processing.encrypt.disasters[3].field: is required (line 18)",
                        "tenants.colorado_state.processing.encrypt.weather[1].field: 'description' is listed twice (line 19)",
                        "tenants.colorado_state.processing.encrypt.weather[2].salt: unknown key 'salt';"
                                + " expected one of field, mode (line 19)");
    }

    @Test
    void globalSettingsKeepCredentialsPerTenant() {
        String yaml = MINIMAL.replace(
                        "kafka: {bootstrap_servers: \"localhost:9092\"}",
                        "kafka: {bootstrap_servers: \"localhost:9092\", security_protocol: SASL_SSL,"
                                + " client_properties: {sasl.jaas.config: x, ssl.endpoint.identification.algorithm: https}}")
                .replace(
                        "database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}",
                        "database: {jdbc_url: \"jdbc:mysql://localhost:9030/?user=root&password=x\"}\n"
                                + "  siem_topic: tenant_siem");

        assertThat(problems(yaml))
                .containsExactly(
                        "global.kafka.client_properties['sasl.jaas.config']: 'sasl.jaas.config' is set by Enclave"
                                + " from global.kafka and each tenant's kafka section (line 2)",
                        "global.database.jdbc_url: 'jdbc:mysql://localhost:9030/?user=root&password=x' must not carry"
                                + " a user or password: each tenant connects as its own database user (line 3)",
                        "global.siem_topic: 'tenant_siem' must not start with tenant_ (or tenant. with '.' for '_',"
                                + " which Kafka counts as the same name): that prefix begins tenants' own topics (line 4)",
                        "tenants.colorado_state.kafka.username: is required because global.kafka.security_protocol"
                                + " is SASL_SSL (line 6)");
    }

    @Test
    void saslPrincipalProblemsAreReportedOnce() {
        String yaml = MINIMAL.replace(
                        "kafka: {bootstrap_servers: \"localhost:9092\"}",
                        "kafka: {bootstrap_servers: \"localhost:9092\", security_protocol: SASL_PLAINTEXT}")
                + "    kafka: {username: \"\"}\n";

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.kafka.username: must not be empty because global.kafka.security_protocol"
                                + " is SASL_PLAINTEXT (line 16)");
    }

    @Test
    void jdbcUrlMustBeMysqlProtocol() {
        String yaml = MINIMAL.replace("jdbc:mysql://localhost:9030", "jdbc:postgresql://localhost:5432");

        assertThat(problems(yaml))
                .containsExactly(
                        "global.database.jdbc_url: 'jdbc:postgresql://localhost:5432' must start with jdbc:mysql:// (line 3)");
    }

    @Test
    void aSiemTopicKafkaWouldTakeForATenantsTopicIsRefused() {
        String yaml = MINIMAL.replace(
                "database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}",
                "database: {jdbc_url: \"jdbc:mysql://localhost:9030\"}\n  siem_topic: tenant.colorado_state.audit");

        assertThat(problems(yaml))
                .containsExactly("global.siem_topic: 'tenant.colorado_state.audit' must not start"
                        + " with tenant_ (or tenant. with '.' for '_', which Kafka counts as the same name): that prefix"
                        + " begins tenants' own topics (line 4)");
    }

    @Test
    void theAnonymousPrincipalIsNoTenantsUser() {
        String yaml = MINIMAL.replace(
                        "kafka: {bootstrap_servers: \"localhost:9092\"}",
                        "kafka: {bootstrap_servers: \"localhost:9092\", security_protocol: SASL_PLAINTEXT}")
                + "    kafka: {username: colorado_job, password: colorado-job-password-1, publisher_username: ANONYMOUS,"
                + " publisher_password: colorado-publisher-password-1}\n";

        assertThat(problems(yaml))
                .containsExactly("tenants.colorado_state.kafka.publisher_username: 'ANONYMOUS'"
                        + " is the principal Kafka gives unauthenticated clients (line 16)");
    }

    @Test
    void kafkaPrincipalsAreNotShared() {
        String yaml = MINIMAL + """
                    kafka: {username: tenant_shared}
                  texas_state:
                    organization: Texas Division of Emergency Management
                    classification_level: INTERNAL
                    database: {schema: texas_emergency, user: texas_writer, encryption_key: texas_state_key_v1}
                    kafka: {username: tenant_shared}
                    data_restrictions: {allowed_states: [TX], allowed_classifications: [PUBLIC]}
                    keystore: {path: /var/lib/enclave/keys/texas_state.bcfks, password: texas-keystore-password}
                """;

        assertThat(problems(yaml))
                .containsExactly("tenants.texas_state.kafka.username: kafka username"
                        + " 'tenant_shared' is already used by tenant colorado_state (line 21)");
    }

    @Test
    void malformedEnvironmentReferencesAreReported() {
        String yaml = MINIMAL.replace(
                "Colorado Division of Homeland Security and Emergency Management",
                "\"${ORG_NAME:-${FALLBACK}} ${1BAD} ${UNCLOSED\"");

        List<String> problems = problems(yaml);

        assertThat(problems)
                .containsExactly(
                        "tenants.colorado_state.organization: '${ORG_NAME:-${FALLBACK}' is not a valid reference;"
                                + " write ${NAME} or ${NAME:-default} (line 6)",
                        "tenants.colorado_state.organization: '${1BAD}' is not a valid reference;"
                                + " write ${NAME} or ${NAME:-default} (line 6)",
                        "tenants.colorado_state.organization: '${' is not closed; write ${NAME} or ${NAME:-default} (line 6)");
    }

    @Test
    void everyMissingVariableOfAScalarIsNamed() {
        String yaml = MINIMAL.replace("jdbc:mysql://localhost:9030", "jdbc:mysql://${DB_HOST}:${DB_PORT}");

        assertThat(problems(yaml))
                .containsExactly(
                        "global.database.jdbc_url: environment variable DB_HOST is not set (line 3)",
                        "global.database.jdbc_url: environment variable DB_PORT is not set (line 3)");
    }
}
