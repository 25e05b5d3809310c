package io.enclave.sinks.query;

import io.enclave.operators.audit.AuditOutcome;
import java.util.List;

/**
 * What the audit trail records of one query: who read (the reader account), what (the SHA-256
 * of the statement as sent, never its text, which may quote values), how many rows were handed
 * back, which columns were decrypted, and the outcome (DENIED when the database refused it).
 *
 * @param reason a label: {@code denied_by_database}, {@code sql_error_<code>}, {@code decrypt_failed}, or empty
 * @param message the database's own message on a refusal, else empty
 */
public record QueryAudit(
        String reader,
        String statementSha256,
        int rowCount,
        boolean truncated,
        List<String> decryptedColumns,
        int failedDecryptions,
        AuditOutcome outcome,
        String reason,
        String message) {

    public QueryAudit {
        decryptedColumns = List.copyOf(decryptedColumns);
    }

    /** The audit record's detail: one line a reviewer can read, naming no value and no plaintext. */
    public String detail() {
        StringBuilder s = new StringBuilder("reader ")
                .append(reader)
                .append("; statement sha256 ")
                .append(statementSha256)
                .append("; ")
                .append(rowCount)
                .append(rowCount == 1 ? " row" : " rows");
        if (truncated) {
            s.append(" (stopped at max_rows)");
        }
        s.append("; decrypted ").append(decryptedColumns.isEmpty() ? "none" : String.join(", ", decryptedColumns));
        if (failedDecryptions > 0) {
            s.append("; ").append(failedDecryptions).append(" value(s) failed to decrypt");
        }
        if (!message.isEmpty()) {
            s.append("; ").append(message);
        }
        return s.toString();
    }
}
