package io.enclave.sinks;

import io.enclave.operators.audit.AuditChain;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.SignerRole;
import io.enclave.sinks.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares a tenant's audit chain in its database with the copy its job streamed to the SIEM
 * topic, row by row and head by head, so that a rollback the database alone cannot show (the
 * newest rows and heads deleted together by someone with root: a shorter chain that still
 * verifies) is caught. Each SIEM record and head must itself hash and verify under the tenant's
 * public keys, so a line forged onto the topic is reported too, never trusted.
 *
 * <p>A row or head missing on one side is reported up to the newest signed head of either side:
 * rows after every signed head were not yet durable anywhere when read, so on a running job they
 * may be on one side only for a moment. Rows before the database's first row are not missing
 * when a signed anchor starts the database's chain there (a purge or a dropped day partition);
 * the SIEM row before it must then hash to the anchor's link.
 */
public final class AuditSiemComparison {
    private final Connection connection;
    private final String database;
    private final String tenantId;
    private final AuditTrust trust;
    private final AuditChain chain = new AuditChain();

    public AuditSiemComparison(Connection connection, String database, String tenantId, AuditTrust trust) {
        this.connection = connection;
        this.database = database;
        this.tenantId = tenantId;
        this.trust = trust;
    }

    /**
     * What was read from the SIEM topic for one tenant.
     *
     * @param records its chained records, in topic order, repeats included (the stream is at-least-once)
     * @param heads its signed heads, in topic order
     * @param unreadable one line per record of this tenant that could not be parsed, naming where it is
     */
    public record SiemCopy(List<AuditRecord> records, List<AuditHead> heads, List<String> unreadable) {}

    /** One difference, at the sequence where it is. */
    public record Difference(long sequence, String problem) {}

    /**
     * The outcome: the differences, ordered by sequence (empty when both copies agree), and the
     * extent of each side.
     */
    public record Result(
            List<Difference> differences, long databaseRows, long databaseHead, long siemRows, long siemHead) {
        public boolean same() {
            return differences.isEmpty();
        }
    }

    public Result compare(SiemCopy siem) throws SQLException {
        List<Difference> out = new ArrayList<>();
        for (String line : siem.unreadable()) {
            out.add(new Difference(0, "unreadable SIEM record: " + line));
        }
        Map<Long, AuditRecord> dbRows = databaseRows();
        Map<Long, String> dbHeads = databaseHeads();
        long firstDbRow =
                dbRows.isEmpty() ? Long.MAX_VALUE : dbRows.keySet().iterator().next();
        String anchorLink = anchorAt(firstDbRow);

        Map<Long, AuditRecord> siemRows = new TreeMap<>();
        for (AuditRecord r : siem.records()) {
            String problem = recordProblem(r);
            if (problem != null) {
                out.add(new Difference(r.sequence, "the SIEM copy's record is " + problem));
                continue;
            }
            AuditRecord earlier = siemRows.putIfAbsent(r.sequence, r);
            if (earlier != null && !identity(earlier).equals(identity(r))) {
                out.add(new Difference(r.sequence, "the SIEM copy holds two different records at this sequence"));
            }
        }
        Map<Long, String> siemHeads = new TreeMap<>();
        for (AuditHead h : siem.heads()) {
            String problem = !tenantId.equals(h.tenantId)
                    ? "of tenant '" + h.tenantId + "'"
                    : trust.problem(
                            h.signer,
                            EnumSet.of(SignerRole.JOB),
                            AuditChain.headMessage(h.signer, h.tenantId, h.sequence, h.headHash, h.checkpointId),
                            h.signature);
            if (problem != null) {
                out.add(new Difference(h.sequence, "the SIEM copy's signed head is forged: " + problem));
                continue;
            }
            String earlier = siemHeads.putIfAbsent(h.sequence, h.headHash);
            if (earlier != null && !earlier.equals(h.headHash)) {
                out.add(new Difference(h.sequence, "the SIEM copy holds two different signed heads at this sequence"));
            }
        }

        long dbHead = dbHeads.keySet().stream().max(Long::compare).orElse(0L);
        long siemHead = siemHeads.keySet().stream().max(Long::compare).orElse(0L);
        long sealed = Math.max(dbHead, siemHead);
        for (Map.Entry<Long, AuditRecord> e : siemRows.entrySet()) {
            long s = e.getKey();
            AuditRecord db = dbRows.get(s);
            if (db != null) {
                if (!identity(db).equals(identity(e.getValue()))) {
                    out.add(new Difference(
                            s,
                            "the row differs between the database and the SIEM copy"
                                    + differingFields(db, e.getValue())));
                }
            } else if (s < firstDbRow && anchorLink != null) {
                // Purged or dropped with its day partition; the anchor must link to the SIEM's row before it.
                if (s == firstDbRow - 1 && !AuditChain.same(anchorLink, e.getValue().hash)) {
                    out.add(new Difference(
                            firstDbRow,
                            "the signed anchor does not link to the SIEM copy's row at " + "sequence " + s));
                }
            } else if (s <= sealed) {
                out.add(new Difference(
                        s,
                        "the row is missing from the database but in the SIEM copy (deleted, or "
                                + "the database was rolled back)"));
            }
        }
        for (long s : dbRows.keySet()) {
            if (!siemRows.containsKey(s) && s <= sealed) {
                out.add(new Difference(s, "the row is in the database but missing from the SIEM copy"));
            }
        }
        for (Map.Entry<Long, String> e : siemHeads.entrySet()) {
            String db = dbHeads.get(e.getKey());
            if (db == null) {
                out.add(new Difference(
                        e.getKey(),
                        "the signed head is missing from the database but in the SIEM "
                                + "copy (deleted, or the database was rolled back)"));
            } else if (!db.equals(e.getValue())) {
                out.add(new Difference(e.getKey(), "the signed head differs between the database and the SIEM copy"));
            }
        }
        for (long s : dbHeads.keySet()) {
            if (!siemHeads.containsKey(s)) {
                out.add(new Difference(s, "the signed head is in the database but missing from the SIEM copy"));
            }
        }
        out.sort(Comparator.comparingLong(Difference::sequence));
        return new Result(out, dbRows.size(), dbHead, siemRows.size(), siemHead);
    }

