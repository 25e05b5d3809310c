package io.enclave.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enclave.config.RateLimit;
import io.enclave.config.Secret;
import io.enclave.config.StateScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** The stateful parts of the source: split state, its serializers, the enumerator and the limiter. */
class SourceStateTest {

    @Test
    void splitStateSurvivesTheCheckpointSerializers() throws Exception {
        PollSplit split = PollSplit.initial("nws-CO", 3, "CO")
                .withCursor(Instant.parse("2024-12-08T03:45:00.123Z"), Set.of("urn:a", "urn:b"))
                .withPass(
                        "http://127.0.0.1:1/alerts?area=CO&cursor=8",
                        Instant.parse("2024-12-09T00:00:00Z"),
                        Set.of("urn:c"));
        PollSplit copy = PollSplitSerializer.INSTANCE.deserialize(
                PollSplitSerializer.INSTANCE.getVersion(), PollSplitSerializer.INSTANCE.serialize(split));
        assertThat(copy).isEqualTo(split);
        assertThat(copy.idsAtCursor()).containsExactly("urn:a", "urn:b");

        PendingSplitsSerializer pending = new PendingSplitsSerializer();
        List<PollSplit> splits = List.of(split, PollSplit.initial("openfema-scope", 0, ""));
        assertThat(pending.deserialize(pending.getVersion(), pending.serialize(splits)))
                .isEqualTo(splits);
    }

    @Test
    void enumeratorGivesEachSubtaskItsOwnSplitsAndTakesThemBackOnFailover() throws Exception {
        List<PollSplit> splits = List.of(
                PollSplit.initial("nws-CO", 0, "CO"),
                PollSplit.initial("nws-TX", 1, "TX"),
                PollSplit.initial("nws-WY", 2, "WY"));
        try (MockSplitEnumeratorContext<PollSplit> context = new MockSplitEnumeratorContext<>(2)) {
            PollSplitEnumerator enumerator = new PollSplitEnumerator(context, splits, true);
            enumerator.start();
            context.registerReader(new ReaderInfo(1, "localhost"));
            enumerator.addReader(1);
            assertThat(assigned(context, 1)).containsExactly("nws-TX");
            assertThat(context.hasNoMoreSplits(1)).isTrue();
            assertThat(enumerator.snapshotState(1))
                    .extracting(PollSplit::splitId)
                    .containsExactly("nws-CO", "nws-WY");

            context.registerReader(new ReaderInfo(0, "localhost"));
            enumerator.addReader(0);
            assertThat(assigned(context, 0)).containsExactly("nws-CO", "nws-WY");
            assertThat(enumerator.snapshotState(2)).isEmpty();

            // Subtask 1 fails: its split comes back and goes to it again when it re-registers.
            context.unregisterReader(1);
            enumerator.addSplitsBack(List.of(splits.get(1)), 1);
            assertThat(enumerator.snapshotState(3))
                    .extracting(PollSplit::splitId)
                    .containsExactly("nws-TX");
            context.registerReader(new ReaderInfo(1, "localhost"));
            enumerator.addReader(1);
            assertThat(enumerator.snapshotState(4)).isEmpty();
        }
    }

    @Test
    void limiterAllowsNPerWindowAndCountsFromTheAnswer() {
        AtomicLong now = new AtomicLong(10_000);
        SlidingWindowRateLimiter limiter = new SlidingWindowRateLimiter(2, Duration.ofSeconds(1), now::get);
        SlidingWindowRateLimiter.Permit first = limiter.tryConsume();
        assertThat(first).isNotNull();
        assertThat(limiter.tryConsume()).isNotNull();
        assertThat(limiter.tryConsume()).isNull();
        now.addAndGet(400);
        limiter.completed(first);
        // Answered at 10.4 s: its slot is free again only a window (plus margin) after that.
        now.addAndGet(1000);
        assertThat(limiter.tryConsume()).as("the second permit has expired").isNotNull();
        assertThat(limiter.tryConsume()).as("the first counts from its answer").isNull();
        assertThat(limiter.millisUntilFree()).isBetween(1L, 100L);
        now.addAndGet(100);
        assertThat(limiter.tryConsume()).isNotNull();
        assertThat(limiter.acquire(1).toCompletableFuture()).isNotDone();
    }

    @Test
    void theLimitIsSharedAcrossSubtasksAndParallelismNeverExceedsIt() {
        assertThat(TenantRateLimiterStrategy.share(1000, 0, 3)).isEqualTo(334);
        assertThat(TenantRateLimiterStrategy.share(1000, 1, 3)).isEqualTo(333);
        assertThat(TenantRateLimiterStrategy.share(1000, 2, 3)).isEqualTo(333);
        assertThatThrownBy(() -> TenantRateLimiterStrategy.share(2, 2, 3)).isInstanceOf(IllegalArgumentException.class);

        ApiSourceConfig nws = new ApiSourceConfig(
                "fema_region_4",
                UpstreamApi.NWS,
                "http://127.0.0.1:1",
                "ua",
                Secret.of(""),
                StateScope.of(List.of("GA", "FL", "AL")),
                RateLimit.parse("2/hour").orElseThrow(),
                IngestOptions.defaults());
        assertThat(new ApiPollingSource(nws).parallelism(8))
                .as("min(splits 3, permits 2, wanted 8)")
                .isEqualTo(2);
    }

    @Test
    void apiRecordIsAFlinkPojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ApiRecord.class);
    }

    private static List<String> assigned(MockSplitEnumeratorContext<PollSplit> context, int subtask) {
        return context.getSplitsAssignmentSequence().stream()
                .map(SplitsAssignment::assignment)
                .flatMap(a -> a.getOrDefault(subtask, List.of()).stream())
                .map(PollSplit::splitId)
                .toList();
    }
}
