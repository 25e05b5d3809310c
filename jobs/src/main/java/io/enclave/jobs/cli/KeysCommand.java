package io.enclave.jobs.cli;

import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.crypto.KeyUnavailableException;
import io.enclave.operators.crypto.TenantKeyStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enclave keys init|rotate|list|destroy}: one tenant's keys in the key store. */
@Command(name = "keys", description = "Manage a tenant's encryption keys: init, rotate, list, destroy.",
        subcommands = {KeysCommand.Init.class, KeysCommand.Rotate.class, KeysCommand.ListKeys.class,
            KeysCommand.Destroy.class})
final class KeysCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EnclaveCli.INVALID_CONFIG;
    }

    /** {@code keys init}: the tenant's first data key and its audit key. */
    @Command(name = "init", description = "Create the tenant's first data key and its audit key (audited).")
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        KeyTarget target;

        @Override
        public Integer call() {
            return CliAudit.run(spec, target, AuditAction.KEYS_INIT, "keys init", "", () -> {
                int version = target.keyStore().init();
                return CliAudit.Done.of("created data key version " + version + " and the audit key of "
                        + target.keyRef() + " in " + target.describeStore());
            });
        }
    }

    /** {@code keys rotate}: a new data key version for new writes; the old ones keep decrypting. */
    @Command(name = "rotate", description = "Add a new data key version: jobs started from now on write with it,"
            + " and every older version still decrypts (audited).")
    static final class Rotate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        KeyTarget target;

        @Override
        public Integer call() {
            return CliAudit.run(spec, target, AuditAction.KEYS_ROTATE, "keys rotate", "", () -> {
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
                return EnclaveCli.INVALID_CONFIG;
            }
            try {
                TenantKeyStore.KeyStatus status = target.keyStore().list();
                out.printf("tenant %s, key %s in %s%n", status.tenantId(), status.keyRef(), target.describeStore());
                out.printf("%-8s %-8s %s%n", "VERSION", "CURRENT", "CREATED");
                for (TenantKeyStore.KeyStatus.Version v : status.versions()) {
                    out.printf("%-8d %-8s %s%n", v.version(), v.version() == status.current() ? "yes" : "",
                            v.created().toInstant());
                }
                if (status.versions().isEmpty()) {
                    out.println("(no data key)");
                }
                if (status.destroyedUpTo() > 0) {
                    out.printf("versions up to %d were destroyed%n", status.destroyedUpTo());
                }
                out.printf("audit key: %s%n", status.auditKey() ? "present" : "absent");
                return 0;
            } catch (KeyUnavailableException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 1;
            }
        }
    }

    /** {@code keys destroy}: crypto-shredding of the tenant's data keys, and of nobody else's. */
    @Command(name = "destroy", description = "Crypto-shred the tenant's data keys: its encrypted values can never be"
            + " decrypted again. Other tenants are untouched. Irreversible; needs --yes (audited).")
    static final class Destroy implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        KeyTarget target;

        @Option(names = "--yes", description = "Confirm that the tenant's encrypted data is to be made unreadable for good.")
        boolean confirmed;

        @Option(names = "--include-audit-key",
                description = "Also destroy the audit-chain key (by default it is kept, so the audit trail stays verifiable).")
        boolean includeAuditKey;

        @Override
        public Integer call() {
            if (!confirmed) {
                spec.commandLine().getErr().println("keys destroy makes every encrypted value of tenant "
                        + target.tenantId + " unreadable for good; run it again with --yes to confirm");
                return EnclaveCli.INVALID_CONFIG;
            }
            return CliAudit.run(spec, target, AuditAction.KEYS_DESTROY, "keys destroy", "", () -> {
                List<Integer> versions = target.keyStore().destroy(includeAuditKey);
                return CliAudit.Done.of("destroyed data key versions " + versions + " of " + target.keyRef() + " in "
                        + target.describeStore() + (includeAuditKey ? " and the audit key" : "; the audit key was kept"));
            });
        }
    }
}