    /** Why a SIEM record cannot be trusted, or null: another tenant's, not hashing to its hash, or not signed. */
    private String recordProblem(AuditRecord r) {
        return recordProblem(chain, trust, tenantId, r);
    }

    /**
     * Why a record read from the SIEM topic cannot be trusted as a record of {@code tenantId}'s chain, or null: it
     * is another tenant's, its fields do not hash to its hash, or it is not signed by a job key {@code trust} holds
     * (nor, when submitted, by a key of a role that may submit it). Whoever can write the SIEM topic can write any
     * line; only what passes here was chained by the tenant's job. {@code chain} is the caller's codec.
     */
    public static String recordProblem(AuditChain chain, AuditTrust trust, String tenantId, AuditRecord r) {
        if (!tenantId.equals(r.tenantId)) {
            return "of tenant '" + r.tenantId + "'";
        }
        if (!AuditChain.same(chain.hash(r), r.hash)) {
            return "edited: its fields no longer hash to its hash";
        }
        return AuditChain.signatureProblem(trust, r);
    }

    private static String identity(AuditRecord r) {
        return new AuditRows.Log().identityOf(r);
    }

    /** Names the first columns that differ, so the report says what was changed. */
    private static String differingFields(AuditRecord db, AuditRecord siem) {
        String a = AuditChain.canonical(db);
        String b = AuditChain.canonical(siem);
        List<String> names = new ArrayList<>();
        String[] left = a.split(";");
        String[] right = b.split(";");
        for (int i = 0; i < Math.min(left.length, right.length) && names.size() < 3; i++) {
            if (!left[i].equals(right[i])) {
                names.add(left[i].substring(0, Math.max(0, left[i].indexOf('='))));
            }
        }
        if (names.isEmpty() && !AuditChain.same(db.hash, siem.hash)) {
            names.add("hash");
        }
        if (names.isEmpty()) {
            names.add("signature");
        }
        return " (" + String.join(", ", names) + ")";
    }

    private Map<Long, AuditRecord> databaseRows() throws SQLException {
        Map<Long, AuditRecord> rows = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT * FROM "
                + SqlDialect.qualified(database, "audit_log") + " WHERE tenant_id = ? ORDER BY sequence")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditRecord r = AuditVerifier.read(rs);
                    rows.putIfAbsent(r.sequence, r);
                }
            }
        }
        return rows;
    }

    private Map<Long, String> databaseHeads() throws SQLException {
        Map<Long, String> heads = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT sequence, head_hash FROM "
                + SqlDialect.qualified(database, "audit_head") + " WHERE tenant_id = ?")) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    heads.putIfAbsent(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return heads;
    }

    /** The link of the anchor that starts the database's chain at {@code first}, or null if none does. */
    private String anchorAt(long first) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT prev_hash FROM "
                + SqlDialect.qualified(database, "audit_anchor") + " WHERE tenant_id = ? AND first_sequence = ?")) {
            ps.setString(1, tenantId);
            ps.setLong(2, first);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
