package io.enclave.sinks.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of one audited query, as text ({@code null} for SQL NULL), in the order the database
 * returned them, with the notes a reader should see (for example why a column stayed encrypted).
 */
public record QueryResult(List<String> columns, List<List<String>> rows, QueryAudit audit, List<String> notes) {

    public QueryResult {
        columns = List.copyOf(columns);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> row : rows) {
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = Collections.unmodifiableList(copy);
        notes = List.copyOf(notes);
    }
}
