package io.enclave.sinks.schema;

/** The handful of column types Enclave's tables use; each dialect spells them its own way. */
public enum ColumnType {
    /** Codes, keys and names: at most 255 characters, as the parser enforces. */
    SHORT_TEXT,
    /**
     * A natural key or the tenant id in a key: at most {@link
     * io.enclave.operators.parse.EventParser#MAX_KEY_BYTES} bytes of UTF-8, StarRocks' default
     * {@code primary_key_limit_size}, as the parser enforces for {@code id} and config for tenant ids.
     */
    KEY_TEXT,
    /** Free text such as alert descriptions, bounded only by the message size limit. */
    LONG_TEXT,
    INT,
    BIGINT,
    BOOLEAN,
    /** A UTC instant to the millisecond, stored without a zone. */
    TIMESTAMP
}
