package io.enclave.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The text fields of each stream that may be encrypted, with the table column each one is
 * stored in. Encryption binds the column name (not the field name) into the ciphertext, because
 * the column is what a reader of the table names.
 */
public final class EncryptableFields {
    private static final Map<StreamKind, Map<String, String>> COLUMNS = Map.of(
            StreamKind.DISASTERS,
                    ordered(
                            "femaDeclarationString", "fema_declaration_string",
                            "declarationType", "declaration_type",
                            "incidentType", "incident_type",
                            "declarationTitle", "declaration_title",
                            "fipsStateCode", "fips_state_code",
                            "fipsCountyCode", "fips_county_code",
                            "placeCode", "place_code",
                            "designatedArea", "designated_area",
                            "declarationRequestNumber", "declaration_request_number",
                            "incidentId", "incident_id",
                            "designatedIncidentTypes", "designated_incident_types",
                            "hash", "fema_hash"),
            StreamKind.WEATHER,
                    ordered(
                            "event", "event",
                            "status", "status",
                            "messageType", "message_type",
                            "category", "category",
                            "severity", "severity",
                            "certainty", "certainty",
                            "urgency", "urgency",
                            "response", "response",
                            "sender", "sender",
                            "senderName", "sender_name",
                            "areaDesc", "area_desc",
                            "headline", "headline",
                            "description", "description",
                            "instruction", "instruction"));

    /** Fields of the streams that exist but cannot be encrypted, and why; for clearer config errors. */
    private static final Map<String, String> NOT_ENCRYPTABLE = Map.ofEntries(
            Map.entry("id", "is the natural key: rows are upserted and ciphertexts bound by it"),
            Map.entry("state", "is the record's state, which the guard checks and the states column keeps"),
            Map.entry("sameCodes", "is a list of geocodes from which the guard derives states"),
            Map.entry("ugcCodes", "is a list of geocodes from which the guard derives states"),
            Map.entry("disasterNumber", "is a number, not text"),
            Map.entry("fyDeclared", "is a number, not text"),
            Map.entry("region", "is a number, not text"),
            Map.entry("declarationDate", "is stored as a timestamp, not text"),
            Map.entry("incidentBeginDate", "is stored as a timestamp, not text"),
            Map.entry("incidentEndDate", "is stored as a timestamp, not text"),
            Map.entry("disasterCloseoutDate", "is stored as a timestamp, not text"),
            Map.entry("declarationRequestDate", "is stored as a timestamp, not text"),
            Map.entry("lastIAFilingDate", "is stored as a timestamp, not text"),
            Map.entry("lastRefresh", "is stored as a timestamp, not text"),
            Map.entry("sent", "is stored as a timestamp, not text"),
            Map.entry("effective", "is stored as a timestamp, not text"),
            Map.entry("onset", "is stored as a timestamp, not text"),
            Map.entry("expires", "is stored as a timestamp, not text"),
            Map.entry("ends", "is stored as a timestamp, not text"),
            Map.entry("ihProgramDeclared", "is a boolean, not text"),
            Map.entry("iaProgramDeclared", "is a boolean, not text"),
            Map.entry("paProgramDeclared", "is a boolean, not text"),
            Map.entry("hmProgramDeclared", "is a boolean, not text"),
            Map.entry("tribalRequest", "is a boolean, not text"));

    private EncryptableFields() {}

    /** The encryptable field names of a stream, in table column order. */
    public static Set<String> fields(StreamKind stream) {
        return Collections.unmodifiableSet(COLUMNS.get(stream).keySet());
    }

    /** The column a field is stored in, when the field is an encryptable text field of the stream. */
    public static Optional<String> column(StreamKind stream, String field) {
        return Optional.ofNullable(COLUMNS.get(stream).get(field));
    }

    /** The field stored in a column, when that column holds an encryptable field of the stream. */
    public static Optional<String> fieldOfColumn(StreamKind stream, String column) {
        return COLUMNS.get(stream).entrySet().stream()
                .filter(e -> e.getValue().equals(column))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /**
     * Why a name cannot be encrypted in this stream, as the rest of a sentence that starts with
     * the quoted name; empty when it can.
     */
    static Optional<String> problem(StreamKind stream, String field) {
        if (COLUMNS.get(stream).containsKey(field)) {
            return Optional.empty();
        }
        String reason = NOT_ENCRYPTABLE.get(field);
        if (reason != null) {
            return Optional.of(reason + ", so it cannot be encrypted");
        }
        Optional<String> byColumn = fieldOfColumn(stream, field);
        if (byColumn.isPresent()) {
            return Optional.of("is a column name; write the field name " + Scalar.quote(byColumn.get()));
        }
        return Optional.of("is not a text field of " + stream.topicSuffix() + "; expected one of "
                + String.join(", ", fields(stream)));
    }

    private static Map<String, String> ordered(String... fieldThenColumn) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < fieldThenColumn.length; i += 2) {
            m.put(fieldThenColumn[i], fieldThenColumn[i + 1]);
        }
        return Collections.unmodifiableMap(m);
    }
}
