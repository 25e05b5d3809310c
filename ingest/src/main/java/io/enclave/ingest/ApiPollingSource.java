package io.enclave.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimitedSourceReader;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink 2.x source polling one API for one tenant. OpenFEMA is one split (one request
 * covers all the tenant's states); NWS is one split per state of its scope ({@code area=}),
 * or a single unfiltered split for {@code ALL}. Unbounded by default; bounded with
 * {@link IngestOptions#once()}, finishing when every split has caught up.
 *
 * <p>Readers are wrapped in Flink's {@link RateLimitedSourceReader}, with this subtask's share
 * of the tenant's limit from {@link TenantRateLimiterStrategy}.
 */
public final class ApiPollingSource
        implements Source<ApiRecord, PollSplit, List<PollSplit>>, ResultTypeQueryable<ApiRecord> {
    private static final long serialVersionUID = 1L;

    private final ApiSourceConfig config;

    public ApiPollingSource(ApiSourceConfig config) {
        this.config = config;
    }

    public ApiSourceConfig config() {
        return config;
    }

    /** The splits a fresh job starts with. */
    public List<PollSplit> initialSplits() {
        if (config.api() == UpstreamApi.OPENFEMA || config.scope().isAll()) {
            return List.of(
                    PollSplit.initial(config.api().id() + "-" + (config.scope().isAll() ? "all" : "scope"), 0, ""));
        }
        List<PollSplit> splits = new ArrayList<>();
        for (String state : new TreeSet<>(config.scope().codes())) {
            splits.add(PollSplit.initial(config.api().id() + "-" + state, splits.size(), state));
        }
        return splits;
    }

    /**
     * Parallelism that uses every share of the limit: no more subtasks than splits (an idle
     * subtask's share would be wasted) nor than permits (a subtask needs one), nor than asked.
     */
    public int parallelism(int wanted) {
        long cap = Math.min(
                initialSplits().size(), config.rateLimit().map(l -> l.permits()).orElse(Long.MAX_VALUE));
        return (int) Math.max(1, Math.min(wanted, cap));
    }

    @Override
    public Boundedness getBoundedness() {
        return config.options().once() ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<PollSplit, List<PollSplit>> createEnumerator(SplitEnumeratorContext<PollSplit> context) {
        return new PollSplitEnumerator(
                context, initialSplits(), config.options().once());
    }

    @Override
    public SplitEnumerator<PollSplit, List<PollSplit>> restoreEnumerator(
            SplitEnumeratorContext<PollSplit> context, List<PollSplit> pending) {
        return new PollSplitEnumerator(context, pending, config.options().once());
    }

    @Override
    public SimpleVersionedSerializer<PollSplit> getSplitSerializer() {
        return PollSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<List<PollSplit>> getEnumeratorCheckpointSerializer() {
        return new PendingSplitsSerializer();
    }

    @Override
    public SourceReader<ApiRecord, PollSplit> createReader(SourceReaderContext context) {
        if (config.rateLimit().isEmpty()) {
            return new ApiPollingReader(config, null);
        }
        SlidingWindowRateLimiter limiter = new TenantRateLimiterStrategy(
                        config.rateLimit().get())
                .forSubtask(context.getIndexOfSubtask(), context.currentParallelism());
        return new RateLimitedSourceReader<>(new ApiPollingReader(config, limiter), limiter);
    }

    @Override
    public TypeInformation<ApiRecord> getProducedType() {
        return TypeInformation.of(ApiRecord.class);
    }
}
