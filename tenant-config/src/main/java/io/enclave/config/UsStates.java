package io.enclave.config;

import java.util.Set;

/**
 * The USPS codes of the 50 states, DC and the territories (Census state.txt), which are the
 * only values a state restriction may name.
 */
public final class UsStates {
    private static final Set<String> CODES = Set.of(
            "AL",
            "AK",
            "AZ",
            "AR",
            "CA",
            "CO",
            "CT",
            "DE",
            "DC",
            "FL",
            "GA",
            "HI",
            "ID",
            "IL",
            "IN",
            "IA",
            "KS",
            "KY",
            "LA",
            "ME",
            "MD",
            "MA",
            "MI",
            "MN",
            "MS",
            "MO",
            "MT",
            "NE",
            "NV",
            "NH",
            "NJ",
            "NM",
            "NY",
            "NC",
            "ND",
            "OH",
            "OK",
            "OR",
            "PA",
            "RI",
            "SC",
            "SD",
            "TN",
            "TX",
            "UT",
            "VT",
            "VA",
            "WA",
            "WV",
            "WI",
            "WY",
            "AS",
            "GU",
            "MP",
            "PR",
            "UM",
            "VI",
            // Freely associated states appear in FEMA declarations (compact of free association).
            "FM",
            "MH",
            "PW");

    private UsStates() {}

    /** True only for an exact upper-case ASCII code; look-alikes and padding do not pass. */
    public static boolean isCode(String code) {
        return code != null && CODES.contains(code);
    }

    public static Set<String> all() {
        return CODES;
    }
}
