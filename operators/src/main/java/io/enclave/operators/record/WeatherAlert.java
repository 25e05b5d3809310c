package io.enclave.operators.record;

/** The properties of one NWS CAP alert (api.weather.gov/alerts). */
public class WeatherAlert {
    /** The CAP identifier (urn:oid:...): the natural key. */
    public String id;

    public String areaDesc;
    /** SAME codes: 6 digits, the 2nd and 3rd being the state FIPS code. */
    public String[] sameCodes;
    /** UGC codes such as COZ039 or MDC031; the first two letters name the state or marine area. */
    public String[] ugcCodes;

    public String sent;
    public String effective;
    public String onset;
    public String expires;
    public String ends;
    public String status;
    public String messageType;
    public String category;
    public String severity;
    public String certainty;
    public String urgency;
    public String event;
    public String sender;
    public String senderName;
    public String headline;
    public String description;
    public String instruction;
    public String response;

    public WeatherAlert() {}
}
