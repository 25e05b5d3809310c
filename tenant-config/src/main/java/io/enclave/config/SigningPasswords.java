package io.enclave.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The passwords of a tenant's three audit signing key stores, one per signer role: the tenant
 * job's, the ingest job's and the ops CLI's. Each role's store has a password of its own, so a
 * process given one role's password opens no other role's key; {@link #only} is what a process
 * keeps of them.
 *
 * @param job the tenant job's store (its chainer signs every chained record and head)
 * @param ingest the ingest job's store
 * @param cli the ops CLI's store ({@code keys}, {@code decrypt}, {@code audit purge} ...)
 */
public record SigningPasswords(Secret job, Secret ingest, Secret cli) implements Serializable {
    /** The role names, as config keys, key ids and file names spell them. */
    public static final List<String> ROLES = List.of("job", "ingest", "cli");
    /** No passwords: nothing can be opened; what builders start from. */
    public static final SigningPasswords NONE = new SigningPasswords(Secret.of(""), Secret.of(""), Secret.of(""));

    public SigningPasswords {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(ingest, "ingest");
        Objects.requireNonNull(cli, "cli");
    }

    /** The development default of a role's password, used only in development mode when none is given. */
    public static String developmentDefault(String tenantId, String role) {
        return DevMode.DEV_SECRET_PREFIX + tenantId + "-" + role + "-signing";
    }

    /** The password of {@code role} (one of {@link #ROLES}); empty when this process was not given it. */
    public Secret of(String role) {
        return switch (role) {
            case "job" -> job;
            case "ingest" -> ingest;
            case "cli" -> cli;
            default -> throw new IllegalArgumentException("signer role must be one of " + ROLES + ", not " + role);
        };
    }

    /** Only {@code role}'s password, the others emptied: what a process that signs as that role keeps. */
    public SigningPasswords only(String role) {
        Secret kept = of(role);
        Secret none = Secret.of("");
        return new SigningPasswords(
                role.equals("job") ? kept : none,
                role.equals("ingest") ? kept : none,
                role.equals("cli") ? kept : none);
    }
}
