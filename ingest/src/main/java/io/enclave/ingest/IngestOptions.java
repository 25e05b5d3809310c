package io.enclave.ingest;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How the polling sources page, poll and retry. Not tenant policy (that is scope, key and
 * rate limit, from the tenant config) but operating knobs, so they have defaults that suit the
 * real APIs and the CLI can override them.
 *
 * @param pageSize records per request: OpenFEMA {@code $top}, NWS {@code limit}
 * @param pollInterval pause after a source has caught up, before it asks for news again
 * @param requestTimeout how long one HTTP request may take
 * @param maxRetries consecutive 429/5xx/network failures of one split before the job fails over
 * @param initialBackoff backoff after the first failure; doubles per failure, with jitter
 * @param maxBackoff the longest backoff (a longer {@code Retry-After} is still honoured)
 * @param once pull until caught up, then finish (a bounded source), instead of polling forever
 */
public record IngestOptions(
        int pageSize,
        Duration pollInterval,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff,
        boolean once)
        implements Serializable {

    /** OpenFEMA's own default page is 1,000 records; NWS caps {@code limit} at 500. */
    public static final int DEFAULT_PAGE_SIZE = 500;

    public IngestOptions {
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("pageSize must be 1..10000, was " + pageSize);
        }
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
    }

    public static IngestOptions defaults() {
        return new IngestOptions(
                DEFAULT_PAGE_SIZE,
                Duration.ofMinutes(1),
                Duration.ofSeconds(30),
                8,
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                false);
    }

    public IngestOptions withPageSize(int v) {
        return new IngestOptions(v, pollInterval, requestTimeout, maxRetries, initialBackoff, maxBackoff, once);
    }

    public IngestOptions withPollInterval(Duration v) {
        return new IngestOptions(pageSize, v, requestTimeout, maxRetries, initialBackoff, maxBackoff, once);
    }

    public IngestOptions withMaxRetries(int v) {
        return new IngestOptions(pageSize, pollInterval, requestTimeout, v, initialBackoff, maxBackoff, once);
    }

    public IngestOptions withBackoff(Duration initial, Duration max) {
        return new IngestOptions(pageSize, pollInterval, requestTimeout, maxRetries, initial, max, once);
    }

    public IngestOptions withOnce(boolean v) {
        return new IngestOptions(pageSize, pollInterval, requestTimeout, maxRetries, initialBackoff, maxBackoff, v);
    }
}
