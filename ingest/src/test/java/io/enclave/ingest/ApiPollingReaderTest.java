package io.enclave.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.RateLimit;
import io.enclave.config.Secret;
import io.enclave.config.StateScope;
import io.enclave.embedded.api.ApiStandIn;
import io.enclave.embedded.api.ApiStandIn.Api;
import io.enclave.embedded.api.ApiStandIn.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The polling reader against a real local HTTP server answering like OpenFEMA and NWS, with
 * generated records: paging, scoped requests, resuming from a snapshot, backoff, the limit
 * and refused keys.
 */
class ApiPollingReaderTest {
    private static final String KEY = "fema-key-7c1d2e-do-not-log";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ApiStandIn server;

    @BeforeEach
    void start() throws Exception {
        server = ApiStandIn.start(GeneratedApiData.declarations(95), GeneratedApiData.alerts(60));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void femaPagesOnlyTheTenantsStatesAndResumesFromASnapshotWithoutLossOrRepeat() throws Exception {
        ApiSourceConfig config = config(UpstreamApi.OPENFEMA, StateScope.of(List.of("CO", "WY")), null, 7);
        ApiPollingSource source = new ApiPollingSource(config);

        SourceReader<ApiRecord, PollSplit> first = reader(config);
        first.addSplits(source.initialSplits());
        first.notifyNoMoreSplits();
        ReaderDriver before = new ReaderDriver();
        before.run(first, records -> records.size() >= 30, TIMEOUT);
        List<PollSplit> snapshot = first.snapshotState(1);
        first.close();
        // Mid-history, on a shared lastRefresh instant: the cursor holds the ids seen at it.
        assertThat(snapshot)
                .singleElement()
                .satisfies(s -> assertThat(s.idsAtCursor()).isNotEmpty());

        SourceReader<ApiRecord, PollSplit> second = reader(config);
        second.addSplits(snapshot);
        second.notifyNoMoreSplits();
        ReaderDriver after = new ReaderDriver();
        after.run(second, records -> false, TIMEOUT);

        List<String> ids = new ArrayList<>(ids(before.records));
        ids.addAll(ids(after.records));
        Set<String> expected = idsOfStates(server.declarations(), "CO", "WY");
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        // Every request asked for the tenant's states only, and the second reader did not start over.
        for (Request r : server.requests(Api.OPENFEMA)) {
            assertThat(r.query().get("$filter")).startsWith("(state eq 'CO' or state eq 'WY')");
            assertThat(r.query()).containsEntry("$top", "7").containsKey("$skip");
        }
        assertThat(server.requests(Api.OPENFEMA).stream()
                        .filter(r -> !r.query().get("$filter").contains("lastRefresh")))
                .as("only the very first request reads from the start of history")
                .hasSize(1);
    }

    @Test
    void nwsAsksPerStateAreaFollowsPaginationAndResumesMidPass() throws Exception {
        ApiSourceConfig config = config(UpstreamApi.NWS, StateScope.of(List.of("CO", "WY")), null, 4);
        ApiPollingSource source = new ApiPollingSource(config);
        assertThat(source.initialSplits()).extracting(PollSplit::area).containsExactly("CO", "WY");

        SourceReader<ApiRecord, PollSplit> first = reader(config);
        first.addSplits(source.initialSplits());
        first.notifyNoMoreSplits();
        ReaderDriver before = new ReaderDriver();
        before.run(first, records -> records.size() >= 10, TIMEOUT);
        List<PollSplit> snapshot = first.snapshotState(1);
        first.close();
        assertThat(snapshot).anySatisfy(s -> assertThat(s.pageUrl()).contains("cursor="));

        SourceReader<ApiRecord, PollSplit> second = reader(config);
        second.addSplits(snapshot);
        second.notifyNoMoreSplits();
        ReaderDriver after = new ReaderDriver();
        after.run(second, records -> false, TIMEOUT);

        List<String> ids = new ArrayList<>(ids(before.records));
        ids.addAll(ids(after.records));
        assertThat(ids)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(alertIdsOfStates(server.alerts(), "CO", "WY"));
        for (Request r : server.requests(Api.NWS)) {
            assertThat(r.query().get("area")).isIn("CO", "WY");
            assertThat(r.userAgent()).isEqualTo("(enclave-test, ops@example.gov)");
            assertThat(r.apiKey()).as("the FEMA key is never sent to NWS").isNull();
        }
    }

    @Test
    void backsOffOn429HonouringRetryAfterAndRetries503() throws Exception {
        server.failRequest(Api.OPENFEMA, 2, 429, "1");
        server.failRequest(Api.OPENFEMA, 3, 503, null);
        ApiSourceConfig config = config(UpstreamApi.OPENFEMA, StateScope.of(List.of("CO")), null, 10);
        SourceReader<ApiRecord, PollSplit> reader = reader(config);
        reader.addSplits(new ApiPollingSource(config).initialSplits());
        reader.notifyNoMoreSplits();
        ReaderDriver driver = new ReaderDriver();
        driver.run(reader, records -> false, TIMEOUT);

        assertThat(ids(driver.records))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(idsOfStates(server.declarations(), "CO"));
        List<Request> requests = server.requests(Api.OPENFEMA);
        assertThat(requests.get(1).status()).isEqualTo(429);
        assertThat(requests.get(2).receivedAtMillis() - requests.get(1).receivedAtMillis())
                .as("Retry-After: 1 is honoured")
                .isGreaterThanOrEqualTo(1000);
        assertThat(requests.get(2).status()).isEqualTo(503);
        assertThat(requests.get(3).status()).isEqualTo(200);
        assertThat(requests.get(3).query()).isEqualTo(requests.get(1).query());
    }

    @Test
    void theLimitHoldsInEveryWindowCountedByTheServer() throws Exception {
        ApiSourceConfig config = config(
                UpstreamApi.OPENFEMA,
                StateScope.all(),
                RateLimit.parse("4/second").orElseThrow(),
                8);
        SourceReader<ApiRecord, PollSplit> reader =
                new ApiPollingSource(config).createReader(new TestReaderContext(0, 1));
        reader.start();
        reader.addSplits(new ApiPollingSource(config).initialSplits());
        reader.notifyNoMoreSplits();
        ReaderDriver driver = new ReaderDriver();
        driver.run(reader, records -> false, TIMEOUT);

        assertThat(driver.records).hasSize(95);
        List<Long> times = server.requests(Api.OPENFEMA).stream()
                .map(Request::receivedAtMillis)
                .toList();
        assertThat(times).as("request times %s", times).hasSize(12);
        assertThat(maxInAnyWindow(times, 1000)).as("request times %s", times).isLessThanOrEqualTo(4);
        assertThat(times.get(times.size() - 1) - times.get(0))
                .as("12 requests at 4/s take over 2 s")
                .isGreaterThan(2000);
    }

    @Test
    void aRefusedKeyFailsNamingTenantAndApiButNeverTheKey() throws Exception {
        server.requireApiKey("the-right-key");
        ApiSourceConfig config = config(UpstreamApi.OPENFEMA, StateScope.of(List.of("CO")), null, 10);
        SourceReader<ApiRecord, PollSplit> reader = reader(config);
        reader.addSplits(new ApiPollingSource(config).initialSplits());

        assertThatThrownBy(() -> new ReaderDriver().run(reader, records -> false, TIMEOUT))
                .isInstanceOf(ApiAccessDeniedException.class)
                .hasMessageContaining("tenant colorado_state")
                .hasMessageContaining("OpenFEMA")
                .hasMessageContaining("401")
                .hasMessageNotContaining(KEY);
        Request sent = server.requests(Api.OPENFEMA).get(0);
        assertThat(sent.apiKey()).as("the key travels as the X-Api-Key header").isEqualTo(KEY);
        assertThat(sent.query().toString()).doesNotContain(KEY);
        assertThat(config.toString()).doesNotContain(KEY);
    }

    static int maxInAnyWindow(List<Long> sortedTimes, long windowMillis) {
        int max = 0;
        for (int i = 0; i < sortedTimes.size(); i++) {
            int n = 0;
            for (int j = i; j < sortedTimes.size() && sortedTimes.get(j) - sortedTimes.get(i) < windowMillis; j++) {
                n++;
            }
            max = Math.max(max, n);
        }
        return max;
    }

    private ApiSourceConfig config(UpstreamApi api, StateScope scope, RateLimit limit, int pageSize) {
        String base = api == UpstreamApi.OPENFEMA ? server.openFemaBaseUrl() : server.nwsBaseUrl();
        IngestOptions options = IngestOptions.defaults()
                .withOnce(true)
                .withPageSize(pageSize)
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        return new ApiSourceConfig(
                "colorado_state",
                api,
                base,
                "(enclave-test, ops@example.gov)",
                api == UpstreamApi.OPENFEMA ? Secret.of(KEY) : Secret.of(""),
                scope,
                limit,
                options);
    }

    private static SourceReader<ApiRecord, PollSplit> reader(ApiSourceConfig config) {
        ApiPollingReader reader = new ApiPollingReader(config, null);
        reader.start();
        return reader;
    }

    static List<String> ids(List<ApiRecord> records) {
        return records.stream().map(r -> r.id).toList();
    }

    static Set<String> idsOfStates(List<ObjectNode> rows, String... states) {
        Set<String> wanted = Set.of(states);
        Set<String> ids = new HashSet<>();
        rows.stream()
                .filter(r -> wanted.contains(r.path("state").asText()))
                .forEach(r -> ids.add(r.path("id").asText()));
        return ids;
    }

    static Set<String> alertIdsOfStates(List<ObjectNode> features, String... states) {
        Set<String> ids = new HashSet<>();
        for (ObjectNode f : features) {
            for (var ugc : f.path("properties").path("geocode").path("UGC")) {
                for (String state : states) {
                    if (ugc.asText().startsWith(state)) {
                        ids.add(f.path("properties").path("id").asText());
                    }
                }
            }
        }
        return ids;
    }
}
