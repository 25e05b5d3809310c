package io.enclave.cli.query;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.enclave.sinks.query.QueryResult;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a query's rows in a {@link ResultFormat}: CSV through jackson-dataformat-csv (a header
 * row, RFC 4180 quoting, SQL NULL as an empty field), JSON through Jackson (an array of objects,
 * NULL as null), and the table by hand, since it is only padding.
 */
public final class ResultWriter {
    private static final String NULL = "NULL";

    private ResultWriter() {}

    public static void write(QueryResult result, ResultFormat format, Writer out) throws IOException {
        switch (format) {
            case CSV -> csv(result, out);
            case JSON -> json(result, out);
            case TABLE -> table(result, out);
        }
        out.flush();
    }

    private static void csv(QueryResult result, Writer out) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        for (String label : uniqueLabels(result.columns())) {
            schema.addColumn(label);
        }
        // Quotes only what needs it (a comma, a quote, a line break), whatever the value's length.
        // The target is the caller's (standard output, say): written to, never closed.
        CsvMapper mapper = CsvMapper.builder()
                .enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .build();
        try (var rows = mapper.writer(schema.build()).writeValues(out)) {
            for (List<String> row : result.rows()) {
                rows.write(row);
            }
        }
    }

    private static void json(QueryResult result, Writer out) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        List<String> labels = uniqueLabels(result.columns());
        ArrayNode array = mapper.createArrayNode();
        for (List<String> row : result.rows()) {
            ObjectNode object = array.addObject();
            for (int i = 0; i < labels.size(); i++) {
                object.put(labels.get(i), row.get(i));
            }
        }
        mapper.writer()
                .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, array);
        out.write(System.lineSeparator());
    }

    /** Labels made unique ({@code id}, {@code id_2}) so that no value of a JSON object or CSV column is lost. */
    static List<String> uniqueLabels(List<String> labels) {
        Set<String> seen = new HashSet<>();
        List<String> unique = new ArrayList<>();
        for (String label : labels) {
            String name = label;
            for (int n = 2; !seen.add(name); n++) {
                name = label + "_" + n;
            }
            unique.add(name);
        }
        return unique;
    }

    private static void table(QueryResult result, Writer out) throws IOException {
        List<String> labels = result.columns();
        int[] widths = new int[labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            widths[i] = width(labels.get(i));
        }
        List<List<String>> shown = new ArrayList<>();
        for (List<String> row : result.rows()) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                String cell = cell(row.get(i));
                widths[i] = Math.max(widths[i], width(cell));
                cells.add(cell);
            }
            shown.add(cells);
        }
        line(out, labels, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        line(out, rule, widths);
        for (List<String> cells : shown) {
            line(out, cells, widths);
        }
        int n = result.rows().size();
        out.write("(" + n + (n == 1 ? " row" : " rows") + ")" + System.lineSeparator());
    }

    /**
     * One cell on one line: NULL spelled out, line breaks and tabs shown as spaces, and every other control
     * character (C0, DEL, C1) shown as {@code \\uXXXX}: a value a publisher wrote must not drive the terminal
     * (ANSI colours, cursor moves that fake a row count, OSC 52 clipboard writes).
     */
    private static String cell(String value) {
        if (value == null) {
            return NULL;
        }
        String oneLine = value.replaceAll("[\\r\\n\\t]+", " ");
        StringBuilder shown = new StringBuilder(oneLine.length());
        oneLine.codePoints().forEach(c -> {
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    private static void line(Writer out, List<String> cells, int[] widths) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            s.append(cell);
            if (i < cells.size() - 1) {
                s.append(" ".repeat(widths[i] - width(cell) + 2));
            }
        }
        out.write(s.toString().stripTrailing() + System.lineSeparator());
    }
}
