package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.KeystoreSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.jobs.audit.KafkaAuditSubmitter;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditSigning;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.audit.SignerRole;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code enclave keys init|rotate|list|destroy}: one tenant's keys in its own key store; and
 * {@code keys split}, which moves every tenant out of the shared store older configs used.
 */
@Command(
        name = "keys",
        description = "Manage a tenant's encryption keys: init, rotate, list, destroy, split.",
        subcommands = {
            KeysCommand.Init.class,
            KeysCommand.Rotate.class,
            KeysCommand.ListKeys.class,
            KeysCommand.Destroy.class,
            KeysCommand.Split.class,
            KeysCommand.RotateSigning.class
        })
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** {@code keys init}: the tenant's first data key and its audit signing keys. */
    @Command(name = "init", description = "Create the tenant's first data key and its audit signing keys (audited).")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KeyTarget target;

        @Mixin
        TimeoutOption timeout;

        @Override
        public Integer call() {
            return CliAudit.run(spec, target, timeout, AuditAction.KEYS_INIT, "keys init", "", () -> {
                AuditTrust trust = AuditSigning.ensure(target.tenant);
                int version = target.keyStore().init();
                return CliAudit.Done.of("created data key version " + version + " of " + target.keyRef() + " in "
                        + target.describeStore() + "; audit signing keys (job, ingest, cli) and their trust file "
                        + AuditSigning.trustFile(target.tenant) + "; " + AuditSigning.pinHint(target.tenant, trust));
            });
        }
    }

    /** {@code keys rotate}: a new data key version for new writes; the old ones keep decrypting. */
    @Command(
            name = "rotate",
            description = "Add a new data key version: jobs started from now on write with it,"
                    + " and every older version still decrypts (audited).")
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KeyTarget target;

        @Mixin
        TimeoutOption timeout;

        @Override
        public Integer call() {
            return CliAudit.run(spec, target, timeout, AuditAction.KEYS_ROTATE, "keys rotate", "", () -> {
                int version = target.keyStore().rotate();
                return CliAudit.Done.of("created data key version " + version + " of " + target.keyRef()
                        + "; new writes use it once the tenant's job restarts, older versions still decrypt");
            });
        }
    }

    /** {@code keys list}: versions and dates, never key material. */
    @Command(name = "list", description = "List the tenant's key versions (no key material is shown).")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KeyTarget target;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!target.resolve(spec.commandLine().getErr())) {
                return ExitCode.USAGE;
            }
            try {
                if (!Files.exists(Path.of(target.keystoreSettings().path()))) {
                    throw new KeyUnavailableException("key store "
                            + target.keystoreSettings().path() + " does not exist; create it with ./enclave keys init");
                }
                TenantKeyStore.KeyStatus status = target.keyStore().list();
                out.printf("tenant %s, key %s in %s%n", status.tenantId(), status.keyRef(), target.describeStore());
                out.printf("%-8s %-8s %s%n", "VERSION", "CURRENT", "CREATED");
                for (TenantKeyStore.KeyStatus.Version v : status.versions()) {
                    out.printf(
                            "%-8d %-8s %s%n",
                            v.version(),
                            v.version() == status.current() ? "yes" : "",
                            v.created().toInstant());
                }
                if (status.versions().isEmpty()) {
                    out.println("(no data key)");
                }
                if (status.destroyedUpTo() > 0) {
                    out.printf("versions up to %d were destroyed%n", status.destroyedUpTo());
                }
                return 0;
            } catch (KeyUnavailableException e) {
                spec.commandLine().getErr().println("enclave keys list: " + e.getMessage());
                return ExitCode.KEY_MATERIAL;
            }
        }
    }

    /** {@code keys destroy}: crypto-shredding of the tenant's data keys, and of nobody else's. */
    @Command(
            name = "destroy",
            description = "Crypto-shred the tenant's data keys: its encrypted values can never be"
                    + " decrypted again. Other tenants are untouched. Irreversible; needs --yes (audited).")
    static final class Destroy implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KeyTarget target;

        @Option(
                names = "--yes",
                description = "Confirm that the tenant's encrypted data is to be made unreadable for good.")
        boolean confirmed;

        @Mixin
        TimeoutOption timeout;

        @Override
        public Integer call() {
            if (!confirmed) {
                spec.commandLine()
                        .getErr()
                        .println("keys destroy makes every encrypted value of tenant " + target.tenantId()
                                + " unreadable for good; run it again with --yes to confirm");
                return ExitCode.USAGE;
            }
            return CliAudit.run(spec, target, timeout, AuditAction.KEYS_DESTROY, "keys destroy", "", () -> {
                List<Integer> versions = target.keyStore().destroy();
                return CliAudit.Done.of("destroyed data key versions " + versions + " of " + target.keyRef() + " in "
                        + target.describeStore());
            });
        }
    }

    /**
     * {@code keys rotate-signing --role R}: a new Ed25519 key for one signer role. Needs that
     * role's own store password; the record of the rotation names the old and the new key id
     * and is signed by the old key, so the chain shows who handed over to whom.
     */
    @Command(
            name = "rotate-signing",
            description = "Replace the audit signing key of one role (job, ingest or cli):"
                    + " its public key is added to the trust file, the rotation is chained signed by the old key, and old"
                    + " keys keep verifying what they signed. The job and ingest jobs sign with the new key once restarted"
                    + " (audited).")
    static final class RotateSigning implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        KeyTarget target;

        @Mixin
        TimeoutOption timeout;

        @Option(names = "--role", required = true, description = "job, ingest or cli.")
        SignerRole role;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (!target.resolve(err)) {
                return ExitCode.USAGE;
            }
            timeout.waitingFor(
                    err,
                    spec.qualifiedName(),
                    "the audit topic " + target.tenant.names().auditTopic() + " at "
                            + target.loaded.global().kafkaBootstrapServers());
            try (KafkaAuditSubmitter log = target.auditSubmitter(timeout.duration())) {
                AuditSigning.Rotation rotation = AuditSigning.rotate(target.tenant, role);
                // The new key's fingerprint is in the record its predecessor signs: what authenticates it to an
                // auditor.
                String detail = "replaced the " + role.id() + " audit signing key "
                        + rotation.old().keyId() + " by " + rotation.fresh().keyId() + "; its public key is in "
                        + AuditSigning.trustFile(target.tenant) + "; "
                        + AuditTrust.introducing(rotation.fresh().publicKey());
                var record = AuditSubmitter.commandRecord(
                        target.tenant,
                        AuditAction.SIGNING_KEY_ROTATED,
                        AuditOutcome.SUCCESS,
                        "keys rotate-signing",
                        "",
                        detail);
                record.recordKey = rotation.fresh().keyId();
                log.submit(record, rotation.old());
                spec.commandLine().getOut().println(detail);
                // The chained rotation authenticates the new key; a pin is needed once that record is purged.
                spec.commandLine()
                        .getOut()
                        .println("the auditor of " + target.tenantId() + " keeps the pinned first " + role.id()
                                + " key; once this rotation record is purged, pin "
                                + rotation.fresh().keyId() + " "
                                + AuditTrust.fingerprint(rotation.fresh().publicKey()) + " ("
                                + KeyPins.configKey(target.tenantId(), role) + ")");
                return ExitCode.OK;
            } catch (AuditUnavailableException e) {
                err.println("cannot submit the audit record of keys rotate-signing to the audit trail of tenant "
                        + target.tenantId() + ": " + e.getMessage());
                return ExitCode.UNAVAILABLE;
            } catch (KeyUnavailableException | IllegalStateException e) {
                err.println(e.getMessage());
                return ExitCode.KEY_MATERIAL;
            }
        }
    }

    /**
     * {@code keys split}: the one-time migration from one key store for all tenants to one per
     * tenant. Each tenant's entries are copied, under the same aliases, into the store its config
     * names, with its own password; the shared store is only read, and a tenant store that
     * already exists is never overwritten. Each tenant's audit trail gets a record of its copy.
     */
    @Command(
            name = "split",
            description = "One-time migration: copy each tenant's keys (every data key version and"
                    + " the destroyed marker) out of a shared key store into the tenant's own store named by tenants.<id>.keystore,"
                    + " protected by the tenant's own password. The shared store is left as it is; an existing tenant store"
                    + " is never overwritten (audited per tenant).")
    static final class Split implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        /** Each tenant's own keystore section (and no global.keystore). */
        @Mixin
        ConfigOption configFile;

        @Option(names = "--from", required = true, paramLabel = "FILE", description = "The shared key store to split.")
        Path shared;

        private static final List<String> SHARED_TYPES = List.of("BCFKS", "PKCS12");

        @Option(
                names = "--from-type",
                defaultValue = KeystoreSettings.DEFAULT_TYPE,
                description = "BCFKS or PKCS12 (default: ${DEFAULT-VALUE}).")
        String sharedType;

        @ArgGroup(exclusive = true, multiplicity = "1")
        SharedPassword sharedPasswordSource;

        @Mixin
        TimeoutOption timeout;

        @Option(
                names = {"-t", "--tenant"},
                paramLabel = "ID",
                description = "Split only these tenants (repeat -t); default: every tenant.")
        List<String> only = List.of();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<EnclaveConfig> loaded = configFile.load(spec);
            if (loaded.isEmpty()) {
                return ExitCode.USAGE;
            }
            Optional<Secret> password = sharedPasswordSource.read(err);
            if (password.isEmpty()) {
                return ExitCode.USAGE;
            }
            Secret sharedPassword = password.get();
            List<TenantConfig> tenants = new ArrayList<>();
            for (TenantConfig tenant : loaded.get().tenants()) {
                if (only.isEmpty() || only.contains(tenant.id())) {
                    tenants.add(tenant);
                }
            }
            for (String id : only) {
                if (tenants.stream().noneMatch(t -> t.id().equals(id))) {
                    TenantOption.find(loaded.get(), id, configFile.file());
                }
            }
            if (!refusals(tenants, sharedPassword, err)) {
                return ExitCode.USAGE;
            }
            // Every tenant's audit topic is reached before any key is copied, so nothing is done unaudited.
            Map<TenantConfig, AuditSubmitter> trails = new LinkedHashMap<>();
            try {
                for (TenantConfig tenant : tenants) {
                    timeout.waitingFor(
                            err,
                            spec.qualifiedName(),
                            "the audit topic " + tenant.names().auditTopic() + " at "
                                    + loaded.get().global().kafkaBootstrapServers());
                    trails.put(
                            tenant,
                            KafkaAuditSubmitter.open(
                                    loaded.get().global(),
                                    tenant,
                                    AuditSigning.factory(tenant, SignerRole.CLI),
                                    timeout.duration()));
                }
                return split(trails, sharedPassword, out, err);
            } catch (AuditUnavailableException e) {
                err.println(
                        "cannot submit the audit record of keys split to a tenant's audit trail: " + e.getMessage());
                return ExitCode.UNAVAILABLE;
            } finally {
                trails.values().forEach(AuditSubmitter::close);
            }
        }

        /** Where the shared store's password comes from: never the command line, where {@code ps} would show it. */
        static final class SharedPassword {
            @Option(
                    names = "--from-password-env",
                    paramLabel = "VAR",
                    description = "Environment variable holding the shared store's password.")
            String env;

            @Option(
                    names = "--from-password-file",
                    paramLabel = "FILE",
                    description = "File whose first line is the shared store's password.")
            Path file;

            Optional<Secret> read(PrintWriter err) {
                String value;
                if (env != null) {
                    value = System.getenv(env);
                    if (value == null || value.isEmpty()) {
                        err.println("environment variable " + env + " (--from-password-env) is not set");
                        return Optional.empty();
                    }
                } else {
                    try {
                        value = Files.readAllLines(file).stream().findFirst().orElse("");
                    } catch (java.io.IOException e) {
                        err.println("cannot read the password file " + file + " (--from-password-file)");
                        return Optional.empty();
                    }
                    if (value.isEmpty()) {
                        err.println("the password file " + file + " (--from-password-file) is empty");
                        return Optional.empty();
                    }
                }
                return Optional.of(Secret.of(value));
            }
        }

        /**
         * What must hold before anything is written: no tenant store exists yet, none is the shared
         * store, and no two of the stores share a password, so the split really separates them.
         */
        private boolean refusals(List<TenantConfig> tenants, Secret sharedPassword, PrintWriter err) {
            if (!SHARED_TYPES.contains(sharedType)) {
                err.println("--from-type must be one of " + String.join(", ", SHARED_TYPES) + ", not " + sharedType);
                return false;
            }
            if (!Files.isRegularFile(shared)) {
                err.println("the shared key store " + shared + " (--from) does not exist");
                return false;
            }
            boolean ok = true;
            Map<Secret, String> passwords = new LinkedHashMap<>();
            for (TenantConfig tenant : tenants) {
                KeystoreSettings own = tenant.keystore();
                if (Files.exists(Path.of(own.path()))) {
                    err.println("tenant " + tenant.id() + ": its key store " + own.path()
                            + " already exists; keys split never overwrites a tenant's store");
                    ok = false;
                }
                if (Path.of(own.path())
                        .toAbsolutePath()
                        .normalize()
                        .equals(shared.toAbsolutePath().normalize())) {
                    err.println("tenant " + tenant.id() + ": tenants.<id>.keystore.path names the shared store itself;"
                            + " give the tenant a store of its own");
                    ok = false;
                }
                if (own.password().equals(sharedPassword)) {
                    err.println("tenant " + tenant.id() + ": its key store password is the shared store's;"
                            + " give each tenant a password of its own");
                    ok = false;
                }
                String first = passwords.putIfAbsent(own.password(), tenant.id());
                if (first != null) {
                    err.println("tenant " + tenant.id() + ": its key store password is the same as tenant " + first
                            + "'s; give each tenant a password of its own");
                    ok = false;
                }
                ok &= hasKeysInShared(tenant, sharedPassword, err);
            }
            return ok;
        }

        /** Opens the shared store as it will be read (a wrong password or type shows here) and finds the tenant's keys in it. */
        private boolean hasKeysInShared(TenantConfig tenant, Secret sharedPassword, PrintWriter err) {
            try {
                TenantKeyStore.KeyStatus inShared = new TenantKeyStore(
                                shared,
                                sharedPassword,
                                sharedType,
                                tenant.id(),
                                tenant.database().encryptionKeyRef())
                        .list();
                if (inShared.versions().isEmpty() && inShared.destroyedUpTo() == 0) {
                    err.println("tenant " + tenant.id() + ": the shared store " + shared + " holds no key of "
                            + tenant.database().encryptionKeyRef() + "; leave the tenant out with --tenant, or give it"
                            + " keys with keys init");
                    return false;
                }
                return true;
            } catch (KeyUnavailableException e) {
                err.println("tenant " + tenant.id() + ": " + e.getMessage());
                return false;
            }
        }

        private int split(
                Map<TenantConfig, AuditSubmitter> trails, Secret sharedPassword, PrintWriter out, PrintWriter err)
                throws AuditUnavailableException {
            int exit = 0;
            for (Map.Entry<TenantConfig, AuditSubmitter> trail : trails.entrySet()) {
                TenantConfig tenant = trail.getKey();
                KeystoreSettings own = tenant.keystore();
                String keyRef = tenant.database().encryptionKeyRef();
                List<String> copied;
                try {
                    copied = new TenantKeyStore(Path.of(own.path()), own.password(), own.type(), tenant.id(), keyRef)
                            .copyFrom(shared, sharedPassword, sharedType);
                } catch (KeyUnavailableException | IllegalStateException e) {
                    // Nothing of this tenant was written, so it has no audit key of its own to sign a record with.
                    err.println("tenant " + tenant.id() + ": " + e.getMessage());
                    exit = 1;
                    continue;
                }
                // Signing keys are newer than shared stores: each tenant gets its own before its record is signed.
                AuditSigning.ensure(tenant);
                String detail = "copied " + copied.size() + " entries of " + keyRef + " (" + String.join(", ", copied)
                        + ") from the shared " + sharedType + " store " + shared + " into its own " + own.type()
                        + " store " + own.path();
                trail.getValue()
                        .submit(AuditSubmitter.commandRecord(
                                tenant, AuditAction.KEYS_SPLIT, AuditOutcome.SUCCESS, "keys split", "", detail));
                out.println(tenant.id() + ": " + detail);
            }
            out.println("the shared store " + shared + " was left as it is; once every tenant's job runs from its own"
                    + " store, delete it");
            return exit;
        }
    }
}
