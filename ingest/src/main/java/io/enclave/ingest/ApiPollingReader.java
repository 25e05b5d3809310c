package io.enclave.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.core.io.InputStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one API for the splits assigned to this subtask: at most one request in flight, sent
 * asynchronously, so a slow upstream never blocks checkpoints. One {@link #pollNext} either
 * sends a request or delivers a response's records and moves that split's cursor, so the
 * records and the cursor always enter a checkpoint together.
 *
 * <p>Every request takes a permit from the tenant's limiter at the moment it is sent, retries
 * included. 429, 5xx, network errors and unreadable pages back off (see {@link Backoff}); after
 * {@code maxRetries} in a row the job fails over to its last checkpoint. 401/403 stop the job.
 */
final class ApiPollingReader implements SourceReader<ApiRecord, PollSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiPollingReader.class);

    private final ApiSourceConfig config;
    private final ApiProtocol protocol;
    private final SlidingWindowRateLimiter limiter;
    private final LongSupplier clock;
    private final Map<String, Progress> splits = new LinkedHashMap<>();
    private boolean noMoreSplits;
    private HttpClient http;
    private InFlight inFlight;
    private CompletableFuture<Void> wakeup = new CompletableFuture<>();

    /** A split's position and schedule on this subtask. */
    private static final class Progress {
        PollSplit split;
        long dueAt;
        int failures;
        boolean finished;

        Progress(PollSplit split, long dueAt) {
            this.split = split;
            this.dueAt = dueAt;
        }
    }

    private record InFlight(
            Progress progress,
            URI uri,
            SlidingWindowRateLimiter.Permit permit,
            CompletableFuture<HttpResponse<byte[]>> response) {}

    /** @param limiter this subtask's share of the tenant's limit; null when the config sets none */
    ApiPollingReader(ApiSourceConfig config, SlidingWindowRateLimiter limiter) {
        this(config, limiter, System::currentTimeMillis);
    }

    ApiPollingReader(ApiSourceConfig config, SlidingWindowRateLimiter limiter, LongSupplier clock) {
        this.config = config;
        this.protocol = ApiProtocol.forConfig(config);
        this.limiter = limiter;
        this.clock = clock;
    }

    @Override
    public void start() {
        http = HttpClient.newBuilder()
                .connectTimeout(config.options().requestTimeout())
                // A redirect could carry the key's header to another host; a 3xx is an error instead.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        LOG.info(
                "{}: polling {} for states {} (limit {})",
                config.describe(),
                config.baseUrl(),
                config.scope(),
                config.rateLimit().map(Object::toString).orElse("none"));
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ApiRecord> output) throws Exception {
        if (inFlight != null) {
            if (!inFlight.response().isDone()) {
                return InputStatus.NOTHING_AVAILABLE;
            }
            InFlight done = inFlight;
            inFlight = null;
            handle(done, output);
            return status();
        }
        Progress next = firstDue(clock.getAsLong());
        if (next == null) {
            return status();
        }
        SlidingWindowRateLimiter.Permit permit = null;
        if (limiter != null) {
            permit = limiter.tryConsume();
            if (permit == null) {
                return InputStatus.NOTHING_AVAILABLE;
            }
        }
        send(next, permit);
        return InputStatus.NOTHING_AVAILABLE;
    }

    private void send(Progress progress, SlidingWindowRateLimiter.Permit permit) {
        URI uri = protocol.pageUri(progress.split);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(config.options().requestTimeout())
                .header("User-Agent", config.userAgent())
                .header("Accept", protocol.accept())
                .GET();
        if (config.api() == UpstreamApi.OPENFEMA && !config.apiKey().isEmpty()) {
            // A header, not a query parameter: URLs end up in proxy and server logs, headers do not.
            request.header("X-Api-Key", config.apiKey().reveal());
        }
        inFlight = new InFlight(
                progress, uri, permit, http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private void handle(InFlight done, ReaderOutput<ApiRecord> output) throws IOException {
        Progress p = done.progress();
        long now = clock.getAsLong();
        if (done.permit() != null) {
            limiter.completed(done.permit());
        }
        HttpResponse<byte[]> response;
        try {
            response = done.response().join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            failed(p, done.uri(), "network error " + cause.getClass().getSimpleName(), Optional.empty(), now);
            return;
        }
        int status = response.statusCode();
        if (status == 200) {
            Page page;
            try {
                page = protocol.read(p.split, response.body(), now);
            } catch (MalformedPageException e) {
                failed(p, done.uri(), e.getMessage(), Optional.empty(), now);
                return;
            }
            for (ApiRecord record : page.records()) {
                output.collect(record);
            }
            p.split = page.next();
            p.failures = 0;
            if (!page.caughtUp()) {
                p.dueAt = now;
            } else if (config.options().once()) {
                p.finished = true;
                LOG.info("{}: split {} caught up at {}", config.describe(), p.split.splitId(), p.split.cursor());
            } else {
                p.dueAt = now + config.options().pollInterval().toMillis();
            }
            return;
        }
        if (status == 401 || status == 403) {
            throw new ApiAccessDeniedException(config, status);
        }
        if (status == 429 || status >= 500) {
            failed(p, done.uri(), "HTTP " + status, Backoff.retryAfter(response.headers()), now);
            return;
        }
        throw new IOException(config.describe() + ": unexpected HTTP " + status + " for "
                + done.uri().getPath());
    }

    private void failed(Progress p, URI uri, String what, Optional<Duration> retryAfter, long now) throws IOException {
        p.failures++;
        if (p.failures > config.options().maxRetries()) {
            throw new IOException(config.describe() + ": " + uri.getPath() + " failed " + p.failures
                    + " times in a row (last: " + what + "); failing over to the last checkpoint");
        }
        Duration delay = Backoff.delay(
                p.failures,
                retryAfter,
                config.options().initialBackoff(),
                config.options().maxBackoff());
        p.dueAt = now + delay.toMillis();
        LOG.warn(
                "{}: {} answered {}; retry {} of {} in {} ms",
                config.describe(),
                uri.getPath(),
                what,
                p.failures,
                config.options().maxRetries(),
                delay.toMillis());
    }

    private Progress firstDue(long now) {
        Progress first = null;
        for (Progress p : splits.values()) {
            if (!p.finished && p.dueAt <= now && (first == null || p.dueAt < first.dueAt)) {
                first = p;
            }
        }
        return first;
    }

    private boolean allFinished() {
        return splits.values().stream().allMatch(p -> p.finished);
    }

    private InputStatus status() {
        if (inFlight == null && noMoreSplits && allFinished()) {
            return InputStatus.END_OF_INPUT;
        }
        return inFlight == null && firstDue(clock.getAsLong()) != null
                ? InputStatus.MORE_AVAILABLE
                : InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (inFlight != null) {
            return inFlight.response().handle((response, error) -> null);
        }
        long now = clock.getAsLong();
        if ((noMoreSplits && allFinished()) || firstDue(now) != null) {
            return CompletableFuture.completedFuture(null);
        }
        long due = Long.MAX_VALUE;
        for (Progress p : splits.values()) {
            if (!p.finished) {
                due = Math.min(due, p.dueAt);
            }
        }
        if (due == Long.MAX_VALUE) {
            return wakeup;
        }
        CompletableFuture<Void> timer = CompletableFuture.runAsync(
                () -> {}, CompletableFuture.delayedExecutor(due - now, TimeUnit.MILLISECONDS));
        return CompletableFuture.anyOf(timer, wakeup).thenApply(ignored -> null);
    }

    @Override
    public List<PollSplit> snapshotState(long checkpointId) {
        // A request in flight is not in the state: its split's position is still before it.
        List<PollSplit> state = new ArrayList<>(splits.size());
        for (Progress p : splits.values()) {
            state.add(p.split);
        }
        return state;
    }

    @Override
    public void addSplits(List<PollSplit> added) {
        long now = clock.getAsLong();
        for (PollSplit split : added) {
            splits.put(split.splitId(), new Progress(split, now));
            LOG.info("{}: resuming split {}", config.describe(), split);
        }
        wake();
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        wake();
    }

    private void wake() {
        CompletableFuture<Void> old = wakeup;
        wakeup = new CompletableFuture<>();
        old.complete(null);
    }

    @Override
    public void close() {
        if (inFlight != null) {
            inFlight.response().cancel(true);
        }
    }
}
