package io.enclave.ingest;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait after a 429, a 5xx or a network error. Exponential with jitter, so the
 * subtasks and tenants that hit the same outage do not all come back at the same moment; an
 * upstream's {@code Retry-After} is a floor, never shortened.
 */
final class Backoff {
    private Backoff() {}

    static Duration delay(int failures, Optional<Duration> retryAfter, Duration initial, Duration max) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (retryAfter.isPresent()) {
            long floor = retryAfter.get().toMillis();
            // Up to 10% later, so callers told the same Retry-After spread out.
            return Duration.ofMillis(floor + random.nextLong(Math.max(1, floor / 10) + 1));
        }
        int shift = Math.min(30, Math.max(0, failures - 1));
        long exp = Math.min(max.toMillis(), initial.toMillis() << shift);
        // "Equal jitter": at least half the exponential delay, at most all of it.
        return Duration.ofMillis(exp / 2 + random.nextLong(exp / 2 + 1));
    }

    /** {@code Retry-After} as delta-seconds or an HTTP-date, relative to now; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        String v = value.get();
        if (v.chars().allMatch(Character::isDigit) && v.length() <= 9) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Duration until =
                    Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
