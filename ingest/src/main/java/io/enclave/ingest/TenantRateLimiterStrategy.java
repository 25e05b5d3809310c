package io.enclave.ingest;

import io.enclave.config.RateLimit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * One tenant's limit for one API ({@code fema: 1000/hour}) split across the source's subtasks,
 * so that all of them together never exceed it: each subtask gets {@code N / parallelism}
 * requests per window, and the first {@code N % parallelism} subtasks one more. The source's
 * parallelism is capped at N, so no subtask is left with no permit at all.
 */
public final class TenantRateLimiterStrategy implements RateLimiterStrategy<PollSplit> {
    private static final long serialVersionUID = 1L;

    private final RateLimit limit;

    public TenantRateLimiterStrategy(RateLimit limit) {
        this.limit = limit;
    }

    /** The share of subtask 0, as Flink's interface asks; readers use {@link #forSubtask}. */
    @Override
    public SlidingWindowRateLimiter createRateLimiter(int parallelism) {
        return forSubtask(0, parallelism);
    }

    public SlidingWindowRateLimiter forSubtask(int subtask, int parallelism) {
        return new SlidingWindowRateLimiter(
                (int) share(limit.permits(), subtask, parallelism),
                limit.window().length());
    }

    static long share(long permits, int subtask, int parallelism) {
        long share = permits / parallelism + (subtask < permits % parallelism ? 1 : 0);
        if (share < 1) {
            throw new IllegalArgumentException("limit " + permits + " per window cannot be shared by " + parallelism
                    + " subtasks; the source's parallelism must not exceed it");
        }
        return share;
    }
}
