package io.enclave.operators.audit;

import java.util.Locale;

/**
 * Who signs a tenant's audit records, each with a key of its own: the tenant's processing job
 * (its chainer signs every chained record and head), the ingest job (its rejections) and the
 * ops CLI (key and decrypt commands). A record names the key that signed it, and the key's
 * role says which of these it was, so a CLI key can never pass for the job's.
 */
public enum SignerRole {
    JOB,
    INGEST,
    CLI;

    /** The lower-case name used in key ids, file names and the trust file. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code id}, case-insensitively. */
    public static SignerRole of(String id) {
        try {
            return valueOf(id.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("signer role must be job, ingest or cli, not " + id);
        }
    }
}
