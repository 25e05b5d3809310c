package io.enclave.operators.parse;

import static io.enclave.operators.Fixtures.JSON;
import static io.enclave.operators.Fixtures.bytes;
import static io.enclave.operators.Fixtures.concat;
import static io.enclave.operators.Fixtures.fema;
import static io.enclave.operators.Fixtures.nwsFeature;
import static io.enclave.operators.Fixtures.nwsProperties;
import static io.enclave.operators.Fixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.StreamKind;
import io.enclave.operators.RejectReason;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.WeatherAlert;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventParserTest {
    private static final int MAX_BYTES = 1 << 20;
    private final EventParser parser = new EventParser(MAX_BYTES);

    private ParsedEvent disaster(ObjectNode json) {
        return parser.parse(StreamKind.DISASTERS, bytes(json));
    }

    private ParsedEvent alert(ObjectNode json) {
        return parser.parse(StreamKind.WEATHER, bytes(json));
    }

    private static void assertMalformed(ParsedEvent parsed, String detailFragment) {
        assertThat(parsed.isFailure())
                .as("failure expected, got %s", parsed.naturalKey())
                .isTrue();
        assertThat(parsed.failure()).isEqualTo(RejectReason.MALFORMED);
        assertThat(parsed.detail()).contains(detailFragment);
        assertThat(parsed.disaster()).isNull();
        assertThat(parsed.alert()).isNull();
    }

    // ---- FEMA declarations ----
    @Test
    void readsEveryOpenFemaFieldWithItsType() {
        ObjectNode json = fema("5f0c3a5e-1b7e-4c7b-9a55-3f0b6c2d9e11", "OK");
        json.put("femaDeclarationString", "DR-4706-OK");

        ParsedEvent parsed = disaster(json);

        assertThat(parsed.isFailure()).isFalse();
        assertThat(parsed.failure()).isNull();
        assertThat(parsed.naturalKey()).isEqualTo("5f0c3a5e-1b7e-4c7b-9a55-3f0b6c2d9e11");
        assertThat(parsed.states()).containsExactly("OK");
        assertThat(parsed.alert()).isNull();
        DisasterDeclaration d = parsed.disaster();
        assertThat(d.id).isEqualTo("5f0c3a5e-1b7e-4c7b-9a55-3f0b6c2d9e11");
        assertThat(d.femaDeclarationString).isEqualTo("DR-4706-OK");
        assertThat(d.disasterNumber).isEqualTo(4706);
        assertThat(d.state).isEqualTo("OK");
        assertThat(d.declarationType).isEqualTo("DR");
        assertThat(d.declarationDate).isEqualTo("2023-05-03T00:00:00.000Z");
        assertThat(d.fyDeclared).isEqualTo(2023);
        assertThat(d.incidentType).isEqualTo("Severe Storm");
        assertThat(d.declarationTitle).isEqualTo("SEVERE STORMS, STRAIGHT-LINE WINDS, AND TORNADOES");
        assertThat(d.ihProgramDeclared).isFalse();
        assertThat(d.iaProgramDeclared).isTrue();
        assertThat(d.paProgramDeclared).isTrue();
        assertThat(d.hmProgramDeclared).isTrue();
        assertThat(d.incidentBeginDate).isEqualTo("2023-04-19T00:00:00.000Z");
        assertThat(d.incidentEndDate).isEqualTo("2023-04-20T00:00:00.000Z");
        assertThat(d.disasterCloseoutDate).isNull();
        assertThat(d.tribalRequest).isFalse();
        assertThat(d.fipsStateCode).isEqualTo("40");
        assertThat(d.fipsCountyCode).isEqualTo("125");
        assertThat(d.placeCode).isEqualTo("99125");
        assertThat(d.designatedArea).isEqualTo("Pottawatomie (County)");
        assertThat(d.declarationRequestNumber).isEqualTo("23047");
        assertThat(d.declarationRequestDate).isEqualTo("2023-04-28T00:00:00.000Z");
        assertThat(d.lastIAFilingDate).isEqualTo("2023-07-03T00:00:00.000Z");
        assertThat(d.incidentId).isEqualTo("2023042801");
        assertThat(d.region).isEqualTo(6);
        assertThat(d.designatedIncidentTypes).isEqualTo("R");
        assertThat(d.lastRefresh).isEqualTo("2024-01-15T18:22:11.000Z");
        assertThat(d.hash).isEqualTo("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
    }

    @Test
    void absentFieldsStayNull() {
        ParsedEvent parsed = parser.parse(StreamKind.DISASTERS, utf8("{\"id\":\"only-an-id\"}"));

        assertThat(parsed.isFailure()).isFalse();
        DisasterDeclaration d = parsed.disaster();
        assertThat(d.id).isEqualTo("only-an-id");
        assertThat(d.state).isNull();
        assertThat(d.disasterNumber).isNull();
        assertThat(d.ihProgramDeclared).isNull();
        assertThat(parsed.states()).isEmpty();
    }

    static Stream<Arguments> booleans() {
        return Stream.of(
                Arguments.of("true", Boolean.TRUE),
                Arguments.of("false", Boolean.FALSE),
                Arguments.of("\"True\"", Boolean.TRUE),
                Arguments.of("\"False\"", Boolean.FALSE),
                Arguments.of("\"true\"", Boolean.TRUE),
                Arguments.of("\"FALSE\"", Boolean.FALSE),
                Arguments.of("1", Boolean.TRUE),
                Arguments.of("0", Boolean.FALSE),
                Arguments.of("\"1\"", Boolean.TRUE),
                Arguments.of("\"0\"", Boolean.FALSE),
                Arguments.of("null", null),
                Arguments.of("\"\"", null));
    }

    @ParameterizedTest(name = "ihProgramDeclared {0} -> {1}")
    @MethodSource("booleans")
    void booleansInEveryEncodingExportsUse(String encoded, Boolean expected) {
        String json = "{\"id\":\"b1\",\"ihProgramDeclared\":" + encoded + ",\"tribalRequest\":" + encoded + "}";

        ParsedEvent parsed = parser.parse(StreamKind.DISASTERS, utf8(json));

        assertThat(parsed.isFailure()).as(String.valueOf(parsed.detail())).isFalse();
        assertThat(parsed.disaster().ihProgramDeclared).isEqualTo(expected);
        assertThat(parsed.disaster().tribalRequest).isEqualTo(expected);
    }

    @ParameterizedTest(name = "ihProgramDeclared {0} is malformed")
    @ValueSource(strings = {"2", "-1", "\"yes\"", "\"Y\"", "\" true\"", "[]", "{}", "1.0"})
    void booleanOutsideKnownEncodingsIsMalformed(String encoded) {
        ParsedEvent parsed =
                parser.parse(StreamKind.DISASTERS, utf8("{\"id\":\"b2\",\"ihProgramDeclared\":" + encoded + "}"));

        assertMalformed(parsed, "field ihProgramDeclared: expected a boolean");
    }

    @Test
    void numbersAsNumericStrings() {
        ObjectNode json = fema("OK");
        json.put("disasterNumber", "4706");
        json.put("fyDeclared", " 2023 ");
        json.put("region", "6");

        DisasterDeclaration d = disaster(json).disaster();

        assertThat(d.disasterNumber).isEqualTo(4706);
        assertThat(d.fyDeclared).isEqualTo(2023);
        assertThat(d.region).isEqualTo(6);
    }

    @Test
    void emptyNumericStringIsAbsent() {
        ObjectNode json = fema("OK");
        json.put("region", "");
        json.putNull("fyDeclared");

        DisasterDeclaration d = disaster(json).disaster();

        assertThat(d.region).isNull();
        assertThat(d.fyDeclared).isNull();
    }

    @ParameterizedTest(name = "disasterNumber {0} is malformed")
    @ValueSource(strings = {"4706.5", "\"4706a\"", "\"four\"", "true", "99999999999", "[4706]", "{\"n\":1}"})
    void nonIntegerNumberIsMalformed(String encoded) {
        ParsedEvent parsed =
                parser.parse(StreamKind.DISASTERS, utf8("{\"id\":\"n1\",\"disasterNumber\":" + encoded + "}"));

        assertMalformed(parsed, "field disasterNumber: expected an integer");
    }

    @Test
    void textFieldsAcceptNumbersAsText() {
        ObjectNode json = fema("OK");
        json.put("fipsStateCode", 40);
        json.put("declarationRequestNumber", 23047);

        DisasterDeclaration d = disaster(json).disaster();

        assertThat(d.fipsStateCode).isEqualTo("40");
        assertThat(d.declarationRequestNumber).isEqualTo("23047");
    }

    @Test
    void textFieldHoldingAnObjectIsMalformed() {
        ObjectNode json = fema("OK");
        json.putObject("declarationTitle").put("text", "nested");

        assertMalformed(disaster(json), "field declarationTitle: expected text, got OBJECT");
    }

    @Test
    void stateLongerThanTheColumnIsMalformed() {
        ObjectNode json = fema("OK");
        json.put("state", "C".repeat(300));

        ParsedEvent parsed = disaster(json);

        assertMalformed(parsed, "field state: longer than 255 characters");
    }

    @Test
    void shortTextAtExactlyTheColumnWidthIsRead() {
        ObjectNode json = fema("OK");
        json.put("designatedArea", "a".repeat(EventParser.MAX_SHORT_TEXT));

        assertThat(disaster(json).disaster().designatedArea).hasSize(255);
    }

    @Test
    void longTextFieldsMayExceedTheShortLimit() {
        ObjectNode json = fema("OK");
        json.put("declarationTitle", "T".repeat(300));

        ParsedEvent parsed = disaster(json);

        assertThat(parsed.isFailure()).isFalse();
        assertThat(parsed.disaster().declarationTitle).hasSize(300);
    }

    @ParameterizedTest(name = "id {0}")
    @ValueSource(strings = {"absent", "null", "\"\"", "\"   \""})
    void declarationWithoutIdIsMissingKey(String id) {
        ObjectNode json = fema("OK");
        switch (id) {
            case "absent" -> json.remove("id");
            case "null" -> json.putNull("id");
            default -> json.set("id", parseNode(id));
        }

        ParsedEvent parsed = disaster(json);

        assertThat(parsed.isFailure()).isTrue();
        assertThat(parsed.failure()).isEqualTo(RejectReason.MISSING_KEY);
        assertThat(parsed.detail()).isEqualTo("declaration has no id");
        assertThat(parsed.naturalKey()).isNull();
    }

    @Test
    void tenantAndClassificationAreReadFromTheTopLevel() {
        ObjectNode json = fema("CO");
        json.put("tenant_id", "colorado_state");
        json.put("data_classification", "INTERNAL");

        ParsedEvent parsed = disaster(json);

        assertThat(parsed.claimedTenant()).isEqualTo("colorado_state");
        assertThat(parsed.classification()).isEqualTo("INTERNAL");
    }

    @Test
    void noClaimsMeansNoTenantAndPublic() {
        ParsedEvent parsed = disaster(fema("CO"));

        assertThat(parsed.claimedTenant()).isNull();
        assertThat(parsed.classification())
                .isEqualTo(EventParser.DEFAULT_CLASSIFICATION)
                .isEqualTo("PUBLIC");
    }

    @Test
    void classificationIsKeptAsWrittenForTheGuardToJudge() {
        ObjectNode json = fema("CO");
        json.put("data_classification", "secret");

        assertThat(disaster(json).classification()).isEqualTo("secret");
    }

    @Test
    void stateIsKeptAsWrittenNotNormalised() {
        assertThat(disaster(fema(" co")).states()).containsExactly(" co");
    }

    // ---- NWS alerts ----
    @Test
    void geoJsonFeatureIsRead() {
        ObjectNode props = nwsProperties(
                "urn:oid:2.49.0.1.840.0.aaa.001.1", List.of("COZ039", "COZ040"), List.of("008031", "008059"));

        ParsedEvent parsed = alert(nwsFeature(props));

        assertThat(parsed.isFailure()).as(String.valueOf(parsed.detail())).isFalse();
        assertThat(parsed.naturalKey()).isEqualTo("urn:oid:2.49.0.1.840.0.aaa.001.1");
        assertThat(parsed.states()).containsExactly("CO");
        assertThat(parsed.disaster()).isNull();
        WeatherAlert a = parsed.alert();
        assertThat(a.id).isEqualTo("urn:oid:2.49.0.1.840.0.aaa.001.1");
        assertThat(a.ugcCodes).containsExactly("COZ039", "COZ040");
        assertThat(a.sameCodes).containsExactly("008031", "008059");
        assertThat(a.areaDesc).isEqualTo("Northern Front Range Foothills; Denver");
        assertThat(a.sent).isEqualTo("2024-02-10T03:12:00-07:00");
        assertThat(a.effective).isEqualTo("2024-02-10T03:12:00-07:00");
        assertThat(a.onset).isEqualTo("2024-02-10T11:00:00-07:00");
        assertThat(a.expires).isEqualTo("2024-02-10T19:15:00-07:00");
        assertThat(a.ends).isEqualTo("2024-02-11T05:00:00-07:00");
        assertThat(a.status).isEqualTo("Actual");
        assertThat(a.messageType).isEqualTo("Alert");
        assertThat(a.category).isEqualTo("Met");
        assertThat(a.severity).isEqualTo("Moderate");
        assertThat(a.certainty).isEqualTo("Likely");
        assertThat(a.urgency).isEqualTo("Expected");
        assertThat(a.event).isEqualTo("Winter Weather Advisory");
        assertThat(a.sender).isEqualTo("w-nws.webmaster@noaa.gov");
        assertThat(a.senderName).isEqualTo("NWS Boulder CO");
        assertThat(a.headline).startsWith("Winter Weather Advisory issued");
        assertThat(a.description).startsWith("* WHAT...");
        assertThat(a.instruction).startsWith("Slow down");
        assertThat(a.response).isEqualTo("Execute");
    }

    @Test
    void barePropertiesAreRead() {
        ObjectNode props = nwsProperties("urn:oid:bare.1", List.of("COZ039"), List.of("008031"));

        ParsedEvent parsed = alert(props);

        assertThat(parsed.isFailure()).isFalse();
        assertThat(parsed.naturalKey()).isEqualTo("urn:oid:bare.1");
        assertThat(parsed.states()).containsExactly("CO");
    }

    @Test
    void geoCodeSpellingIsAccepted() {
        ObjectNode props = nwsProperties("urn:oid:geoCode.1", List.of(), List.of());
        props.remove("geocode");
        ObjectNode geoCode = props.putObject("geoCode");
        geoCode.putArray("UGC").add("KSZ001");
        geoCode.putArray("SAME").add("020023");

        ParsedEvent parsed = alert(props);

        assertThat(parsed.alert().ugcCodes).containsExactly("KSZ001");
        assertThat(parsed.alert().sameCodes).containsExactly("020023");
        assertThat(parsed.states()).containsExactly("KS");
    }

    @Test
    void missingGeocodeNamesNoState() {
        ObjectNode props = nwsProperties("urn:oid:nogeo.1", List.of(), List.of());
        props.remove("geocode");

        ParsedEvent parsed = alert(props);

        assertThat(parsed.isFailure()).isFalse();
        assertThat(parsed.alert().ugcCodes).isEmpty();
        assertThat(parsed.alert().sameCodes).isEmpty();
        assertThat(parsed.states()).isEmpty();
    }

    static Stream<Arguments> geocodes() {
        return Stream.of(
                Arguments.of(List.of("COZ039"), List.of(), new String[] {"CO"}),
                Arguments.of(List.of(), List.of("008031"), new String[] {"CO"}),
                Arguments.of(List.of("MDC031"), List.of("024031"), new String[] {"MD"}),
                Arguments.of(List.of("KSZ001", "NEZ080"), List.of(), new String[] {"KS", "NE"}),
                Arguments.of(List.of(), List.of("020023", "031029"), new String[] {"KS", "NE"}),
                Arguments.of(List.of("COZ039"), List.of("056001"), new String[] {"CO", "WY"}),
                // Marine zones: UGC prefixes like PK/AM/GM and SAME "state" parts 57-77 name no state.
                Arguments.of(List.of("PKZ722"), List.of(), new String[0]),
                Arguments.of(List.of(), List.of("057655"), new String[0]),
                Arguments.of(List.of("PKZ722", "PKZ725"), List.of("058722", "058725"), new String[0]),
                Arguments.of(
                        List.of("AMZ330", "GMZ550", "LMZ741", "PZZ356"),
                        List.of("073330", "077550", "092741"),
                        new String[0]),
                Arguments.of(List.of("ANZ330", "CTZ009"), List.of("073330", "009009"), new String[] {"CT"}),
                Arguments.of(List.of("PRZ001"), List.of("072001"), new String[] {"PR"}),
                // Only exact upper-case codes count; malformed codes name nothing.
                Arguments.of(List.of("coz039", "C", ""), List.of("8031", "0080310", "0XX031"), new String[0]));
    }

    @ParameterizedTest(name = "UGC {0} SAME {1} -> {2}")
    @MethodSource("geocodes")
    void statesAreDerivedFromUgcAndSame(List<String> ugc, List<String> same, String[] states) {
        ParsedEvent parsed = alert(nwsFeature(nwsProperties(ugc, same)));

        assertThat(parsed.isFailure()).as(String.valueOf(parsed.detail())).isFalse();
        assertThat(parsed.states()).containsExactly(states);
    }

    @Test
    void statesOfDirectly() {
        WeatherAlert a = new WeatherAlert();
        a.ugcCodes = new String[] {"COZ039", null, "PKZ722"};
        a.sameCodes = new String[] {null, "008031", "057655", "048201"};

        assertThat(EventParser.statesOf(a)).containsExactly("CO", "TX");
    }

    /**
     * The key limit counts UTF-8 bytes, as StarRocks' primary_key_limit_size does: 32 four-byte
     * characters (128 bytes) fit, 43 three-byte ones (129 bytes) do not, though far below 128
     * characters. The key itself stays out of the detail.
     */
    @Test
    void idOverTheKeyLimitInBytesIsKeyTooLong() {
        ObjectNode fits = fema("OK");
        fits.put("id", "\uD83C\uDF0A".repeat(32));
        assertThat(disaster(fits).isFailure()).isFalse();
        ObjectNode ascii = fema("OK");
        ascii.put("id", "a".repeat(EventParser.MAX_KEY_BYTES));
        assertThat(disaster(ascii).naturalKey()).hasSize(128);

        ObjectNode tooLong = fema("OK");
        tooLong.put("id", "\u00E9\u00E9\u00E9".repeat(21) + "\u20AC");
        ParsedEvent parsed = disaster(tooLong);
        assertThat(parsed.failure()).isEqualTo(RejectReason.KEY_TOO_LONG);
        assertThat(parsed.detail()).isEqualTo("id is 129 bytes of UTF-8, longer than the 128 the database key holds");
        assertThat(parsed.naturalKey()).isNull();

        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.put("id", "urn:oid:" + "9".repeat(300));
        ParsedEvent alert = alert(nwsFeature(props));
        assertThat(alert.failure()).isEqualTo(RejectReason.KEY_TOO_LONG);
        assertThat(alert.detail()).startsWith("id is 308 bytes");
    }

    @Test
    void alertWithoutIdIsMissingKey() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.remove("id");

        ParsedEvent parsed = alert(nwsFeature(props));

        assertThat(parsed.failure()).isEqualTo(RejectReason.MISSING_KEY);
        assertThat(parsed.detail()).isEqualTo("alert has no id");
    }

    @Test
    void featureIdIsNotTheAlertKey() {
        // The Feature's own id is the alert's URL; only properties.id is the CAP identifier.
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.remove("id");
        ObjectNode feature = nwsFeature(props);

        assertThat(feature.get("id").asText()).startsWith("https://");
        assertThat(alert(feature).failure()).isEqualTo(RejectReason.MISSING_KEY);
    }

    @Test
    void propertiesThatAreNotAnObjectAreMalformed() {
        ObjectNode feature = JSON.createObjectNode();
        feature.put("type", "Feature");
        feature.put("properties", "urn:oid:1");

        assertMalformed(alert(feature), "field properties: expected an object");
    }

    @Test
    void nullPropertiesAreMalformed() {
        ObjectNode feature = JSON.createObjectNode();
        feature.put("type", "Feature");
        feature.putNull("properties");

        assertMalformed(alert(feature), "field properties: expected an object");
    }

    @Test
    void geocodeThatIsNotAnObjectIsMalformed() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.putArray("geocode").add("COZ039");

        assertMalformed(alert(nwsFeature(props)), "field geocode: expected an object");
    }

    @Test
    void ugcThatIsNotAnArrayIsMalformed() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        ((ObjectNode) props.get("geocode")).put("UGC", "COZ039");

        assertMalformed(alert(nwsFeature(props)), "field UGC: expected an array");
    }

    @Test
    void nonTextOrOverlongCodeIsMalformed() {
        ObjectNode numeric = nwsProperties(List.of("COZ039"), List.of());
        ((ObjectNode) numeric.get("geocode")).putArray("SAME").add(8031);
        ObjectNode overlong = nwsProperties(List.of("CO" + "Z".repeat(300)), List.of());

        assertMalformed(alert(nwsFeature(numeric)), "field SAME[0]: expected a code");
        assertMalformed(alert(nwsFeature(overlong)), "field UGC[0]: expected a code");
    }

    @Test
    void classificationDefaultsToPublic() {
        assertThat(alert(nwsFeature(nwsProperties(List.of("COZ039"), List.of())))
                        .classification())
                .isEqualTo("PUBLIC");
    }

    @Test
    void topLevelClaimsOfAFeature() {
        ObjectNode feature = nwsFeature(nwsProperties(List.of("COZ039"), List.of()));
        feature.put("tenant_id", "colorado_state");
        feature.put("data_classification", "INTERNAL");

        ParsedEvent parsed = alert(feature);

        assertThat(parsed.claimedTenant()).isEqualTo("colorado_state");
        assertThat(parsed.classification()).isEqualTo("INTERNAL");
    }

    @Test
    void tenantClaimInsidePropertiesCounts() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.put("tenant_id", "kansas_emergency");

        assertThat(alert(nwsFeature(props)).claimedTenant()).isEqualTo("kansas_emergency");
    }

    @Test
    void claimsOfBarePropertiesAreTheirTopLevel() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.put("tenant_id", "colorado_state");
        props.put("data_classification", "CONFIDENTIAL");

        ParsedEvent parsed = alert(props);

        assertThat(parsed.claimedTenant()).isEqualTo("colorado_state");
        assertThat(parsed.classification()).isEqualTo("CONFIDENTIAL");
    }

    @Test
    void equalClaimsAtBothLevelsAreOneClaim() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.put("tenant_id", "colorado_state");
        ObjectNode feature = nwsFeature(props);
        feature.put("tenant_id", "colorado_state");

        assertThat(alert(feature).claimedTenant()).isEqualTo("colorado_state");
    }

    @Test
    void twoDifferentClaimsMatchNeitherTenant() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.put("tenant_id", "kansas_emergency");
        ObjectNode feature = nwsFeature(props);
        feature.put("tenant_id", "colorado_state");

        String claim = alert(feature).claimedTenant();

        assertThat(claim).isNotNull().isNotEqualTo("colorado_state").isNotEqualTo("kansas_emergency");
        assertThat(claim).contains("kansas_emergency");

        // And the other way round.
        props.put("tenant_id", "colorado_state");
        feature.put("tenant_id", "kansas_emergency");
        assertThat(alert(feature).claimedTenant())
                .isNotNull()
                .isNotEqualTo("colorado_state")
                .isNotEqualTo("kansas_emergency");
    }

    @Test
    void classificationInsidePropertiesIsNotDowngradedToPublic() {
        ObjectNode props = nwsProperties(List.of("COZ039"), List.of());
        props.put("data_classification", "CONFIDENTIAL");

        assertThat(alert(nwsFeature(props)).classification()).isNotEqualTo("PUBLIC");
    }

    // ---- malformed input: a failure, never an exception ----
    static Stream<Arguments> malformedPayloads() {
        String valid = "{\"id\":\"m1\",\"state\":\"CO\",\"tenant_id\":\"colorado_state\"}";
        return Stream.of(
                Arguments.of("empty", new byte[0], "empty message"),
                Arguments.of("whitespace only", utf8("   \n"), "expected a JSON object"),
                Arguments.of("truncated", utf8(valid.substring(0, valid.length() - 5)), "not valid JSON"),
                Arguments.of("truncated in a string", utf8("{\"id\":\"m1"), "not valid JSON"),
                Arguments.of("array", utf8("[" + valid + "]"), "expected a JSON object"),
                Arguments.of("string", utf8("\"" + valid.replace("\"", "\\\"") + "\""), "expected a JSON object"),
                Arguments.of("number", utf8("42"), "expected a JSON object"),
                Arguments.of("null", utf8("null"), "expected a JSON object"),
                Arguments.of(
                        "duplicate tenant_id",
                        utf8("{\"id\":\"m1\",\"tenant_id\":\"colorado_state\",\"tenant_id\":\"kansas_emergency\"}"),
                        "duplicate field 'tenant_id'"),
                Arguments.of("duplicate id", utf8("{\"id\":\"m1\",\"id\":\"m2\"}"), "duplicate field"),
                Arguments.of(
                        "invalid UTF-8 start byte",
                        concat(utf8("{\"id\":\"m"), new byte[] {(byte) 0xFF}, utf8("\"}")),
                        "not valid UTF-8"),
                Arguments.of(
                        "invalid UTF-8 continuation",
                        concat(utf8("{\"id\":\"m"), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\"}")),
                        "not valid UTF-8"),
                Arguments.of(
                        "truncated UTF-8 sequence",
                        concat(utf8("{\"id\":\"m"), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\"}")),
                        "not valid UTF-8"),
                Arguments.of(
                        "UTF-8 encoded surrogate",
                        concat(utf8("{\"id\":\"m"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\"}")),
                        "not valid UTF-8"),
                Arguments.of("raw control char in value", utf8("{\"id\":\"m\u00011\"}"), "control character"),
                Arguments.of("raw newline in value", utf8("{\"id\":\"m1\",\"state\":\"C\nO\"}"), "control character"),
                Arguments.of("raw NUL after object", utf8(valid + "\u0000"), "control character"),
                Arguments.of("trailing garbage", utf8(valid + " garbage"), "not valid JSON"),
                Arguments.of("trailing second object", utf8(valid + "{\"id\":\"m2\"}"), "trailing data"),
                Arguments.of("trailing comma", utf8("{\"id\":\"m1\",}"), "not valid JSON"),
                Arguments.of("comment", utf8("{\"id\":\"m1\" /* x */}"), "not valid JSON"),
                Arguments.of("single quotes", utf8("{'id':'m1'}"), "not valid JSON"),
                Arguments.of("NaN", utf8("{\"id\":\"m1\",\"disasterNumber\":NaN}"), "not valid JSON"),
                Arguments.of("nesting 33 deep", utf8(nested(33)), "nesting depth"),
                Arguments.of("nesting 10000 deep", utf8(nested(10_000)), "nesting depth"),
                Arguments.of(
                        "tenant_id object",
                        utf8("{\"id\":\"m1\",\"tenant_id\":{\"id\":\"x\"}}"),
                        "field tenant_id: expected text"),
                Arguments.of(
                        "tenant_id array",
                        utf8("{\"id\":\"m1\",\"tenant_id\":[\"colorado_state\"]}"),
                        "field tenant_id: expected text"),
                Arguments.of(
                        "classification array",
                        utf8("{\"id\":\"m1\",\"data_classification\":[\"PUBLIC\"]}"),
                        "field data_classification: expected text"),
                Arguments.of("id object", utf8("{\"id\":{\"$oid\":\"m1\"}}"), "field id: expected text"),
                Arguments.of(
                        "300-char state",
                        utf8("{\"id\":\"m1\",\"state\":\"" + "X".repeat(300) + "\"}"),
                        "field state: longer than 255"),
                Arguments.of(
                        "300-char tenant_id",
                        utf8("{\"id\":\"m1\",\"tenant_id\":\"" + "t".repeat(300) + "\"}"),
                        "field tenant_id: longer than 255"));
    }

    /** Object nesting: the root object plus {@code depth - 1} nested arrays. */
    private static String nested(int depth) {
        return "{\"id\":\"deep\",\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPayloads")
    void disasterPayloadIsMalformed(String name, byte[] payload, String detail) {
        ParsedEvent parsed = parser.parse(StreamKind.DISASTERS, payload);

        assertMalformed(parsed, detail);
        assertThat(parsed.claimedTenant()).isNull();
    }

    static Stream<Arguments> malformedAlertPayloads() {
        // A FEMA "state" is no NWS field; a 300-char NWS "event" is the same mistake there.
        return Stream.concat(
                malformedPayloads().filter(a -> !"300-char state".equals(a.get()[0])),
                Stream.of(Arguments.of(
                        "300-char event",
                        utf8("{\"id\":\"m1\",\"event\":\"" + "E".repeat(300) + "\"}"),
                        "field event: longer than 255")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedAlertPayloads")
    void weatherPayloadIsMalformed(String name, byte[] payload, String detail) {
        assertMalformed(parser.parse(StreamKind.WEATHER, payload), detail);
    }

    @Test
    void nestingOfExactly32IsAllowed() {
        ParsedEvent parsed = parser.parse(StreamKind.DISASTERS, utf8(nested(32)));

        assertThat(parsed.isFailure()).as(String.valueOf(parsed.detail())).isFalse();
    }

    @Test
    void duplicateTenantInsideNwsPropertiesIsMalformed() {
        String props = "{\"id\":\"urn:oid:1\",\"tenant_id\":\"colorado_state\",\"tenant_id\":\"kansas_emergency\"}";

        assertMalformed(
                parser.parse(StreamKind.WEATHER, utf8("{\"type\":\"Feature\",\"properties\":" + props + "}")),
                "duplicate field 'tenant_id'");
    }

    @Test
    void nullPayloadIsMalformed() {
        assertMalformed(parser.parse(StreamKind.DISASTERS, null), "empty message");
    }

    @Test
    void stringLongerThanTheMessageLimitIsMalformed() {
        EventParser small = new EventParser(1_000);

        assertMalformed(
                small.parse(StreamKind.WEATHER, utf8("{\"id\":\"x\",\"description\":\"" + "d".repeat(2_000) + "\"}")),
                "string value exceeds");
    }

    @Test
    void surroundingWhitespaceIsNotGarbage() {
        assertThat(parser.parse(StreamKind.DISASTERS, utf8("\n  {\"id\":\"ws\"}\r\n\t"))
                        .isFailure())
                .isFalse();
    }

    @Test
    void escapedControlCharactersAndUnicodeAreFine() {
        ParsedEvent parsed = parser.parse(
                StreamKind.DISASTERS,
                utf8(
                        "{\"id\":\"esc\",\"designatedArea\":\"Do\\u00f1a Ana (County)\\n\",\"incidentType\":\"Fl\u00f6od\"}"));

        assertThat(parsed.isFailure()).isFalse();
        assertThat(parsed.disaster().designatedArea).isEqualTo("Do\u00f1a Ana (County)\n");
        assertThat(parsed.disaster().incidentType).isEqualTo("Fl\u00f6od");
    }

    @Test
    void overlongUtf8IsMalformed() {
        byte[] payload = concat(utf8("{\"id\":\"m"), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}"));

        assertMalformed(parser.parse(StreamKind.DISASTERS, payload), "UTF-8");
    }

    @Test
    void utf16PayloadIsMalformed() {
        byte[] payload = "{\"id\":\"m1\"}".getBytes(StandardCharsets.UTF_16BE);

        assertThat(parser.parse(StreamKind.DISASTERS, payload).isFailure()).isTrue();
    }

    @Test
    void failureDetailQuotesNoPayloadValue() {
        ParsedEvent parsed = parser.parse(StreamKind.DISASTERS, utf8("{\"id\":\"m1\",\"ssn\":SSN123456789}"));

        assertThat(parsed.isFailure()).isTrue();
        assertThat(parsed.detail()).doesNotContain("SSN123456789");
    }

    @ParameterizedTest(name = "stream {0}")
    @EnumSource(StreamKind.class)
    void neverThrowsOnMutatedPayloads(StreamKind stream) {
        byte[] fema = bytes(fema("CO"));
        byte[] nws = bytes(nwsFeature(nwsProperties(List.of("COZ039"), List.of("008031"))));
        Random random = new Random(20240210L);
        int failures = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] base = i % 2 == 0 ? fema : nws;
            byte[] payload = mutate(base, random);
            ParsedEvent parsed = assertDoesNotThrow(stream, payload);
            if (parsed.isFailure()) {
                failures++;
                assertThat(parsed.failure()).isIn(RejectReason.MALFORMED, RejectReason.MISSING_KEY);
                assertThat(parsed.detail()).isNotBlank();
            } else {
                assertThat(parsed.naturalKey()).isNotBlank();
                assertThat(parsed.classification()).isNotNull();
                assertThat(parsed.states()).isNotNull();
            }
        }
        assertThat(failures).as("the mutations should break most payloads").isGreaterThan(1_000);
    }

    private ParsedEvent assertDoesNotThrow(StreamKind stream, byte[] payload) {
        ParsedEvent[] result = new ParsedEvent[1];
        assertThatCode(() -> result[0] = parser.parse(stream, payload))
                .as("parsing %s", new String(payload, StandardCharsets.ISO_8859_1))
                .doesNotThrowAnyException();
        return result[0];
    }

    private static byte[] mutate(byte[] base, Random random) {
        byte[] b = Arrays.copyOf(base, base.length);
        switch (random.nextInt(4)) {
            case 0 -> {
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 1 -> {
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
                return b;
            }
            case 2 -> {
                int at = random.nextInt(b.length);
                byte[] token = utf8(List.of("{", "}", "[", "]", "\"", ",", ":", "\\", "null", "1e999")
                        .get(random.nextInt(10)));
                return concat(Arrays.copyOf(b, at), token, Arrays.copyOfRange(b, at, b.length));
            }
            default -> {
                int from = random.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + random.nextInt(20));
                return concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, b.length));
            }
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode parseNode(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
