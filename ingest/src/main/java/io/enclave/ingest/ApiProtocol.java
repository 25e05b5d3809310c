package io.enclave.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** How one API is asked for a split's next page, and how its answer moves the split on. */
abstract class ApiProtocol {
    /** Duplicate keys make a page unreadable: a lenient reader would silently pick one value. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .build();

    protected final ApiSourceConfig config;

    ApiProtocol(ApiSourceConfig config) {
        this.config = config;
    }

    static ApiProtocol forConfig(ApiSourceConfig config) {
        return config.api() == UpstreamApi.OPENFEMA ? new OpenFemaProtocol(config) : new NwsProtocol(config);
    }

    abstract URI pageUri(PollSplit split);

    /** The Accept header value the API serves its JSON under. */
    abstract String accept();

    abstract Page read(PollSplit split, byte[] body, long fetchedAt) throws MalformedPageException;

    protected static JsonNode parse(byte[] body) throws MalformedPageException {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new MalformedPageException("response is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            // Jackson's message may quote the body; say only what kind of problem it was.
            throw new MalformedPageException(
                    "response is not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    protected ApiRecord record(String id, JsonNode node, long fetchedAt) throws MalformedPageException {
        try {
            return new ApiRecord(
                    config.api().id(),
                    config.api().stream().topicSuffix(),
                    id,
                    JSON.writeValueAsBytes(node),
                    fetchedAt);
        } catch (IOException e) {
            throw new MalformedPageException("record cannot be written back as JSON");
        }
    }

    protected static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** An ISO-8601 time with offset as an instant; null when absent or unreadable. */
    protected static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    protected static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
