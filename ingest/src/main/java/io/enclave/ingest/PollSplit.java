package io.enclave.ingest;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One stream of requests to one API, with its read position. It is the checkpointed state of
 * the polling source, so a restart resumes where the last checkpoint left off: neither from
 * the start of history nor past anything not yet delivered.
 *
 * <p>The position is a cursor: the newest record time delivered ({@code lastRefresh} for
 * OpenFEMA, {@code sent} for NWS) and the ids delivered at exactly that instant. Many records
 * share one instant (OpenFEMA refreshes hundreds at once), so the time alone would either
 * repeat or skip them. An NWS pass pages newest-first, so mid-pass it also holds the next page
 * URL and the newest time seen in the pass, which becomes the cursor when the pass ends.
 */
public final class PollSplit implements SourceSplit {
    private final String splitId;
    private final int ordinal;
    private final String area;
    private final Instant cursor;
    private final Set<String> idsAtCursor;
    private final String pageUrl;
    private final Instant passMax;
    private final Set<String> passIdsAtMax;

    PollSplit(
            String splitId,
            int ordinal,
            String area,
            Instant cursor,
            Set<String> idsAtCursor,
            String pageUrl,
            Instant passMax,
            Set<String> passIdsAtMax) {
        this.splitId = Objects.requireNonNull(splitId, "splitId");
        this.ordinal = ordinal;
        this.area = area == null ? "" : area;
        this.cursor = cursor;
        this.idsAtCursor = java.util.Collections.unmodifiableSet(new TreeSet<>(idsAtCursor));
        this.pageUrl = pageUrl == null ? "" : pageUrl;
        this.passMax = passMax;
        this.passIdsAtMax = java.util.Collections.unmodifiableSet(new TreeSet<>(passIdsAtMax));
    }

    /** A split that has read nothing yet. */
    public static PollSplit initial(String splitId, int ordinal, String area) {
        return new PollSplit(splitId, ordinal, area, null, Set.of(), "", null, Set.of());
    }

    @Override
    public String splitId() {
        return splitId;
    }

    /** Position among the source's splits; decides which subtask owns it. */
    public int ordinal() {
        return ordinal;
    }

    /** The state this split asks for (NWS {@code area=}); empty for every state in scope. */
    public String area() {
        return area;
    }

    /** Newest record time delivered, or null before the first record. */
    public Instant cursor() {
        return cursor;
    }

    public Set<String> idsAtCursor() {
        return idsAtCursor;
    }

    /** The next page of an NWS pass in progress; empty between passes. */
    public String pageUrl() {
        return pageUrl;
    }

    public Instant passMax() {
        return passMax;
    }

    public Set<String> passIdsAtMax() {
        return passIdsAtMax;
    }

    PollSplit withCursor(Instant newCursor, Set<String> ids) {
        return new PollSplit(splitId, ordinal, area, newCursor, ids, pageUrl, passMax, passIdsAtMax);
    }

    PollSplit withPass(String nextPageUrl, Instant max, Set<String> idsAtMax) {
        return new PollSplit(splitId, ordinal, area, cursor, idsAtCursor, nextPageUrl, max, idsAtMax);
    }

    /** Whether {@code id} at {@code time} was already delivered by this split. */
    boolean delivered(String id, Instant time) {
        return cursor != null && (time.isBefore(cursor) || (time.equals(cursor) && idsAtCursor.contains(id)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PollSplit s
                && splitId.equals(s.splitId)
                && ordinal == s.ordinal
                && area.equals(s.area)
                && Objects.equals(cursor, s.cursor)
                && idsAtCursor.equals(s.idsAtCursor)
                && pageUrl.equals(s.pageUrl)
                && Objects.equals(passMax, s.passMax)
                && passIdsAtMax.equals(s.passIdsAtMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(splitId, cursor, pageUrl);
    }

    @Override
    public String toString() {
        return "PollSplit{" + splitId + " cursor=" + cursor + " (+" + idsAtCursor.size() + " ids)"
                + (pageUrl.isEmpty() ? "" : " mid-pass") + "}";
    }
}
