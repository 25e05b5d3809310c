package io.enclave.config;

import java.io.Serializable;
import java.util.Objects;
import java.util.Set;

/**
 * One of the tenant's reader accounts ({@code tenants.<id>.readers}): a database user of its
 * own with SELECT only on the tenant's database, the encrypted columns it may see decrypted, and
 * the most rows one query hands back. {@link #name} is the account name itself, claimed like the
 * writer's, so no two accounts of any tenants in one file share it.
 *
 * @param decryptAll every encrypted column of the tenant ({@code decrypt: all})
 * @param decryptColumns {@code table.column} names, each an encrypted column of the tenant
 */
public record ReaderSettings(String name, Secret password, boolean decryptAll, Set<String> decryptColumns, int maxRows)
        implements Serializable {
    /** The rows a query returns when the reader names no {@code max_rows}. */
    public static final int DEFAULT_MAX_ROWS = 1000;
    /** The keyword of {@code decrypt} that entitles a reader to every encrypted column. */
    public static final String ALL = "all";

    public ReaderSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        decryptColumns = Set.copyOf(decryptColumns);
    }

    /** Whether this reader may see the plaintext of {@code table.column}. */
    public boolean mayDecrypt(String table, String column) {
        return decryptAll || decryptColumns.contains(table + "." + column);
    }
}
