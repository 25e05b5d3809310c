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
 * @param maxConnections the account's {@code MAX_USER_CONNECTIONS}, which the server enforces: a
 *     reader cannot exhaust the connections the shared database has for every tenant's writer
 */
public record ReaderSettings(
        String name, Secret password, boolean decryptAll, Set<String> decryptColumns, int maxRows, int maxConnections)
        implements Serializable {
    /** The rows a query returns when the reader names no {@code max_rows}. */
    public static final int DEFAULT_MAX_ROWS = 1000;
    /** The connections a reader's account may hold at once when it names no {@code max_connections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4;
    /** The keyword of {@code decrypt} that entitles a reader to every encrypted column. */
    public static final String ALL = "all";

    public ReaderSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        decryptColumns = Set.copyOf(decryptColumns);
        if (maxConnections < 1) {
            // 0 would mean "no limit" to the server
            throw new IllegalArgumentException("max_connections must be at least 1: " + maxConnections);
        }
    }

    /** A reader with {@link #DEFAULT_MAX_CONNECTIONS}. */
    public ReaderSettings(String name, Secret password, boolean decryptAll, Set<String> decryptColumns, int maxRows) {
        this(name, password, decryptAll, decryptColumns, maxRows, DEFAULT_MAX_CONNECTIONS);
    }

    /** Whether this reader may see the plaintext of {@code table.column}. */
    public boolean mayDecrypt(String table, String column) {
        return decryptAll || decryptColumns.contains(table + "." + column);
    }
}
