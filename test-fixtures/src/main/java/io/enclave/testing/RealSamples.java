package io.enclave.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.embedded.events.SampleFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The real OpenFEMA and NWS samples as messages, with what the tests expect of each, read
 * independently of the pipeline's own parser so that it can serve as an oracle.
 */
public final class RealSamples {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RealSamples() {}

    /** A published message and what the test expects of it. */
    public record Message(String id, String state, Set<String> states, byte[] payload) {}

    /** Every declaration of the three FEMA files, one message per declaration id. */
    public static List<Message> femaMessages() throws Exception {
        Map<String, Message> byId = new LinkedHashMap<>();
        for (String file : List.of(
                "datastormers_DisasterDeclarationsSummaries_tornado_1000.csv",
                "disastergpt_disaster_declarations_99.csv",
                "timothy_official_DisasterDeclarationsSummaries_sample.csv")) {
            for (byte[] payload : SampleFiles.femaCsv(SharedSamples.fema(file))) {
                JsonNode row = JSON.readTree(payload);
                String id = row.get("id").asText();
                String state = row.get("state").asText();
                // One message per declaration id, so rows can be counted against messages.
                byId.putIfAbsent(id, new Message(id, state, Set.of(state), payload));
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** The alerts of one NWS file, one message per alert id, with the states their geocodes name. */
    public static List<Message> alertMessages(Path file) throws Exception {
        Map<String, Message> byId = new LinkedHashMap<>();
        for (byte[] payload : SampleFiles.nwsAlerts(file)) {
            JsonNode alert = JSON.readTree(payload);
            JsonNode p = alert.has("properties") ? alert.get("properties") : alert;
            JsonNode geocode = p.has("geocode") ? p.get("geocode") : p.get("geoCode");
            Set<String> states = new HashSet<>();
            if (geocode != null && geocode.isObject()) {
                for (JsonNode ugc : geocode.path("UGC")) {
                    states.add(ugc.asText().substring(0, 2));
                }
                for (JsonNode same : geocode.path("SAME")) {
                    if ("08".equals(same.asText().substring(1, 3))) {
                        states.add("CO");
                    }
                }
            }
            String id = p.get("id").asText();
            byId.putIfAbsent(id, new Message(id, null, states, payload));
        }
        return new ArrayList<>(byId.values());
    }

    public static Set<String> idsWhere(List<Message> messages, Predicate<Message> filter) {
        Set<String> ids = new HashSet<>();
        for (Message m : messages) {
            if (filter.test(m)) {
                ids.add(m.id());
            }
        }
        return ids;
    }
}
