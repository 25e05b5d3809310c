package io.enclave.sinks;

/** A row of one tenant reached the sink of another; it is refused, never written. */
public final class CrossTenantWriteException extends IllegalStateException {
    public CrossTenantWriteException(String sinkTenant, String rowTenant, String table) {
        super("sink of tenant '" + sinkTenant + "' refused a row of tenant '" + rowTenant + "' for table " + table);
    }
}
