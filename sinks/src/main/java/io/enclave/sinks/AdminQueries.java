package io.enclave.sinks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Small reads of the server's grant and account tables as the admin, every value bound as a
 * parameter; shared by the tenant database's own checks and the ops provisioner.
 */
public final class AdminQueries {
    private AdminQueries() {}

    /** The first column of every row. */
    public static List<String> strings(Connection admin, String sql, String... params) throws SQLException {
        List<String> values = new ArrayList<>();
        for (String[] row : rows(admin, sql, params)) {
            values.add(row[0]);
        }
        return values;
    }

    /** Every row, each column as text. */
    public static List<String[]> rows(Connection admin, String sql, String... params) throws SQLException {
        List<String[]> rows = labelledRows(admin, sql, params);
        return new ArrayList<>(rows.subList(1, rows.size()));
    }

    /** The column labels, then every row, each column as text: for SHOW statements, whose columns vary by release. */
    public static List<String[]> labelledRows(Connection admin, String sql, String... params) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = admin.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                String[] labels = new String[columns];
                for (int c = 0; c < columns; c++) {
                    labels[c] = rs.getMetaData().getColumnLabel(c + 1);
                }
                rows.add(labels);
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int c = 0; c < columns; c++) {
                        row[c] = rs.getString(c + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
