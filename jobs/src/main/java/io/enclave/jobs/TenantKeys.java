package io.enclave.jobs;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.KafkaAuditSubmitter;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.TenantKeyStore;
import java.nio.file.Path;

/**
 * Gives a tenant its keys in its own key store unless it has them, as {@code keys init} would,
 * and gives each audit signer role (job, ingest, cli) its signing key and the tenant its trust
 * file; it submits the creation to the tenant's audit trail. Every tenant job needs its keys:
 * its chainer signs with the job's signing key.
 */
public final class TenantKeys {
    private TenantKeys() {}

    /** True when keys were created; false when the tenant had them already. */
    public static boolean ensure(GlobalSettings global, TenantConfig tenant, String actor)
            throws AuditUnavailableException {
        KeystoreSettings store = tenant.keystore();
        TenantKeyStore keys = new TenantKeyStore(
                Path.of(store.path()),
                store.password(),
                store.type(),
                tenant.id(),
                tenant.database().encryptionKeyRef());
        if (keys.list().current() > 0) {
            AuditSigning.ensure(tenant);
            return false;
        }
        AuditSigning.ensure(tenant);
        // Reach the audit topic before creating anything, so no key is made unaudited.
        try (AuditSubmitter log =
                KafkaAuditSubmitter.open(global, tenant, AuditSigning.factory(tenant, SignerRole.CLI))) {
            int version = keys.init();
            log.submit(AuditSubmitter.commandRecord(
                    tenant,
                    AuditAction.KEYS_INIT,
                    AuditOutcome.SUCCESS,
                    actor,
                    "",
                    "created data key version " + version + " and the audit signing keys of "
                            + tenant.database().encryptionKeyRef() + " in " + store.type() + " " + store.path()));
        }
        return true;
    }
}
