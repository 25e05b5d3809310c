package io.enclave.operators.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.enclave.config.StreamKind;
import io.enclave.operators.RejectReason;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.WeatherAlert;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a FEMA declaration or an NWS alert from JSON bytes, strictly: duplicate keys, invalid
 * UTF-8, raw control characters, trailing data and deep nesting are all malformed, because a
 * lenient reader is where a second {@code tenant_id} key or a truncated record would slip by.
 * It never throws: every failure comes back as a {@link ParsedEvent} with a reason.
 */
public final class EventParser {
    /** Metadata a publisher may put on an event; read from the message's top level only. */
    public static final String TENANT_FIELD = "tenant_id";

    public static final String CLASSIFICATION_FIELD = "data_classification";
    public static final String DEFAULT_CLASSIFICATION = "PUBLIC";

    private static final int MAX_NESTING_DEPTH = 32;
    /** Longest value of a code, key or name field; the sink's VARCHAR columns are this wide. */
    public static final int MAX_SHORT_TEXT = 255;

    /**
     * Longest natural key ({@code id}), in bytes of UTF-8, and the width of the key columns.
     * StarRocks limits a PRIMARY KEY table's encoded key to {@code primary_key_limit_size} bytes,
     * 128 by default (BE config; StarRocks docs, "BE configuration"). A load with one longer key
     * fails as a whole ("primary key size exceed the limit", memtable flush) and StarRocks does
     * not retry it, so such a record is refused here. The event tables' key is {@code id} alone,
     * and a one-column VARCHAR key is encoded as its bytes (PrimaryKeyEncoder::encode_exceed_limit:
     * a multi-column key would add 2 bytes per non-final VARCHAR plus the fixed widths).
     */
    public static final int MAX_KEY_BYTES = 128;

    private static final Pattern SAFE_FIELD_NAME = Pattern.compile("[A-Za-z_@][A-Za-z0-9_]{0,63}");

    private final ObjectMapper mapper;

