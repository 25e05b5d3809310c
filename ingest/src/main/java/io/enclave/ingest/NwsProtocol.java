package io.enclave.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * NWS {@code /alerts}: {@code area=<state>} per split (none for ALL), {@code start=<cursor>},
 * {@code limit}, and the {@code pagination.next} link of the FeatureCollection.
 *
 * <p>NWS pages newest first, so the cursor can only move when a pass is complete: mid-pass the
 * split holds the next page link and the newest {@code sent} seen. A restart resumes from that
 * link. The link comes from the upstream, so it is followed only while it stays on the
 * configured host and path and asks for the same area: a link elsewhere would widen the
 * tenant's scope.
 */
final class NwsProtocol extends ApiProtocol {
    NwsProtocol(ApiSourceConfig config) {
        super(config);
    }

    @Override
    URI pageUri(PollSplit split) {
        if (!split.pageUrl().isEmpty()) {
            return URI.create(split.pageUrl());
        }
        StringBuilder uri = new StringBuilder(config.baseUrl()).append("/alerts?");
        if (!split.area().isEmpty()) {
            uri.append("area=").append(encode(split.area())).append('&');
        }
        if (split.cursor() != null) {
            uri.append("start=").append(encode(split.cursor().toString())).append('&');
        }
        uri.append("limit=").append(config.options().pageSize());
        return URI.create(uri.toString());
    }

    @Override
    String accept() {
        return "application/geo+json";
    }

    @Override
    Page read(PollSplit split, byte[] body, long fetchedAt) throws MalformedPageException {
        JsonNode root = parse(body);
        JsonNode features = root.get("features");
        if (features == null || !features.isArray()) {
            throw new MalformedPageException("response is not a FeatureCollection");
        }
        Instant passMax = split.passMax();
        Set<String> passIds = new TreeSet<>(split.passIdsAtMax());
        List<ApiRecord> out = new ArrayList<>();
        for (JsonNode feature : features) {
            JsonNode properties = feature.has("properties") ? feature.get("properties") : feature;
            String id = text(properties, "id") != null ? text(properties, "id") : text(feature, "id");
            Instant sent = instant(text(properties, "sent"));
            if (sent != null && id != null && split.delivered(id, sent)) {
                continue;
            }
            out.add(record(id == null ? "" : id, feature, fetchedAt));
            if (sent == null || id == null) {
                continue;
            }
            if (passMax == null || sent.isAfter(passMax)) {
                passMax = sent;
                passIds.clear();
                passIds.add(id);
            } else if (sent.equals(passMax)) {
                passIds.add(id);
            }
        }
        String next = text(root.get("pagination"), "next");
        if (next != null && !features.isEmpty()) {
            requireInScope(split, next);
            return new Page(out, split.withPass(next, passMax, passIds), false);
        }
        // The pass is complete: its newest alert becomes the cursor for the next one.
        PollSplit done = split.withPass("", null, Set.of());
        if (passMax != null) {
            if (split.cursor() == null || passMax.isAfter(split.cursor())) {
                done = done.withCursor(passMax, passIds);
            } else if (passMax.equals(split.cursor())) {
                Set<String> merged = new TreeSet<>(split.idsAtCursor());
                merged.addAll(passIds);
                done = done.withCursor(passMax, merged);
            }
        }
        return new Page(out, done, true);
    }

    /** The next-page link must stay on the configured API and ask for this split's area only. */
    private void requireInScope(PollSplit split, String next) throws MalformedPageException {
        URI link;
        URI base;
        try {
            link = URI.create(next);
            base = URI.create(config.baseUrl() + "/alerts");
        } catch (IllegalArgumentException e) {
            throw new MalformedPageException("pagination.next is not a URL");
        }
        boolean sameEndpoint = base.getScheme().equalsIgnoreCase(String.valueOf(link.getScheme()))
                && base.getHost().equalsIgnoreCase(String.valueOf(link.getHost()))
                && base.getPort() == link.getPort()
                && base.getPath().equals(link.getPath());
        List<String> areas = new ArrayList<>();
        String query = link.getRawQuery() == null ? "" : link.getRawQuery();
        for (String param : query.split("&")) {
            if (param.startsWith("area=")) {
                areas.add(java.net.URLDecoder.decode(param.substring(5), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        boolean sameArea = split.area().isEmpty() ? areas.isEmpty() : areas.equals(List.of(split.area()));
        if (!sameEndpoint || !sameArea) {
            throw new ScopeViolationException(
                    config.describe()
                            + ": the API's pagination.next link leaves the configured endpoint or the split's area; not followed");
        }
    }
}
