package io.enclave.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * OpenFEMA v2 {@code DisasterDeclarationsSummaries}: {@code $filter} on the tenant's states and
 * the cursor, {@code $orderby=lastRefresh,id}, {@code $top} and {@code $skip}.
 *
 * <p>Each request asks for {@code lastRefresh ge <cursor>} and skips the records already
 * delivered at the cursor instant. The cursor moves with every page, so a restart resumes at
 * the last checkpointed page; and because the lower bound is re-anchored on every request,
 * a record refreshed meanwhile moves to the end instead of shifting a fixed {@code $skip}
 * window past an unread record. {@code ge} plus the ids, rather than {@code gt}, because
 * OpenFEMA gives hundreds of rows one {@code lastRefresh}: {@code gt} would skip those on the
 * next page.
 */
final class OpenFemaProtocol extends ApiProtocol {
    static final String ENTITY = "DisasterDeclarationsSummaries";

    OpenFemaProtocol(ApiSourceConfig config) {
        super(config);
    }

    @Override
    URI pageUri(PollSplit split) {
        List<String> clauses = new ArrayList<>();
        if (!config.scope().isAll()) {
            List<String> states = new ArrayList<>();
            for (String state : new TreeSet<>(config.scope().codes())) {
                states.add("state eq '" + state + "'");
            }
            clauses.add("(" + String.join(" or ", states) + ")");
        }
        if (split.cursor() != null) {
            clauses.add("lastRefresh ge '" + split.cursor() + "'");
        }
        StringBuilder uri = new StringBuilder(config.baseUrl())
                .append("/v2/")
                .append(ENTITY)
                .append('?');
        if (!clauses.isEmpty()) {
            uri.append("$filter=").append(encode(String.join(" and ", clauses))).append('&');
        }
        uri.append("$orderby=")
                .append(encode("lastRefresh,id"))
                .append("&$top=")
                .append(config.options().pageSize())
                .append("&$skip=")
                .append(split.cursor() == null ? 0 : split.idsAtCursor().size());
        return URI.create(uri.toString());
    }

    @Override
    String accept() {
        return "application/json";
    }

    @Override
    Page read(PollSplit split, byte[] body, long fetchedAt) throws MalformedPageException {
        JsonNode rows = parse(body).get(ENTITY);
        if (rows == null || !rows.isArray()) {
            throw new MalformedPageException("response has no " + ENTITY + " array");
        }
        Instant cursor = split.cursor();
        Set<String> ids = new TreeSet<>(split.idsAtCursor());
        List<ApiRecord> out = new ArrayList<>();
        for (JsonNode row : rows) {
            String id = text(row, "id");
            Instant refreshed = instant(text(row, "lastRefresh"));
            if (refreshed != null && id != null && split.delivered(id, refreshed)) {
                continue;
            }
            out.add(record(id == null ? "" : id, row, fetchedAt));
            if (refreshed == null || id == null) {
                continue;
            }
            if (cursor == null || refreshed.isAfter(cursor)) {
                cursor = refreshed;
                ids.clear();
                ids.add(id);
            } else if (refreshed.equals(cursor)) {
                ids.add(id);
            }
        }
        boolean caughtUp = rows.size() < config.options().pageSize();
        return new Page(out, split.withCursor(cursor, ids), caughtUp);
    }
}
