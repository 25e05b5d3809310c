package io.enclave.operators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Test records generated in code, in the shape of the OpenFEMA Disaster Declarations Summaries
 * (v2) API and the api.weather.gov alerts API. No row is copied from the shared sample data.
 */
public final class Fixtures {
    public static final ObjectMapper JSON = new ObjectMapper();

    public static final String TENANT = "colorado_state";
    public static final String OTHER_TENANT = "kansas_emergency";
    public static final String JOB = "tenant_colorado_state_emergency_processing";
    public static final String PRINCIPAL = "colorado_state_svc";
    public static final String DATA_OWNER = "Colorado Division of Homeland Security and Emergency Management";
    public static final String DISASTERS_TOPIC = "tenant_colorado_state_disasters";
    public static final String WEATHER_TOPIC = "tenant_colorado_state_weather";
    public static final Map<String, StreamKind> TOPICS =
            Map.of(DISASTERS_TOPIC, StreamKind.DISASTERS, WEATHER_TOPIC, StreamKind.WEATHER);

    public static final OutputTag<AuditRecord> AUDIT = new OutputTag<>("audit", TypeInformation.of(AuditRecord.class));

    private Fixtures() {}

    public static AuditContext auditContext() {
        return new AuditContext(TENANT, JOB, PRINCIPAL, true, true);
    }

    /** A declared area of a FEMA declaration, with every field OpenFEMA sends, in its types. */
    public static ObjectNode fema(String id, String state) {
        ObjectNode n = JSON.createObjectNode();
        n.put("femaDeclarationString", "DR-4706-" + state);
        n.put("disasterNumber", 4706);
        n.put("state", state);
        n.put("declarationType", "DR");
        n.put("declarationDate", "2023-05-03T00:00:00.000Z");
        n.put("fyDeclared", 2023);
        n.put("incidentType", "Severe Storm");
        n.put("declarationTitle", "SEVERE STORMS, STRAIGHT-LINE WINDS, AND TORNADOES");
        n.put("ihProgramDeclared", false);
        n.put("iaProgramDeclared", true);
        n.put("paProgramDeclared", true);
        n.put("hmProgramDeclared", true);
        n.put("incidentBeginDate", "2023-04-19T00:00:00.000Z");
        n.put("incidentEndDate", "2023-04-20T00:00:00.000Z");
        n.putNull("disasterCloseoutDate");
        n.put("tribalRequest", false);
        n.put("fipsStateCode", "40");
        n.put("fipsCountyCode", "125");
        n.put("placeCode", "99125");
        n.put("designatedArea", "Pottawatomie (County)");
        n.put("declarationRequestNumber", "23047");
        n.put("declarationRequestDate", "2023-04-28T00:00:00.000Z");
        n.put("lastIAFilingDate", "2023-07-03T00:00:00.000Z");
        n.put("incidentId", "2023042801");
        n.put("region", 6);
        n.put("designatedIncidentTypes", "R");
        n.put("lastRefresh", "2024-01-15T18:22:11.000Z");
        n.put("hash", "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
        n.put("id", id);
        return n;
    }

    public static ObjectNode fema(String state) {
        return fema(uuid(state), state);
    }

    /** The properties of an NWS CAP alert; the geocode has the given UGC and SAME codes. */
    public static ObjectNode nwsProperties(String id, List<String> ugc, List<String> same) {
        ObjectNode p = JSON.createObjectNode();
        p.put("@id", "https://api.weather.gov/alerts/" + id);
        p.put("@type", "wx:Alert");
        p.put("id", id);
        p.put("areaDesc", "Northern Front Range Foothills; Denver");
        ObjectNode geocode = p.putObject("geocode");
        ArrayNode sameArray = geocode.putArray("SAME");
        same.forEach(sameArray::add);
        ArrayNode ugcArray = geocode.putArray("UGC");
        ugc.forEach(ugcArray::add);
        ArrayNode zones = p.putArray("affectedZones");
        ugc.forEach(z -> zones.add("https://api.weather.gov/zones/forecast/" + z));
        p.putArray("references");
        p.put("sent", "2024-02-10T03:12:00-07:00");
        p.put("effective", "2024-02-10T03:12:00-07:00");
        p.put("onset", "2024-02-10T11:00:00-07:00");
        p.put("expires", "2024-02-10T19:15:00-07:00");
        p.put("ends", "2024-02-11T05:00:00-07:00");
        p.put("status", "Actual");
        p.put("messageType", "Alert");
        p.put("category", "Met");
        p.put("severity", "Moderate");
        p.put("certainty", "Likely");
        p.put("urgency", "Expected");
        p.put("event", "Winter Weather Advisory");
        p.put("sender", "w-nws.webmaster@noaa.gov");
        p.put("senderName", "NWS Boulder CO");
        p.put("headline", "Winter Weather Advisory issued February 10 at 3:12AM MST by NWS Boulder CO");
        p.put("description", "* WHAT...Snow expected. Total snow accumulations of 4 to 8 inches.");
        p.put("instruction", "Slow down and use caution while traveling.");
        p.put("response", "Execute");
        ObjectNode parameters = p.putObject("parameters");
        parameters.putArray("AWIPSidentifier").add("WSWBOU");
        parameters.putArray("NWSheadline").add("WINTER WEATHER ADVISORY IN EFFECT");
        return p;
    }

    public static ObjectNode nwsProperties(List<String> ugc, List<String> same) {
        return nwsProperties(alertId(String.join("", ugc) + String.join("", same)), ugc, same);
    }

    /** The api.weather.gov shape: a GeoJSON Feature whose properties hold the alert. */
    public static ObjectNode nwsFeature(ObjectNode properties) {
        ObjectNode f = JSON.createObjectNode();
        f.put("id", properties.get("@id").asText());
        f.put("type", "Feature");
        f.putNull("geometry");
        f.set("properties", properties);
        return f;
    }

    public static String uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static String alertId(String seed) {
        String digits = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8))
                .toString()
                .replace("-", "");
        return "urn:oid:2.49.0.1.840.0." + digits + ".001.1";
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    public static String sha256Hex(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static RawEvent raw(String topic, int partition, long offset, byte[] payload) {
        return new RawEvent(topic, partition, offset, 1_700_000_000_000L + offset, payload);
    }

    /** A tagged FEMA event of the test tenant, as the tagger would emit it. */
    public static TenantEvent disasterEvent(String key, String state, String content) {
        TenantEvent e = new TenantEvent();
        e.tenantId = TENANT;
        e.stream = StreamKind.DISASTERS;
        e.naturalKey = key;
        e.claimedTenant = null;
        e.classification = "PUBLIC";
        e.states = state == null ? new String[0] : new String[] {state};
        e.processingTime = 1_700_000_000_000L;
        e.isolationBoundary = "tenant:" + TENANT;
        e.dataOwner = DATA_OWNER;
        e.contentHash = sha256Hex(utf8(content));
        e.sourceTopic = DISASTERS_TOPIC;
        e.sourcePartition = 0;
        e.sourceOffset = 0;
        return e;
    }

    /** A tagged NWS event of the test tenant with the given derived states. */
    public static TenantEvent weatherEvent(String key, String content, String... states) {
        TenantEvent e = disasterEvent(key, null, content);
        e.stream = StreamKind.WEATHER;
        e.states = states;
        e.sourceTopic = WEATHER_TOPIC;
        return e;
    }

    /** The values of a harness side output; the harness returns null for a tag never written. */
    public static <T> List<T> values(Queue<StreamRecord<T>> queue) {
        List<T> out = new ArrayList<>();
        if (queue != null) {
            queue.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }
}
