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
 * moment it sends a request. When the response is in ({@link #completed}), the permit's time
 * moves to that moment: the upstream received the request somewhere between sending and
 * answering, so counting from the answer means the upstream never sees more than N in its own
 * window, however long the first connection took. A small margin (1%, at least 50 ms) covers
 * clock granularity.
 */
public final class SlidingWindowRateLimiter implements RateLimiter<PollSplit> {
    private final int permits;
    private final long windowMillis;
    private final LongSupplier clock;
    private final ArrayDeque<Permit> taken = new ArrayDeque<>();

    /** One request's slot in the window; its time is when it was sent, then when it was answered. */
    public static final class Permit {
        private long time;
        private boolean expired;

        private Permit(long time) {
            this.time = time;
        }
    }

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
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS));
    }

    /** Takes a permit for a request sent now; null when the window has none left. */
    public Permit tryConsume() {
        long now = clock.getAsLong();
        prune(now);
        if (taken.size() >= permits) {
            return null;
        }
        Permit permit = new Permit(now);
        taken.addLast(permit);
        return permit;
    }

    /**
     * The request of {@code permit} was answered now: its slot moves to the end of the log,
     * which keeps the log in time order however many requests were in flight.
     */
    public void completed(Permit permit) {
        if (!permit.expired) {
            taken.remove(permit);
        }
        permit.expired = false;
        permit.time = clock.getAsLong();
        taken.addLast(permit);
    }

    /** Milliseconds until a permit is free; 0 when one is free now. */
    public long millisUntilFree() {
        long now = clock.getAsLong();
        prune(now);
        return taken.size() < permits ? 0 : Math.max(1, taken.peekFirst().time + windowMillis - now);
    }

    public int permits() {
        return permits;
    }

    private void prune(long now) {
        while (!taken.isEmpty() && taken.peekFirst().time + windowMillis <= now) {
            taken.removeFirst().expired = true;
        }
    }
}
