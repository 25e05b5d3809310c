package io.enclave.sinks.query;

import io.enclave.config.DatabaseDialect;
import io.enclave.config.GlobalSettings;
import io.enclave.config.ReaderSettings;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.crypto.DecryptionException;
import io.enclave.operators.crypto.FieldCrypto;
import io.enclave.operators.crypto.KeyProvider;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A tenant reading its own data back: one statement, run as one of the tenant's reader
 * accounts ({@code tenants.<id>.readers}), never as its writer or an admin. The statement is
 * sent as given, never rewritten: the reader's grants (SELECT on its own database only) are the
 * filter, so another tenant's table fails with the database's own denial. The connection is
 * read-only, runs one statement (no multi-statement), and the server stops the query at the
 * reader's {@code max_rows} and at the timeout.
 *
 * <p>The rows are buffered (at most {@code max_rows}), {@code enc:} values in the columns the
 * reader may decrypt are decrypted with the tenant's keys, and only then is the query audited
 * (reader, statement hash, row count, columns decrypted, outcome) through the
 * {@link QueryAuditor}; nothing is returned unless that record is durable. A query the
 * database refuses is audited too, then thrown as a {@link QueryFailedException}.
 */
public final class TenantQueries {
    /** What a value that failed to decrypt shows instead, with the reason after the colon. */
    public static final String DECRYPT_FAILED_MARKER = "<decrypt-failed:%s>";

    private static final String ENCRYPTED_PREFIX = "enc:";
    /** The natural key column of the event tables, which the ciphertexts' associated data binds. */
    private static final String ROW_KEY_COLUMN = "id";
    /** MySQL and MariaDB error codes that mean "your grants do not allow this". */
    private static final Set<Integer> DENIED_ERRORS = Set.of(1044, 1045, 1142, 1143, 1227, 1290, 1370, 1792);

    /** Errors whose message quotes only the statement: syntax (1064), unknown table (1146), unknown column (1054). */
    private static final Set<Integer> STATEMENT_ERRORS = Set.of(1064, 1146, 1054);

    private static final String ACCESS_DENIED_STATE = "28000";

    private final GlobalSettings global;
    private final TenantConfig tenant;
    private final Supplier<? extends KeyProvider> keys;
    private final Duration timeout;

    /**
     * @param keys opens the tenant's own key provider; called only when a column is to be decrypted
     * @param timeout how long to wait for the connection, and how long the statement may run
     */
    public TenantQueries(
            GlobalSettings global, TenantConfig tenant, Supplier<? extends KeyProvider> keys, Duration timeout) {
        this.global = global;
        this.tenant = tenant;
        this.keys = keys;
        this.timeout = timeout;
    }

