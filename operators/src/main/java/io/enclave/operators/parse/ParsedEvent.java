package io.enclave.operators.parse;

import io.enclave.operators.RejectReason;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.WeatherAlert;

/**
 * What a payload turned out to be: either the event's own claims and typed body, or the
 * reason it cannot be read. Parsing reports instead of throwing, so bad input never fails a job.
 */
public final class ParsedEvent {
    private final RejectReason failure;
    private final String detail;
    private final String naturalKey;
    private final String claimedTenant;
    private final String classification;
    private final String[] states;
    private final DisasterDeclaration disaster;
    private final WeatherAlert alert;

    private ParsedEvent(
            RejectReason failure,
            String detail,
            String naturalKey,
            String claimedTenant,
            String classification,
            String[] states,
            DisasterDeclaration disaster,
            WeatherAlert alert) {
        this.failure = failure;
        this.detail = detail;
        this.naturalKey = naturalKey;
        this.claimedTenant = claimedTenant;
        this.classification = classification;
        this.states = states;
        this.disaster = disaster;
        this.alert = alert;
    }

    static ParsedEvent failed(RejectReason reason, String detail) {
        return new ParsedEvent(reason, detail, null, null, null, null, null, null);
    }

    static ParsedEvent failed(RejectReason reason, String detail, String naturalKey) {
        return new ParsedEvent(reason, detail, naturalKey, null, null, null, null, null);
    }

    static ParsedEvent disaster(DisasterDeclaration d, String claimedTenant, String classification) {
        return new ParsedEvent(
                null,
                null,
                d.id,
                claimedTenant,
                classification,
                d.state == null ? new String[0] : new String[] {d.state},
                d,
                null);
    }

    static ParsedEvent alert(WeatherAlert a, String claimedTenant, String classification, String[] states) {
        return new ParsedEvent(null, null, a.id, claimedTenant, classification, states, null, a);
    }

    public boolean isFailure() {
        return failure != null;
    }

    public RejectReason failure() {
        return failure;
    }

    public String detail() {
        return detail;
    }

    public String naturalKey() {
        return naturalKey;
    }

    public String claimedTenant() {
        return claimedTenant;
    }

    public String classification() {
        return classification;
    }

    public String[] states() {
        return states;
    }

    public DisasterDeclaration disaster() {
        return disaster;
    }

    public WeatherAlert alert() {
        return alert;
    }
}
