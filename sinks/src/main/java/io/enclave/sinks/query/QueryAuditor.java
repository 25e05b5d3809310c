package io.enclave.sinks.query;

/**
 * Where {@link TenantQueries} records each query before it hands back a single row: usually the
 * tenant's audit topic. It must return only once the record is durable, and throw otherwise.
 */
@FunctionalInterface
public interface QueryAuditor {
    void record(QueryAudit audit) throws Exception;
}
