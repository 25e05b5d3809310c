package io.enclave.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records shaped like OpenFEMA rows and NWS features, generated so tests that do not need the
 * real samples still run on a fresh clone. Many rows share one {@code lastRefresh}, as on the
 * real API, so paging across a shared instant is exercised.
 */
final class GeneratedApiData {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] STATES = {"CO", "WY", "TX"};

    private GeneratedApiData() {}

    /** {@code n} declarations cycling through CO, WY, TX; every 10 share a lastRefresh. */
    static List<ObjectNode> declarations(int n) {
        List<ObjectNode> rows = new ArrayList<>();
        Instant base = Instant.parse("2024-01-01T00:00:00.000Z");
        for (int i = 0; i < n; i++) {
            ObjectNode row = JSON.createObjectNode();
            String state = STATES[i % STATES.length];
            row.put("femaDeclarationString", "DR-" + (4000 + i) + "-" + state);
            row.put("disasterNumber", 4000 + i);
            row.put("state", state);
            row.put("declarationType", "DR");
            row.put("declarationDate", "2024-01-01T00:00:00.000Z");
            row.put("incidentType", "Flood");
            row.put("declarationTitle", "GENERATED FLOOD " + i);
            row.put("lastRefresh", base.plusSeconds(60L * (i / 10)).toString());
            row.put("hash", String.format("%040x", i));
            row.put("id", String.format("gen-fema-%05d", i));
            rows.add(row);
        }
        return rows;
    }

    /** {@code n} alerts cycling through CO, WY, TX zones; every 5 share a sent time. */
    static List<ObjectNode> alerts(int n) {
        List<ObjectNode> features = new ArrayList<>();
        Instant base = Instant.parse("2024-12-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            features.add(alert(
                    String.format("urn:oid:gen.nws.%05d", i),
                    STATES[i % STATES.length],
                    base.plusSeconds(60L * (i / 5))));
        }
        return features;
    }

    static ObjectNode alert(String id, String state, Instant sent) {
        ObjectNode feature = JSON.createObjectNode();
        feature.put("id", "https://api.weather.gov/alerts/" + id);
        feature.put("type", "Feature");
        feature.putNull("geometry");
        ObjectNode p = feature.putObject("properties");
        p.put("id", id);
        p.put("areaDesc", "Generated County, " + state);
        p.putObject("geocode").putArray("UGC").add(state + "Z001");
        p.put("sent", sent.toString());
        p.put("effective", sent.toString());
        p.put("status", "Actual");
        p.put("messageType", "Alert");
        p.put("event", "Winter Storm Warning");
        p.put("headline", "Generated alert " + id);
        return feature;
    }

    static ObjectNode declaration(String id, String state, String lastRefresh) {
        ObjectNode row = declarations(1).get(0);
        row.put("id", id);
        row.put("state", state);
        row.put("lastRefresh", lastRefresh);
        return row;
    }
}
