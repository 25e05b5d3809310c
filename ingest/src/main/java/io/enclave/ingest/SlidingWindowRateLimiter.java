package io.enclave.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;

/**
 * A strict "at most N requests in any window" limiter for {@code RateLimitedSourceReader}.
 *
 * <p>Flink's {@code GuavaRateLimiter} smooths a rate and lets a stored permit through early, so
 * 1000/hour can become 1001 in an hour; and the wrapper acquires its permit before the split is
 * even due, so a permit taken early would let requests bunch up later. Here {@link #acquire}
 * only waits until a permit is free, and the reader takes it ({@link #tryConsume}) at the
 * moment it sends a request, so the log of send times is the real request log. The window is
 * stretched by a small margin (1%, at least 50 ms) so that the upstream, which sees a request a
 * little after it was sent, counts no more than N either.
 */
public final class SlidingWindowRateLimiter implements RateLimiter<PollSplit> {
    private final int permits;
    private final long windowMillis;
    private final LongSupplier clock;
    private final ArrayDeque<Long> sendTimes = new ArrayDeque<>();

    public SlidingWindowRateLimiter(int permits, Duration window) {
        this(permits, window, System::currentTimeMillis);
    }

    SlidingWindowRateLimiter(int permits, Duration window, LongSupplier clock) {
        if (permits < 1) {
            throw new IllegalArgumentException("a limiter needs at least one permit per window");
        }
        this.permits = permits;
        long w = window.toMillis();
        this.windowMillis = w + Math.max(50, w / 100);
        this.clock = clock;
    }

    /** Completes once a request could be sent; takes nothing, the sender does. */
    @Override
    public CompletionStage<Void> acquire(int numberOfEvents) {
        long wait = millisUntilFree();
        if (wait <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS));
    }

    /** Takes a permit for a request sent now, if the window has one left. */
    public boolean tryConsume() {
        long now = clock.getAsLong();
        prune(now);
        if (sendTimes.size() >= permits) {
            return false;
        }
        sendTimes.addLast(now);
        return true;
    }

    /** Milliseconds until a permit is free; 0 when one is free now. */
    public long millisUntilFree() {
        long now = clock.getAsLong();
        prune(now);
        return sendTimes.size() < permits ? 0 : sendTimes.peekFirst() + windowMillis - now;
    }

    public int permits() {
        return permits;
    }

    private void prune(long now) {
        while (!sendTimes.isEmpty() && sendTimes.peekFirst() + windowMillis <= now) {
            sendTimes.removeFirst();
        }
    }
}
