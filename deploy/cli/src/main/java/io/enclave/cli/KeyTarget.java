package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.KafkaAuditSubmitter;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeystoreKeyProvider;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every key and decrypt command shares, and what they resolve to: the tenant from
 * the config, its key reference, and the tenant's own key store ({@code tenants.<id>.keystore},
 * or {@code --keystore}). The password comes from the config (usually an environment variable
 * such as {@code ${COLORADO_KEYSTORE_PASSWORD}}) or from the variable named by
 * {@code --password-env}; never from the command line, where {@code ps} shows it.
 */
final class KeyTarget {
    /** The command this is mixed into, whose development mode the config is loaded in. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The tenant's key reference, its key store, and the Kafka its audit topic is on. */
    @Mixin
    ConfigOption configFile;

    @Mixin
    TenantOption tenantOption;

    /** The tenant id given, for messages before the config is read. */
    String tenantId() {
        return tenantOption.id().orElse("");
    }

    @Option(names = "--keystore", description = "Key store file; default: the config's tenants.<id>.keystore.path.")
    Path keystore;

    @Option(
            names = "--keystore-type",
            description = "BCFKS or PKCS12; default: the config's tenants.<id>.keystore.type.")
    String keystoreType;

    @Option(
            names = "--password-env",
            paramLabel = "VAR",
            description = "Read the key store password from this environment variable instead of the config.")
    String passwordEnv;

    EnclaveConfig loaded;
    TenantConfig tenant;

    /** Loads the config; prints every problem and returns false when it or the options are not usable. */
    boolean resolve(PrintWriter err) {
        Optional<EnclaveConfig> c = configFile.load(command);
        if (c.isEmpty()) {
            return false;
        }
        loaded = c.get();
        tenant = tenantOption.of(loaded, configFile);
        if (passwordEnv != null && System.getenv(passwordEnv) == null) {
            err.println("environment variable " + passwordEnv + " (--password-env) is not set");
            return false;
        }
        // A password from --password-env bypasses the config, so it gets the config's rules here.
        String fromEnvironment = passwordEnv == null ? null : System.getenv(passwordEnv);
        if (fromEnvironment != null && fromEnvironment.isEmpty()) {
            err.println("environment variable " + passwordEnv + " (--password-env) is empty; a key store password"
                    + " must not be empty, not even in development mode");
            return false;
        }
        Optional<String> refusal = fromEnvironment == null
                ? Optional.empty()
                : EnclaveCli.devMode(command).refusal(fromEnvironment);
        if (refusal.isPresent()) {
            err.println("environment variable " + passwordEnv + " (--password-env) " + refusal.get());
            return false;
        }
        return true;
    }

    KeystoreSettings keystoreSettings() {
        KeystoreSettings configured = tenant.keystore();
        return new KeystoreSettings(
                keystore != null ? keystore.toString() : configured.path(),
                passwordEnv != null ? Secret.of(System.getenv(passwordEnv)) : configured.password(),
                keystoreType != null ? keystoreType : configured.type(),
                configured.signingPasswords());
    }

    String keyRef() {
        return tenant.database().encryptionKeyRef();
    }

    TenantKeyStore keyStore() {
        KeystoreSettings s = keystoreSettings();
        return new TenantKeyStore(Path.of(s.path()), s.password(), s.type(), tenant.id(), keyRef());
    }

    KeystoreKeyProvider provider() {
        KeystoreSettings s = keystoreSettings();
        return KeystoreKeyProvider.open(Path.of(s.path()), s.password(), s.type(), tenant.id(), keyRef());
    }

    String describeStore() {
        KeystoreSettings s = keystoreSettings();
        return s.type() + " " + s.path();
    }

    /** The tenant's audit topic, signing with the CLI's own audit signing key (never the job's). */
    KafkaAuditSubmitter auditSubmitter(java.time.Duration wait) throws AuditUnavailableException {
        return KafkaAuditSubmitter.open(loaded.global(), tenant, AuditSigning.factory(tenant, SignerRole.CLI), wait);
    }
}