    /**
     * Runs {@code statement} as reader {@code readerName}, audits it through {@code auditor},
     * and returns its rows once the audit record is durable.
     *
     * @throws IllegalArgumentException the tenant has no such reader, or the URL allows multi-statements
     * @throws QueryFailedException the database refused or failed the statement (audited)
     * @throws SQLException the database could not be reached (audited when the auditor allows)
     * @throws Exception whatever {@code auditor} throws; then nothing is returned
     */
    public QueryResult run(String readerName, String statement, QueryAuditor auditor) throws Exception {
        ReaderSettings reader = reader(tenant, readerName);
        String url = global.jdbcUrlFor(tenant.database().schema());
        if (url.toLowerCase(Locale.ROOT).contains("allowmultiqueries")) {
            throw new IllegalArgumentException("global.database.jdbc_url sets allowMultiQueries; a query runs one"
                    + " statement only, so it does not connect with that URL");
        }
        String hash = sha256(statement);
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, connectionProperties(reader));
        } catch (SQLException e) {
            boolean denied = ACCESS_DENIED_STATE.equals(e.getSQLState()) || e.getErrorCode() == 1045;
            QueryAudit audit = failure(reader, hash, denied, denied ? "login_denied" : "database_unavailable", e);
            auditor.record(audit);
            if (denied) {
                throw new QueryFailedException(
                        "the database refused the login of reader " + reader.name() + ": " + e.getMessage(), audit, e);
            }
            throw e;
        }
        Buffered buffered;
        try (connection) {
            connection.setReadOnly(true);
            limitSession(connection, reader);
            try (Statement st = connection.createStatement()) {
                st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
                st.setMaxRows(reader.maxRows() + 1);
                try (ResultSet rs = st.executeQuery(statement)) {
                    buffered = read(rs, reader.maxRows());
                }
            }
        } catch (SQLException e) {
            boolean denied = DENIED_ERRORS.contains(e.getErrorCode());
            QueryAudit audit =
                    failure(reader, hash, denied, denied ? "denied_by_database" : "sql_error_" + e.getErrorCode(), e);
            auditor.record(audit);
            throw new QueryFailedException(shownMessage(e, denied), audit, e);
        }
        List<String> notes = new ArrayList<>();
        Decrypted decrypted = decrypt(reader, buffered, notes);
        QueryAudit audit = new QueryAudit(
                reader.name(),
                hash,
                buffered.rows.size(),
                buffered.truncated,
                List.copyOf(decrypted.columns),
                decrypted.failures,
                AuditOutcome.SUCCESS,
                decrypted.failures > 0 ? "decrypt_failed" : "",
                "");
        if (buffered.truncated) {
            notes.add("stopped at reader " + reader.name() + "'s max_rows of " + reader.maxRows()
                    + "; narrow the query to see the rest");
        }
        auditor.record(audit);
        return new QueryResult(buffered.labels, buffered.rows, audit, notes);
    }

    /**
     * The tenant's reader {@code name}.
     *
     * @throws IllegalArgumentException naming the tenant's readers, when it has no such reader
     */
    public static ReaderSettings reader(TenantConfig tenant, String name) {
        return tenant.reader(name)
                .orElseThrow(() -> new IllegalArgumentException("tenant " + tenant.id() + " has no reader '" + name
                        + "'; its readers are "
                        + (tenant.readers().isEmpty()
                                ? "none (add tenants." + tenant.id() + ".readers to the config)"
                                : String.join(
                                        ", ",
                                        tenant.readers().stream()
                                                .map(ReaderSettings::name)
                                                .toList()))));
    }

    private Properties connectionProperties(ReaderSettings reader) {
        Properties p = new Properties();
        p.setProperty("user", reader.name());
        p.setProperty("password", reader.password().reveal());
        // One statement per call: without it the server parses "SELECT 1; DROP TABLE t" as one
        // statement and refuses it as a syntax error.
        p.setProperty("allowMultiQueries", "false");
        p.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
        // The server stops the statement at the timeout; the socket waits a little longer for that answer.
        p.setProperty("socketTimeout", Long.toString(timeout.toMillis() * 2 + 5_000));
        return p;
    }

    /**
     * The server's own limits for this session: at most {@code max_rows + 1} rows (the one more
     * tells that there were more), and the statement timeout, spelled as each server names it.
     */
    private void limitSession(Connection connection, ReaderSettings reader) throws SQLException {
        long seconds = Math.max(1, timeout.toSeconds());
        List<String> settings = new ArrayList<>();
        settings.add("SET SESSION sql_select_limit = " + (reader.maxRows() + 1L));
        if (global.databaseDialect() == DatabaseDialect.STARROCKS) {
            settings.add("SET query_timeout = " + seconds);
        } else if (connection.getMetaData().getDatabaseProductVersion().contains("MariaDB")) {
            settings.add("SET SESSION max_statement_time = " + seconds);
        } else {
            settings.add("SET SESSION max_execution_time = " + seconds * 1000);
        }
        try (Statement st = connection.createStatement()) {
            for (String setting : settings) {
                st.execute(setting);
            }
        }
    }

    /** The rows as text, at most {@code maxRows}, with where each column came from. */
    private record Buffered(List<String> labels, List<String[]> origins, List<List<String>> rows, boolean truncated) {}

    private static Buffered read(ResultSet rs, int maxRows) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int n = meta.getColumnCount();
        List<String> labels = new ArrayList<>();
        List<String[]> origins = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            labels.add(meta.getColumnLabel(i));
            // The original database, table and column, whatever the query calls them.
            origins.add(new String[] {meta.getCatalogName(i), meta.getTableName(i), meta.getColumnName(i)});
        }
        List<List<String>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == maxRows) {
                truncated = true;
                break;
            }
            List<String> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        return new Buffered(labels, origins, rows, truncated);
    }

    /** The columns decrypted ({@code table.column}) and how many values failed. */
    private record Decrypted(Set<String> columns, int failures) {}

    /**
     * Decrypts, in place, the {@code enc:} values of the columns the reader may decrypt. The
     * associated data binds each value to its row's natural key, so a column is decrypted only
     * when the query selected its table's {@code id} too; otherwise it stays ciphertext and a
     * note says why. A value that does not decrypt shows {@link #DECRYPT_FAILED_MARKER}.
     */
    private Decrypted decrypt(ReaderSettings reader, Buffered buffered, List<String> notes) {
        Set<String> tables = new LinkedHashSet<>();
        Arrays.stream(StreamKind.values()).forEach(s -> tables.add(s.table()));
        Map<String, Integer> keyColumn = new HashMap<>();
        for (int i = 0; i < buffered.origins.size(); i++) {
            String[] o = buffered.origins.get(i);
            if (ROW_KEY_COLUMN.equals(o[2])) {
                keyColumn.putIfAbsent(o[0] + "." + o[1], i);
            }
        }
        Set<String> decrypted = new LinkedHashSet<>();
        int failures = 0;
        FieldCrypto crypto = null;
        KeyProvider provider = null;
        String unavailable = null;
        try {
            for (int i = 0; i < buffered.origins.size(); i++) {
                String[] o = buffered.origins.get(i);
                if (!tenant.database().schema().equals(o[0])
                        || !tables.contains(o[1])
                        || !reader.mayDecrypt(o[1], o[2])
                        || !hasCiphertext(buffered.rows, i)) {
                    continue;
                }
                Integer key = keyColumn.get(o[0] + "." + o[1]);
                if (key == null) {
                    notes.add("column " + buffered.labels.get(i) + " (" + o[1] + "." + o[2] + ") is shown encrypted:"
                            + " decrypting it needs the row key, so select " + o[1] + "." + ROW_KEY_COLUMN + " too");
                    continue;
                }
                if (crypto == null && unavailable == null) {
                    try {
                        provider = keys.get();
                        crypto = FieldCrypto.forReading(provider, tenant.id());
                    } catch (KeyUnavailableException e) {
                        unavailable = e.getMessage();
                        notes.add("the tenant's keys could not be opened: " + unavailable);
                    }
                }
                for (List<String> row : buffered.rows) {
                    String value = row.get(i);
                    if (value == null || !value.startsWith(ENCRYPTED_PREFIX)) {
                        continue;
                    }
                    String reason;
                    if (crypto == null) {
                        reason = "key_unavailable";
                    } else {
                        try {
                            row.set(i, crypto.decrypt(o[1], o[2], row.get(key), value));
                            decrypted.add(o[1] + "." + o[2]);
                            continue;
                        } catch (DecryptionException e) {
                            reason = e.reason();
                        } catch (KeyUnavailableException e) {
                            reason = "key_unavailable";
                        }
                    }
                    row.set(i, String.format(DECRYPT_FAILED_MARKER, reason));
                    failures++;
                }
            }
        } finally {
            if (provider != null) {
                provider.close();
            }
        }
        return new Decrypted(decrypted, failures);
    }

    private static boolean hasCiphertext(List<List<String>> rows, int column) {
        return rows.stream()
                .anyMatch(r -> r.get(column) != null && r.get(column).startsWith(ENCRYPTED_PREFIX));
    }

    private static QueryAudit failure(
            ReaderSettings reader, String hash, boolean denied, String reason, SQLException e) {
        return new QueryAudit(
                reader.name(),
                hash,
                0,
                false,
                List.of(),
                0,
                denied ? AuditOutcome.DENIED : AuditOutcome.FAILED,
                reason,
                "SQLState " + e.getSQLState() + ", error " + e.getErrorCode()
                        + (denied ? ": " + oneLine(e.getMessage()) : ""));
    }

    /**
     * What the reader is told of a failed statement. A server's message can carry row values (MariaDB's XPATH error
     * quotes the string EXTRACTVALUE was given, a subquery's result included), which would reach stderr while the
     * audit says no row was read. So the message is shown only where it cannot: a denial, which names the object,
     * and the errors that quote the statement itself (syntax, unknown table or column).
     */
    private static String shownMessage(SQLException e, boolean denied) {
        if (denied || STATEMENT_ERRORS.contains(e.getErrorCode())) {
            return e.getMessage();
        }
        return "the database refused the statement: SQLState " + e.getSQLState() + ", error " + e.getErrorCode()
                + " (its message is withheld: a server message can carry row values)";
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\n\\s*", " ");
    }

    /** The SHA-256 of the statement's UTF-8 bytes, in lower-case hex. */
    public static String sha256(String statement) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(statement.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
