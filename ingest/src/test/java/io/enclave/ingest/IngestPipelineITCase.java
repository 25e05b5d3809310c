package io.enclave.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantConfigLoader;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.api.ApiStandIn;
import io.enclave.embedded.api.ApiStandIn.Api;
import io.enclave.embedded.api.ApiStandIn.Request;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.testing.CommittedTopic;
import io.enclave.testing.MiniClusters;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tenant's ingest graph on real parts: a Flink MiniCluster, an embedded KRaft broker
 * (exactly-once through transactions, read back with read_committed), and a local HTTP server
 * answering like OpenFEMA and NWS with generated records. The audit side output goes to an
 * in-memory collecting sink here, which shows which refusals the graph emits; the real audit
 * path (signed submissions, transactional, read_committed, through a failover with a refusal in
 * flight) is IngestAuditITCase's in the jobs module, which owns that sink.
 */
class IngestPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.extension(1, 4);

    private static final String TENANT = "colorado_state";
    private static final String KEY = "it-fema-key-5b9e0c-must-never-be-logged";

    private static EmbeddedKafka kafka;
    private static EmbeddedMariaDb database;
    private static CapturedLogs logs;

    @BeforeAll
    static void startServers() {
        logs = CapturedLogs.install();
        kafka = EmbeddedKafka.start();
        database = EmbeddedMariaDb.shared();
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.close();
        }
        logs.uninstall();
    }

    @Test
    void restartMidPagingLosesAndDuplicatesNothingWithinTheLimitAndLeaksAreAudited() throws Exception {
        List<ObjectNode> declarations = GeneratedApiData.declarations(240);
        List<ObjectNode> alerts = GeneratedApiData.alerts(90);
        try (ApiStandIn server = ApiStandIn.start(declarations, alerts)) {
            TenantConfig tenant = tenant(server, KEY, "restart");
            // Three 503s in a row exceed max retries (2): the job fails over to its last checkpoint mid-paging.
            // Late in paging, so that checkpoints (every 200 ms) have completed even on a loaded machine.
            server.failRequest(Api.OPENFEMA, 17, 503, null);
            server.failRequest(Api.OPENFEMA, 18, 503, null);
            server.failRequest(Api.OPENFEMA, 19, 503, null);
            server.failRequest(Api.NWS, 2, 429, "1");
            // A Texas declaration the API returns although only CO and WY were asked for.
            server.leak(Api.OPENFEMA, GeneratedApiData.declaration("leaked-tx-1", "TX", "2024-01-01T00:00:00.000Z"));

            environment(server, tenant).execute(tenant.names().ingestJobName());

            List<String> disasters = CommittedTopic.keys(
                    kafka.adminClientProperties(), tenant.names().topic(StreamKind.DISASTERS));
            List<String> weather = CommittedTopic.keys(
                    kafka.adminClientProperties(), tenant.names().topic(StreamKind.WEATHER));
            assertThat(disasters)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ApiPollingReaderTest.idsOfStates(declarations, "CO", "WY"));
            assertThat(weather)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ApiPollingReaderTest.alertIdsOfStates(alerts, "CO", "WY"));

            List<Request> fema = server.requests(Api.OPENFEMA);
            assertThat(fema)
                    .filteredOn(r -> r.status() == 503)
                    .as("the failover really happened")
                    .hasSize(3);
            assertThat(fema)
                    .filteredOn(r -> !r.query().getOrDefault("$filter", "").contains("lastRefresh"))
                    .as("after the restart, paging resumed from the checkpointed cursor, not from the start")
                    .hasSize(1);
            for (Request r : fema) {
                assertThat(r.query().get("$filter")).startsWith("(state eq 'CO' or state eq 'WY')");
            }
            assertThat(server.requests(Api.NWS))
                    .allSatisfy(r -> assertThat(r.query().get("area")).isIn("CO", "WY"));

            // 5/second per API for the tenant, counted by the server, across both NWS subtasks too.
            assertThat(ApiPollingReaderTest.maxInAnyWindow(times(fema), 1000)).isLessThanOrEqualTo(5);
            assertThat(ApiPollingReaderTest.maxInAnyWindow(times(server.requests(Api.NWS)), 1000))
                    .isLessThanOrEqualTo(5);
            List<Request> nws = server.requests(Api.NWS);
            int throttled = indexOfStatus(nws, 429);
            assertThat(nws.stream()
                                    .skip(throttled + 1)
                                    .filter(r ->
                                            r.query().equals(nws.get(throttled).query()))
                                    .findFirst()
                                    .orElseThrow()
                                    .receivedAtMillis()
                            - nws.get(throttled).receivedAtMillis())
                    .as("the retry of the 429 waited for Retry-After: 1")
                    .isGreaterThanOrEqualTo(1000);

            assertThat(auditRows(tenant))
                    .containsExactly("leaked-tx-1|state_not_allowed|api:openfema|tenant_colorado_state_ingest");
            assertKeyNeverLogged();
        }
    }

    @Test
    void aRefusedKeyStopsTheJobWithAClearMessageAndTheKeyIsNeverLogged() throws Exception {
        try (ApiStandIn server = ApiStandIn.start(GeneratedApiData.declarations(30), GeneratedApiData.alerts(10))) {
            server.requireApiKey("the-key-fema-issued");
            TenantConfig tenant = tenant(server, KEY, "refused");

            assertThatThrownBy(() ->
                            environment(server, tenant).execute(tenant.names().ingestJobName()))
                    .satisfies(e -> {
                        List<String> messages = new ArrayList<>();
                        ApiAccessDeniedException denied = null;
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            messages.add(String.valueOf(t));
                            denied = t instanceof ApiAccessDeniedException d ? d : denied;
                        }
                        assertThat(denied).as("cause chain %s", messages).isNotNull();
                        assertThat(denied.getMessage())
                                .contains("tenant colorado_state", "OpenFEMA", "401", "api_access.fema_api_key");
                        assertThat(messages).noneMatch(m -> m.contains(KEY));
                    });
            assertThat(server.requests(Api.OPENFEMA))
                    .as("no restart into the same refusal")
                    .hasSize(1);
            assertKeyNeverLogged();
        }
    }

    private static void assertKeyNeverLogged() {
        List<String> lines = logs.lines();
        assertThat(lines).as("the capture works").anyMatch(l -> l.contains("tenant colorado_state, API OpenFEMA"));
        assertThat(lines).noneMatch(l -> l.contains(KEY));
    }

    private static StreamExecutionEnvironment environment(ApiStandIn server, TenantConfig tenant) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        conf.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL, tenant.processing().checkpointInterval());
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        EnclaveConfig config = config(server, KEY);
        IngestOptions options = IngestOptions.defaults()
                .withOnce(true)
                .withPageSize(10)
                .withMaxRetries(2)
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
        IngestPipeline.builder()
                .tenant(tenant)
                .sources(IngestSources.forTenant(config.global(), tenant, options))
                .recordSink(IngestKafkaSink.create(config.global(), tenant))
                .auditSink(new CollectingAuditSink())
                .build()
                .addTo(env);
        return env;
    }

    /** The tenant with its own fresh topics and database, so the two tests never see each other's data. */
    private static TenantConfig tenant(ApiStandIn server, String key, String run) throws Exception {
        TenantConfig tenant = config(server, key).tenant(TENANT);
        CollectingAuditSink.RECORDS.clear();
        try {
            kafka.admin().deleteTopics(tenant.names().topics()).all().get();
            Thread.sleep(500);
        } catch (java.util.concurrent.ExecutionException firstRunHasNoTopicsYet) {
            // Nothing to delete.
        }
        kafka.createTopics(
                tenant.processing().topicPartitions(), tenant.names().topics().toArray(String[]::new));
        try (Connection root = database.rootConnection();
                Statement st = root.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS "
                    + SqlDialect.quote(tenant.database().schema()));
            TenantDatabase db = new TenantDatabase(tenant, new MySqlDialect());
            db.createSchema(root);
            db.createUser(root);
        }
        return tenant;
    }

    private static EnclaveConfig config(ApiStandIn server, String key) throws URISyntaxException {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("JDBC_URL", database.rootJdbcUrl());
        env.put("FEMA_URL", server.openFemaBaseUrl());
        env.put("NWS_URL", server.nwsBaseUrl());
        env.put("FEMA_KEY", key);
        return TenantConfigLoader.load(
                        Path.of(IngestPipelineITCase.class
                                .getResource("/it-ingest.yaml")
                                .toURI()),
                        env)
                .sliceFor(TENANT);
    }

    private static List<String> auditRows(TenantConfig tenant) {
        return CollectingAuditSink.RECORDS.stream()
                .filter(r -> tenant.id().equals(r.tenantId))
                // Every record the sink saw, duplicates kept: the leak is served once, so even this
                // at-least-once sink must see its refusal once, failover or not.
                .map(r -> r.recordKey + "|" + r.reason + "|" + r.sourceTopic + "|" + r.jobName)
                .toList();
    }

    private static List<Long> times(List<Request> requests) {
        return requests.stream().map(Request::receivedAtMillis).sorted().toList();
    }

    private static int indexOfStatus(List<Request> requests, int status) {
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).status() == status) {
                return i;
            }
        }
        throw new AssertionError("no request answered " + status);
    }
}
