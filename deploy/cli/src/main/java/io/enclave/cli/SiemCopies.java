package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.SiemTopicReader;
import io.enclave.sinks.AuditSiemComparison.SiemCopy;
import java.io.IOException;
import java.util.List;
import java.util.Properties;

/**
 * Reads a tenant's copy of its chain on the shared SIEM topic for {@code status} and {@code ack}. Provisioning lets a
 * tenant's job append to that topic and never read it (it holds every tenant's trail), so on a broker with ACLs it
 * is read as the operator's admin ({@code --kafka-admin-config}); without one, with the tenant's own login, which
 * works on a broker without ACLs (the demo's).
 */
final class SiemCopies {
    private SiemCopies() {}

    static SiemCopy of(EnclaveConfig config, TenantConfig tenant, AdminCredentials admin, TimeoutOption timeout)
            throws AuditUnavailableException {
        if (!admin.hasKafka()) {
            return SiemTopicReader.read(config.global(), tenant, timeout.duration());
        }
        Properties login = new Properties();
        try {
            login.putAll(admin.kafkaAdminProperties(config, tenant.names().resourcePrefix() + "siem_read", timeout));
        } catch (IOException e) {
            throw new UsageException("cannot read the Kafka admin config (--kafka-admin-config): " + e.getMessage());
        }
        return SiemTopicReader.read(config.global(), login, List.of(tenant.id()), timeout.duration())
                .get(tenant.id());
    }
}
