package io.enclave.operators.parse;

import java.util.Map;

/** State FIPS codes (Census state.txt) to USPS codes, for reading NWS SAME geocodes. */
final class StateFips {
    private static final Map<String, String> BY_FIPS = Map.ofEntries(
            Map.entry("01", "AL"),
            Map.entry("02", "AK"),
            Map.entry("04", "AZ"),
            Map.entry("05", "AR"),
            Map.entry("06", "CA"),
            Map.entry("08", "CO"),
            Map.entry("09", "CT"),
            Map.entry("10", "DE"),
            Map.entry("11", "DC"),
            Map.entry("12", "FL"),
            Map.entry("13", "GA"),
            Map.entry("15", "HI"),
            Map.entry("16", "ID"),
            Map.entry("17", "IL"),
            Map.entry("18", "IN"),
            Map.entry("19", "IA"),
            Map.entry("20", "KS"),
            Map.entry("21", "KY"),
            Map.entry("22", "LA"),
            Map.entry("23", "ME"),
            Map.entry("24", "MD"),
            Map.entry("25", "MA"),
            Map.entry("26", "MI"),
            Map.entry("27", "MN"),
            Map.entry("28", "MS"),
            Map.entry("29", "MO"),
            Map.entry("30", "MT"),
            Map.entry("31", "NE"),
            Map.entry("32", "NV"),
            Map.entry("33", "NH"),
            Map.entry("34", "NJ"),
            Map.entry("35", "NM"),
            Map.entry("36", "NY"),
            Map.entry("37", "NC"),
            Map.entry("38", "ND"),
            Map.entry("39", "OH"),
            Map.entry("40", "OK"),
            Map.entry("41", "OR"),
            Map.entry("42", "PA"),
            Map.entry("44", "RI"),
            Map.entry("45", "SC"),
            Map.entry("46", "SD"),
            Map.entry("47", "TN"),
            Map.entry("48", "TX"),
            Map.entry("49", "UT"),
            Map.entry("50", "VT"),
            Map.entry("51", "VA"),
            Map.entry("53", "WA"),
            Map.entry("54", "WV"),
            Map.entry("55", "WI"),
            Map.entry("56", "WY"),
            Map.entry("60", "AS"),
            Map.entry("66", "GU"),
            Map.entry("69", "MP"),
            Map.entry("72", "PR"),
            Map.entry("74", "UM"),
            Map.entry("78", "VI"));

    private StateFips() {}

    /** The USPS code for a 2-digit FIPS code, or null for marine areas and unknown codes. */
    static String stateOf(String fips) {
        return BY_FIPS.get(fips);
    }
}
