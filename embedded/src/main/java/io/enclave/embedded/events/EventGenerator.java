package io.enclave.embedded.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.Classification;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.UsStates;
import io.enclave.embedded.events.GeneratedEvent.Expectation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Makes FEMA-shaped declarations and NWS-shaped alerts for one tenant, with a few percent
 * deliberately bad ones (a foreign tenant, a disallowed state, over-classified, malformed).
 * Seeded, so a test can regenerate exactly what it published.
 */
public final class EventGenerator {
    private static final String[] INCIDENTS = {"Severe Storm", "Flood", "Fire", "Tornado", "Snowstorm", "Hurricane"};
    private static final String[] ALERTS = {
        "Winter Storm Warning",
        "Flood Watch",
        "Red Flag Warning",
        "Tornado Warning",
        "High Wind Warning",
        "Special Weather Statement"
    };
    private static final String[] SEVERITY = {"Minor", "Moderate", "Severe", "Extreme"};

    private final TenantConfig tenant;
    private final String foreignTenant;
    private final Random random;
    private final double badFraction;
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> states;
    private long sequence;

    public EventGenerator(TenantConfig tenant, String foreignTenant, long seed, double badFraction) {
        this.tenant = tenant;
        this.foreignTenant = foreignTenant;
        this.random = new Random(seed);
        this.badFraction = badFraction;
        this.states = tenant.dataRestrictions().allowedStates().isAll()
                ? new ArrayList<>(UsStates.all())
                : new ArrayList<>(tenant.dataRestrictions().allowedStates().codes());
        this.states.sort(String::compareTo);
    }

    public List<GeneratedEvent> next(int count) {
        List<GeneratedEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }

    public GeneratedEvent next() {
        sequence++;
        StreamKind stream = random.nextInt(3) == 0 ? StreamKind.WEATHER : StreamKind.DISASTERS;
        Expectation expectation = random.nextDouble() < badFraction
                ? Expectation.values()[1 + random.nextInt(Expectation.values().length - 1)]
                : Expectation.ACCEPT;
        if (expectation == Expectation.DISALLOWED_STATE
                && tenant.dataRestrictions().allowedStates().isAll()) {
            stream = StreamKind.DISASTERS; // an alert naming no state is in scope for an ALL-states tenant
        }
        String state = expectation == Expectation.DISALLOWED_STATE ? disallowedState() : pick(states);
        ObjectNode node = stream == StreamKind.DISASTERS ? declaration(state) : alert(state);
        String key = stream == StreamKind.DISASTERS
                ? node.get("id").asText()
                : node.get("properties").get("id").asText();
        switch (expectation) {
            case FOREIGN_TENANT -> node.put("tenant_id", foreignTenant);
            case OVER_CLASSIFIED -> node.put("data_classification", overClassification());
            default -> node.put("data_classification", allowedClassification());
        }
        byte[] payload = node.toString().getBytes(StandardCharsets.UTF_8);
        if (expectation == Expectation.MALFORMED) {
            payload = Arrays.copyOf(payload, payload.length / 2);
        }
        return new GeneratedEvent(tenant.names().topic(stream), key, payload, expectation);
    }

    private ObjectNode declaration(String state) {
        int number = 4000 + (int) (sequence % 999);
        Instant declared = Instant.parse("2024-01-01T00:00:00Z").plus(random.nextInt(700), ChronoUnit.DAYS);
        String county = String.format("%03d", 1 + random.nextInt(120));
        ObjectNode d = json.createObjectNode();
        d.put("femaDeclarationString", "DR-" + number + "-" + state);
        d.put("disasterNumber", number);
        d.put("state", state);
        d.put("declarationType", "DR");
        d.put("declarationDate", declared.toString());
        d.put("fyDeclared", 2024 + random.nextInt(2));
        String incident = pick(INCIDENTS);
        d.put("incidentType", incident);
        d.put("declarationTitle", (incident + " and flooding").toUpperCase());
        d.put("ihProgramDeclared", random.nextBoolean());
        d.put("iaProgramDeclared", random.nextBoolean());
        d.put("paProgramDeclared", true);
        d.put("hmProgramDeclared", true);
        d.put("incidentBeginDate", declared.minus(5, ChronoUnit.DAYS).toString());
        d.put("incidentEndDate", declared.minus(2, ChronoUnit.DAYS).toString());
        d.putNull("disasterCloseoutDate");
        d.put("tribalRequest", false);
        d.put("fipsStateCode", "00");
        d.put("fipsCountyCode", county);
        d.put("placeCode", "99" + county);
        d.put("designatedArea", "County " + county + " (County)");
        d.put("declarationRequestNumber", String.valueOf(24000 + random.nextInt(999)));
        d.put("incidentId", String.valueOf(2024000000L + sequence));
        d.put("region", 1 + random.nextInt(10));
        d.put("designatedIncidentTypes", "W");
        d.put("lastRefresh", declared.plus(7, ChronoUnit.DAYS).toString());
        d.put("hash", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        d.put("id", new UUID(random.nextLong(), random.nextLong()).toString());
        return d;
    }

    private ObjectNode alert(String state) {
        Instant sent = Instant.parse("2025-10-15T00:00:00Z").plus(random.nextInt(10_000), ChronoUnit.MINUTES);
        String zone = state + "Z" + String.format("%03d", 1 + random.nextInt(99));
        ObjectNode p = json.createObjectNode();
        p.put("id", "urn:oid:2.49.0.1.840.0." + Long.toHexString(random.nextLong()) + "." + sequence);
        p.put("areaDesc", "Zone " + zone);
        ObjectNode geocode = p.putObject("geocode");
        geocode.putArray("UGC").add(zone);
        geocode.putArray("SAME");
        p.put("sent", sent.toString());
        p.put("effective", sent.toString());
        p.put("onset", sent.plus(1, ChronoUnit.HOURS).toString());
        p.put("expires", sent.plus(12, ChronoUnit.HOURS).toString());
        p.putNull("ends");
        p.put("status", "Actual");
        p.put("messageType", "Alert");
        p.put("category", "Met");
        p.put("severity", pick(SEVERITY));
        p.put("certainty", "Likely");
        p.put("urgency", "Expected");
        String event = pick(ALERTS);
        p.put("event", event);
        p.put("sender", "w-nws.webmaster@noaa.gov");
        p.put("senderName", "NWS Forecast Office");
        p.put("headline", event + " issued for " + zone);
        p.put("description", "* WHAT... " + event + ".\n* WHERE... " + zone + ".");
        p.put("instruction", "Monitor local media for updates.");
        p.put("response", "Prepare");
        ObjectNode feature = json.createObjectNode();
        feature.put("type", "Feature");
        feature.putNull("geometry");
        feature.set("properties", p);
        return feature;
    }

    /** A state outside the tenant's scope; for an ALL-states tenant, a code that is no state at all. */
    private String disallowedState() {
        if (tenant.dataRestrictions().allowedStates().isAll()) {
            return "ZZ";
        }
        List<String> others = new ArrayList<>(UsStates.all());
        others.removeAll(states);
        others.sort(String::compareTo);
        return pick(others);
    }

    private String overClassification() {
        for (Classification level : Classification.values()) {
            if (!tenant.dataRestrictions().allows(level)) {
                return level.name();
            }
        }
        return "TOP_SECRET"; // every level is allowed: an unknown level is refused too
    }

    private String allowedClassification() {
        List<Classification> allowed = new ArrayList<>(tenant.dataRestrictions().allowedClassifications());
        allowed.sort(Classification::compareTo);
        return allowed.isEmpty() ? "PUBLIC" : pick(allowed).name();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }
}
