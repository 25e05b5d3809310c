package io.enclave.cli.query;

/** How {@code enclave query} prints its rows: an aligned table for people, CSV or JSON for pipes. */
public enum ResultFormat {
    TABLE,
    CSV,
    JSON
}