    public EventParser(int maxMessageBytes) {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(Math.max(1, maxMessageBytes))
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public ParsedEvent parse(StreamKind stream, byte[] payload) {
        if (payload == null || payload.length == 0) {
            return ParsedEvent.failed(RejectReason.MALFORMED, "empty message");
        }
        String text;
        try {
            // Strict decoding first: Jackson alone accepts overlong UTF-8 and sniffs UTF-16/32.
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return ParsedEvent.failed(RejectReason.MALFORMED, "not valid UTF-8");
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return ParsedEvent.failed(RejectReason.MALFORMED, describe(e));
        } catch (IOException | RuntimeException e) {
            return ParsedEvent.failed(
                    RejectReason.MALFORMED,
                    "unreadable message: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            return ParsedEvent.failed(RejectReason.MALFORMED, "expected a JSON object");
        }
        try {
            return stream == StreamKind.DISASTERS ? readDisaster(root) : readAlert(root);
        } catch (FieldTypeException e) {
            return ParsedEvent.failed(RejectReason.MALFORMED, e.getMessage());
        }
    }

    private ParsedEvent readDisaster(JsonNode root) {
        FieldReader r = new FieldReader(root);
        DisasterDeclaration d = new DisasterDeclaration();
        d.id = r.longText("id");
        d.femaDeclarationString = r.text("femaDeclarationString");
        d.disasterNumber = r.integer("disasterNumber");
        d.state = r.text("state");
        d.declarationType = r.text("declarationType");
        d.declarationDate = r.instant("declarationDate");
        d.fyDeclared = r.integer("fyDeclared");
        d.incidentType = r.text("incidentType");
        d.declarationTitle = r.longText("declarationTitle");
        d.ihProgramDeclared = r.bool("ihProgramDeclared");
        d.iaProgramDeclared = r.bool("iaProgramDeclared");
        d.paProgramDeclared = r.bool("paProgramDeclared");
        d.hmProgramDeclared = r.bool("hmProgramDeclared");
        d.incidentBeginDate = r.instant("incidentBeginDate");
        d.incidentEndDate = r.instant("incidentEndDate");
        d.disasterCloseoutDate = r.instant("disasterCloseoutDate");
        d.tribalRequest = r.bool("tribalRequest");
        d.fipsStateCode = r.text("fipsStateCode");
        d.fipsCountyCode = r.text("fipsCountyCode");
        d.placeCode = r.text("placeCode");
        d.designatedArea = r.text("designatedArea");
        d.declarationRequestNumber = r.text("declarationRequestNumber");
        d.declarationRequestDate = r.instant("declarationRequestDate");
        d.lastIAFilingDate = r.instant("lastIAFilingDate");
        d.incidentId = r.text("incidentId");
        d.region = r.integer("region");
        d.designatedIncidentTypes = r.text("designatedIncidentTypes");
        d.lastRefresh = r.instant("lastRefresh");
        d.hash = r.text("hash");
        if (isBlank(d.id)) {
            return ParsedEvent.failed(RejectReason.MISSING_KEY, "declaration has no id");
        }
        if (keyTooLong(d.id)) {
            return ParsedEvent.failed(RejectReason.KEY_TOO_LONG, keyTooLongDetail(d.id));
        }
        return ParsedEvent.disaster(d, claimedTenant(root, null), classification(root, null));
    }

    private ParsedEvent readAlert(JsonNode root) {
        // api.weather.gov sends GeoJSON features; exports often hold the bare properties.
        JsonNode properties = root.has("properties") ? root.get("properties") : root;
        if (!properties.isObject()) {
            return ParsedEvent.failed(RejectReason.MALFORMED, "field properties: expected an object");
        }
        FieldReader r = new FieldReader(properties);
        WeatherAlert a = new WeatherAlert();
        a.id = r.longText("id");
        a.areaDesc = r.longText("areaDesc");
        JsonNode geocode = properties.has("geocode") ? properties.get("geocode") : properties.get("geoCode");
        FieldReader g = new FieldReader(geocode == null || geocode.isNull() ? mapper.createObjectNode() : geocode);
        if (geocode != null && !geocode.isNull() && !geocode.isObject()) {
            throw new FieldTypeException("field geocode: expected an object");
        }
        a.sameCodes = g.textArray("SAME");
        a.ugcCodes = g.textArray("UGC");
        a.sent = r.instant("sent");
        a.effective = r.instant("effective");
        a.onset = r.instant("onset");
        a.expires = r.instant("expires");
        a.ends = r.instant("ends");
        a.status = r.text("status");
        a.messageType = r.text("messageType");
        a.category = r.text("category");
        a.severity = r.text("severity");
        a.certainty = r.text("certainty");
        a.urgency = r.text("urgency");
        a.event = r.text("event");
        a.sender = r.text("sender");
        a.senderName = r.text("senderName");
        a.headline = r.longText("headline");
        a.description = r.longText("description");
        a.instruction = r.longText("instruction");
        a.response = r.text("response");
        if (isBlank(a.id)) {
            return ParsedEvent.failed(RejectReason.MISSING_KEY, "alert has no id");
        }
        if (keyTooLong(a.id)) {
            return ParsedEvent.failed(RejectReason.KEY_TOO_LONG, keyTooLongDetail(a.id));
        }
        JsonNode nested = properties == root ? null : properties;
        return ParsedEvent.alert(a, claimedTenant(root, nested), classification(root, nested), statesOf(a));
    }

    /** States named by the alert's UGC prefixes and SAME state FIPS; marine areas name none. */
    static String[] statesOf(WeatherAlert a) {
        Set<String> states = new LinkedHashSet<>();
        for (String ugc : a.ugcCodes) {
            if (ugc != null && ugc.length() >= 2 && io.enclave.config.UsStates.isCode(ugc.substring(0, 2))) {
                states.add(ugc.substring(0, 2));
            }
        }
        for (String same : a.sameCodes) {
            if (same != null && same.length() == 6) {
                String state = StateFips.stateOf(same.substring(1, 3));
                if (state != null) {
                    states.add(state);
                }
            }
        }
        return states.toArray(new String[0]);
    }

    /**
     * The tenant the event claims. A claim inside NWS properties counts as much as one at the
     * top level; two different claims can only be an attempt to confuse, so both are reported
     * together, which matches no tenant and is refused.
     */
    private static String claimedTenant(JsonNode root, JsonNode nested) {
        return metadata(root, nested, TENANT_FIELD);
    }

    /** The declared classification, from either level like the tenant claim; PUBLIC when none is given. */
    private static String classification(JsonNode root, JsonNode nested) {
        String level = metadata(root, nested, CLASSIFICATION_FIELD);
        return level == null ? DEFAULT_CLASSIFICATION : level;
    }

    private static String metadata(JsonNode root, JsonNode nested, String field) {
        String top = new FieldReader(root).text(field);
        String inner = nested == null ? null : new FieldReader(nested).text(field);
        if (top == null) {
            return inner;
        }
        if (inner != null && !inner.equals(top)) {
            return inner + "," + top;
        }
        return top;
    }

    /**
     * What is wrong and where, in words of our own: Jackson's messages quote payload text, and
     * a rejected payload's values must not reach the audit trail.
     */
    private static String describe(JsonProcessingException e) {
        String original = String.valueOf(e.getOriginalMessage());
        String what;
        if (e instanceof StreamConstraintsException) {
            what = original.contains("nesting depth")
                    ? "nesting depth exceeds " + MAX_NESTING_DEPTH
                    : original.contains("String value length")
                            ? "a string value exceeds max_message_bytes"
                            : "exceeds a parser limit";
        } else if (original.startsWith("Duplicate field '")) {
            String field = original.substring("Duplicate field '".length(), original.length() - 1);
            what = "duplicate field" + (SAFE_FIELD_NAME.matcher(field).matches() ? " '" + field + "'" : "");
        } else if (original.contains("CTRL-CHAR")) {
            what = "control character in a string";
        } else if (original.startsWith("Trailing token")) {
            what = "trailing data after the object";
        } else {
            what = "not valid JSON";
        }
        return what + " at " + location(e);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? "unknown position"
                : "line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
    }

    private static boolean keyTooLong(String id) {
        return id.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES;
    }

    /** Names the size, never the key: a rejected payload's values stay out of the audit trail. */
    private static String keyTooLongDetail(String id) {
        return "id is " + id.getBytes(StandardCharsets.UTF_8).length + " bytes of UTF-8, longer than the "
                + MAX_KEY_BYTES + " the database key holds";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** A field held a value of the wrong JSON type. */
    private static final class FieldTypeException extends RuntimeException {
        FieldTypeException(String message) {
            super(message, null, false, false);
        }
    }

    /** Typed access to an object's fields that tolerates the encodings real exports use. */
    private static final class FieldReader {
        private final JsonNode node;

        FieldReader(JsonNode node) {
            this.node = node;
        }

        /** Short fields fit a VARCHAR(255) column; a longer value would fail the database write. */
        String text(String field) {
            String s = longText(field);
            if (s != null && s.length() > MAX_SHORT_TEXT) {
                throw new FieldTypeException("field " + field + ": longer than " + MAX_SHORT_TEXT + " characters");
            }
            return s;
        }

        /**
         * An ISO-8601 instant with an offset (OpenFEMA's {@code ...Z}, NWS's {@code ...+00:00}).
         * Checked here because a value the database cannot read would fail every retry.
         */
        String instant(String field) {
            String s = text(field);
            if (s == null || s.isEmpty()) {
                return null;
            }
            try {
                IsoDateTimes.parse(s);
                return s;
            } catch (DateTimeParseException e) {
                throw new FieldTypeException("field " + field + ": expected an ISO-8601 date-time with offset");
            }
        }

        String longText(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                return v.textValue();
            }
            if (v.isNumber() || v.isBoolean()) {
                return v.asText();
            }
            throw new FieldTypeException("field " + field + ": expected text, got " + v.getNodeType());
        }

        Integer integer(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
                return null;
            }
            if (v.canConvertToInt() && v.isIntegralNumber()) {
                return v.intValue();
            }
            if (v.isTextual()) {
                try {
                    return Integer.valueOf(v.textValue().trim());
                } catch (NumberFormatException e) {
                    // falls through to the type error below
                }
            }
            throw new FieldTypeException("field " + field + ": expected an integer");
        }

        /** OpenFEMA sends true/false; CSV exports carry 0/1 or True/False. */
        Boolean bool(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
                return null;
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            String s = v.asText();
            if ("1".equals(s) || "true".equalsIgnoreCase(s)) {
                return Boolean.TRUE;
            }
            if ("0".equals(s) || "false".equalsIgnoreCase(s)) {
                return Boolean.FALSE;
            }
            throw new FieldTypeException("field " + field + ": expected a boolean");
        }

        String[] textArray(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return new String[0];
            }
            if (!v.isArray()) {
                throw new FieldTypeException("field " + field + ": expected an array");
            }
            String[] out = new String[v.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode item = v.get(i);
                if (!item.isTextual() || item.textValue().length() > MAX_SHORT_TEXT) {
                    throw new FieldTypeException("field " + field + "[" + i + "]: expected a code of at most "
                            + MAX_SHORT_TEXT + " characters");
                }
                out[i] = item.textValue();
            }
            return out;
        }
    }
}
