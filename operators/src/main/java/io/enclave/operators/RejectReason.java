package io.enclave.operators;

import java.util.Locale;

/** Why an input record was refused; each reason has its own metric and audit label. */
public enum RejectReason {
    /** Not JSON, truncated, duplicate JSON keys, too deep, not valid UTF-8, or wrong shape. */
    MALFORMED,
    /** Larger than the tenant's {@code max_message_bytes}. */
    OVERSIZE,
    /** No natural key ({@code id}) to upsert by. */
    MISSING_KEY,
    /**
     * The natural key is longer than the database key holds ({@link
     * io.enclave.operators.parse.EventParser#MAX_KEY_BYTES} bytes of UTF-8): StarRocks would fail
     * the whole batch's load and never retry it.
     */
    KEY_TOO_LONG,
    /** The record claims a tenant other than the job's own. */
    CROSS_TENANT,
    /** None of the record's states is in {@code allowed_states}. */
    STATE_NOT_ALLOWED,
    /** The classification is not one of the four known levels. */
    UNKNOWN_CLASSIFICATION,
    /** The classification is not in {@code allowed_classifications}. */
    CLASSIFICATION_NOT_ALLOWED,
    /** The same content was already accepted for this key. */
    DUPLICATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
