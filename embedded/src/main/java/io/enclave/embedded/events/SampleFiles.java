package io.enclave.embedded.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads real exports into the JSON messages a publisher would send: OpenFEMA declaration CSVs
 * (one JSON object per row, as the OpenFEMA API returns them) and NWS alert files (a JSON
 * list of features or of bare properties, or a GeoJSON FeatureCollection).
 */
public final class SampleFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleFiles() {}

    /** One message per CSV row; empty cells are left out, as the API omits null fields. */
    public static List<byte[]> femaCsv(Path csv) throws IOException {
        CsvMapper mapper = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        List<byte[]> out = new ArrayList<>();
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        try (MappingIterator<Map<String, String>> rows =
                mapper.readerFor(Map.class).with(schema).readValues(text)) {
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                ObjectNode node = JSON.createObjectNode();
                row.forEach((field, value) -> {
                    if (value != null && !value.isEmpty()) {
                        node.put(field.trim(), value);
                    }
                });
                out.add(JSON.writeValueAsBytes(node));
            }
        }
        return out;
    }

    /** One message per alert, each exactly as the file holds it. */
    public static List<byte[]> nwsAlerts(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode alerts = root.isObject() && root.has("features") ? root.get("features") : root;
        List<byte[]> out = new ArrayList<>();
        for (JsonNode alert : alerts) {
            out.add(JSON.writeValueAsBytes(alert));
        }
        return out;
    }
}
