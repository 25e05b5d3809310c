package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.api.ApiStandIn;
import io.enclave.embedded.api.ApiStandIn.Api;
import io.enclave.embedded.api.ApiStandIn.Request;
import io.enclave.ingest.IngestOptions;
import io.enclave.jobs.TenantIngestJob;
import io.enclave.jobs.TenantJob;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditSubmission;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.testing.CommittedTopic;
import io.enclave.testing.FreshTenantDatabase;
import io.enclave.testing.MiniClusters;
import io.enclave.testing.SharedSamples;
import io.enclave.testing.TenantColumn;
import io.enclave.testing.TenantYaml;
import io.enclave.testing.TestKeys;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job's refusals end in the tenant's chain: the OpenFEMA stand-in serves the real
 * samples plus a Texas declaration Colorado never asked for; the ingest job drops it and
 * submits the refusal, signed, to tenant_colorado_state_audit; the processing job chains it
 * into audit_log, where {@code audit verify} covers it. Once on a plain broker, once on the SASL
 * broker with only the ACLs that {@code provision} made.
 */
class IngestAuditITCase {
    private static final String KAFKA_ADMIN = "enclave-admin";
    private static final String KAFKA_ADMIN_PASSWORD = "it-ingest-audit-admin-password";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 2);

    @TempDir
    Path tmp;

    @Test
    void aRecordTheApiReturnedOutOfScopeIsRefusedAndChainedInTheTenantsAuditLog() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            refusalIsChained(
                    kafka, "{bootstrap_servers: \"" + kafka.bootstrapServers() + "\"}", "", (configFile, tenant) -> {
                        kafka.createTopics(1, tenant.names().topics().toArray(String[]::new));
                        kafka.createTopics(1, tenant.names().auditTopic());
                    });
        }
    }

    /**
     * The same on the SASL/SCRAM broker with the StandardAuthorizer, with nothing but the topics,
     * users and ACLs {@code ./enclave provision --kafka} made: the ingest job's two exactly-once
     * sinks run Kafka transactions as the tenant's publisher, and {@code keys rotate} and
     * {@code decrypt} submit their records as the publisher too; the processing job chains all of
     * them as the tenant's job principal.
     */
    @Test
    void onTheSaslBrokerWithTheAclsProvisionMadeIngestionAndCommandsAreAuditedExactlyOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.startWithSasl(KAFKA_ADMIN, KAFKA_ADMIN_PASSWORD)) {
            Path adminConfig = tmp.resolve("kafka-admin.properties");
            Properties admin = new Properties();
            kafka.adminClientProperties().forEach((k, v) -> admin.setProperty(k, v.toString()));
            try (OutputStream out = Files.newOutputStream(adminConfig)) {
                admin.store(out, "admin client of the test broker");
            }
            List<String> chained = refusalIsChained(
                    kafka,
                    "{security_protocol: SASL_PLAINTEXT, sasl_mechanism: SCRAM-SHA-512}",
                    "{username: tenant_colorado_state, password: it-ingest-sasl-job-password,"
                            + " publisher_username: tenant_colorado_state_publisher,"
                            + " publisher_password: it-ingest-sasl-publisher-password}",
                    (configFile, tenant) -> {
                        CliRun provision = CliRun.of(
                                "provision",
                                "-c",
                                configFile.toString(),
                                "--kafka",
                                "--kafka-admin-config",
                                adminConfig.toString());
                        assertThat(provision.exit()).as(provision.toString()).isZero();
                        assertThat(provision.out())
                                .contains("acl User:tenant_colorado_state_publisher ALLOW WRITE"
                                        + " TRANSACTIONAL_ID tenant_colorado_state-*");
                        // Commands submit while no processing job runs; it chains them when it starts.
                        CliRun rotate = CliRun.of(
                                "keys", "rotate", "--config", configFile.toString(), "--tenant", "colorado_state");
                        assertThat(rotate.exit()).as(rotate.toString()).isZero();
                        CliRun decrypt = CliRun.of(
                                "decrypt",
                                "--config",
                                configFile.toString(),
                                "--tenant",
                                "colorado_state",
                                "--table",
                                "disaster_declarations",
                                "--column",
                                "designated_area",
                                "--row-key",
                                "forged-row",
                                "enc:forged");
                        assertThat(decrypt.exit())
                                .as("refused, and audited: " + decrypt)
                                .isEqualTo(1);
                        assertThat(decrypt.err()).contains("not an Enclave ciphertext");
                    },
                    "KEYS_ROTATE",
                    "DECRYPT");
            assertThat(chained).containsExactlyInAnyOrder("KEYS_ROTATE SUCCESS ", "DECRYPT FAILED forged-row");
        }
    }

    /**
     * The ingest job's audit path, the real one ({@code AuditTopic.ingestSink}: signed,
     * transactional, committed with checkpoints), through a failover that lands while a refusal
     * is in flight: the API returns a Texas declaration, and the next three OpenFEMA requests
     * fail (more than max retries, a few seconds later, so the refusal has reached the broker
     * in an open transaction), before any checkpoint can complete. The restarted job
     * fetches again and the API returns the Texas declaration again. A read_committed reader of
     * the audit topic must see every submission exactly once, counted as a multiset; a
     * read_uncommitted one sees the aborted copy too, which proves the fault hit it in flight.
     */
    @Test
    void aFailoverWithARefusalInFlightLeavesEachIngestSubmissionCommittedExactlyOnce() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                ApiStandIn server = ApiStandIn.fromSamples(SharedSamples.dir(), 0)) {
            EmbeddedMariaDb database = EmbeddedMariaDb.shared();
            ObjectNode texas = server.declarations().stream()
                    .filter(r -> "TX".equals(r.path("state").asText()))
                    .findFirst()
                    .orElseThrow()
                    .deepCopy();
            String texasId = texas.path("id").asText();
            // Served with the first page (one row a page: the samples hold few Colorado rows); requests 2 to 4
            // fail, so the job fails over a moment after the refusal.
            server.leak(Api.OPENFEMA, texas);
            for (int nth = 2; nth <= 4; nth++) {
                server.failRequest(Api.OPENFEMA, nth, 503, null);
            }
            Path configFile =
                    config(kafka, "{}", null, database.rootJdbcUrl(), server).write(tmp.resolve("tenants.yaml"));
            EnclaveConfig config = TenantConfigLoader.load(configFile);
            TenantConfig tenant = config.tenant("colorado_state");
            TestKeys.initialise(List.of(tenant));
            kafka.createTopics(1, tenant.names().topics().toArray(String[]::new));
            kafka.createTopics(1, tenant.names().auditTopic());
            // No checkpoint within the first 30 seconds: the refusal is still in an open transaction at the fault.
            Configuration slowCheckpoints = new Configuration();
            slowCheckpoints.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
            JobClient ingest = TenantIngestJob.environment(
                            config.global(),
                            tenant,
                            IngestOptions.defaults()
                                    .withOnce(true)
                                    .withPageSize(1)
                                    .withMaxRetries(2)
                                    .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2)),
                            slowCheckpoints)
                    .executeAsync(tenant.names().ingestJobName());
            try {
                awaitFailures(server, 3);
                // The restarted job pages from the start again, and the API answers as before, Texas included.
                server.leak(Api.OPENFEMA, texas);
                ingest.getJobExecutionResult().get(3, TimeUnit.MINUTES);
            } catch (TimeoutException e) {
                ingest.cancel().get();
                throw new AssertionError("the ingest job did not finish within 3 minutes", e);
            }

            List<Request> fema = server.requests(Api.OPENFEMA);
            assertThat(fema)
                    .filteredOn(r -> r.status() == 503)
                    .as("the injected failures")
                    .hasSize(3);
            // The first page twice: the restarted job had no checkpoint to resume from, so none covered the refusal.
            assertThat(fema)
                    .filteredOn(r -> r.status() == 200 && "0".equals(r.query().get("$skip")))
                    .as("first pages fetched")
                    .hasSize(2);
            String refusal = "RECORD_REJECTED DENIED state_not_allowed " + texasId + " api:openfema";
            List<String> committed = submissions(kafka, tenant, IsolationLevel.READ_COMMITTED);
            assertThat(committed)
                    .as("every committed submission, duplicates kept")
                    .containsExactly(refusal);
            assertThat(submissions(kafka, tenant, IsolationLevel.READ_UNCOMMITTED))
                    .as("the first refusal was in flight when the job failed over, and its transaction was aborted")
                    .containsExactly(refusal, refusal);
        }
    }

    /** Waits until the API stand-in has answered {@code count} injected 503s; fails if it never does. */
    private static void awaitFailures(ApiStandIn server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (server.requests(Api.OPENFEMA).stream()
                        .filter(r -> r.status() == 503)
                        .count()
                < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the injected failures were not all requested within 2 minutes: "
                        + server.requests(Api.OPENFEMA));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Every submission on the tenant's audit topic, decoded and verified with the trust file, as
     * "action outcome reason record_key source_topic", in topic order with duplicates kept.
     */
    private static List<String> submissions(EmbeddedKafka kafka, TenantConfig tenant, IsolationLevel isolation)
            throws Exception {
        AuditTrust trust = AuditTrust.read(AuditSigning.trustFile(tenant));
        List<String> lines = new ArrayList<>();
        for (var r : CommittedTopic.records(
                kafka.adminClientProperties(), tenant.names().auditTopic(), isolation)) {
            AuditRecord a = AuditSubmission.decode(r.value(), trust);
            lines.add(a.action + " " + a.outcome + " " + a.reason + " " + a.recordKey + " " + a.sourceTopic);
        }
        return lines;
    }

    /** How a variant makes the tenant's topics (and principals) before the jobs run. */
    @FunctionalInterface
    private interface Setup {
        void prepare(Path configFile, TenantConfig tenant) throws Exception;
    }

    /**
     * The ingest job drops a Texas declaration, submits the refusal, and the processing job chains
     * it, plus the records of {@code commands}; returns those as "action outcome record_key".
     */
    private List<String> refusalIsChained(
            EmbeddedKafka kafka, String globalKafka, String tenantKafka, Setup setup, String... commands)
            throws Exception {
        Path samples = SharedSamples.dir();
        try (ApiStandIn server = ApiStandIn.fromSamples(samples, 0)) {
            EmbeddedMariaDb database = EmbeddedMariaDb.shared();
            ObjectNode texas = server.declarations().stream()
                    .filter(r -> "TX".equals(r.path("state").asText()))
                    .findFirst()
                    .orElseThrow()
                    .deepCopy();
            server.leak(Api.OPENFEMA, texas);
            Path configFile = config(kafka, globalKafka, tenantKafka, database.rootJdbcUrl(), server)
                    .write(tmp.resolve("tenants.yaml"));
            EnclaveConfig config = TenantConfigLoader.load(configFile);
            TenantConfig tenant = config.tenant("colorado_state");
            TestKeys.initialise(List.of(tenant));
            try (Connection root = database.rootConnection()) {
                FreshTenantDatabase.recreate(root, tenant);
            }
            setup.prepare(configFile, tenant);

            // Bounded: a job whose transactions the broker refuses restarts for ever.
            JobClient ingest = TenantIngestJob.environment(
                            config.global(), tenant, IngestOptions.defaults().withOnce(true), new Configuration())
                    .executeAsync(tenant.names().ingestJobName());
            try {
                ingest.getJobExecutionResult().get(3, TimeUnit.MINUTES);
            } catch (TimeoutException e) {
                ingest.cancel().get();
                throw new AssertionError("the ingest job did not finish within 3 minutes", e);
            }

            JobClient job = TenantJob.environment(config.global(), tenant)
                    .executeAsync(tenant.names().jobName());
            List<String> refusals;
            String chainedCommands = "SELECT CONCAT(action, ' ', outcome, ' ', COALESCE(record_key, '')) FROM audit_log"
                    + " WHERE source_topic = 'cli'";
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                do {
                    Thread.sleep(500);
                    refusals = rows(
                            database,
                            tenant,
                            "SELECT CONCAT(reason, ' ', record_key, ' ', source_topic, ' ', "
                                    + "job_name) FROM audit_log WHERE action = 'RECORD_REJECTED' AND source_topic LIKE 'api:%'");
                } while ((refusals.isEmpty()
                                || rows(database, tenant, chainedCommands).size() < commands.length)
                        && System.nanoTime() < deadline);
                // Wait for the head to cover the refusal, so verify sees a sealed chain.
                while (System.nanoTime() < deadline
                        && verify(configFile, database).exit() != 0) {
                    Thread.sleep(500);
                }
            } finally {
                job.cancel().get();
            }

            assertThat(refusals)
                    .containsExactly("state_not_allowed " + texas.path("id").asText()
                            + " api:openfema tenant_colorado_state_ingest");
            assertThat(rows(
                            database,
                            tenant,
                            "SELECT COUNT(*) FROM audit_log WHERE action = 'RECORD_REJECTED' "
                                    + "AND reason LIKE '%audit_submission'"))
                    .containsExactly("0");
            CliRun verified = verify(configFile, database);
            assertThat(verified.exit()).as(verified.err()).isZero();
            assertThat(verified.out()).contains("audit chain of colorado_state verified");
            return rows(database, tenant, chainedCommands);
        }
    }

    private static CliRun verify(Path configFile, EmbeddedMariaDb database) {
        return CliRun.of(
                "audit",
                "verify",
                "--config",
                configFile.toString(),
                "--tenant",
                "colorado_state",
                "--jdbc-url",
                database.rootJdbcUrl());
    }

    private static List<String> rows(EmbeddedMariaDb database, TenantConfig tenant, String sql) throws Exception {
        try (Connection root = database.rootConnection()) {
            return TenantColumn.read(root, tenant, sql);
        }
    }

    /**
     * colorado_state on {@code kafka}, with {@code globalKafka} (flow YAML) added to the global Kafka section and,
     * unless null, {@code tenantKafka} (flow YAML) as the tenant's own Kafka logins.
     */
    private TenantYaml config(
            EmbeddedKafka kafka, String globalKafka, String tenantKafka, String jdbcUrl, ApiStandIn server) {
        return TenantYaml.global(kafka.bootstrapServers(), jdbcUrl)
                .globalKafka(globalKafka)
                .apis(server.openFemaBaseUrl(), server.nwsBaseUrl())
                .tenant("colorado_state", t -> {
                    t.organization("Colorado Division of Homeland Security and Emergency Management")
                            .keystore(tmp.resolve("keys.p12").toString(), "it-ingest-audit-keys", "PKCS12")
                            .database(
                                    "it_ingest_audit_colorado",
                                    "it_ingest_audit_writer",
                                    "it-ingest-audit-db",
                                    "colorado_state_key_v1")
                            .section(
                                    "api_access",
                                    "{noaa_scope: [CO], rate_limits: {fema: 600/minute, noaa: 600/minute}}")
                            .restrictions(List.of("CO"), List.of("PUBLIC", "INTERNAL", "RESTRICTED"))
                            .section(
                                    "processing", "{checkpoint_interval: 1s, batch_interval: 1s, topic_partitions: 1}");
                    return tenantKafka == null ? t : t.section("kafka", tenantKafka);
                });
    }
}
