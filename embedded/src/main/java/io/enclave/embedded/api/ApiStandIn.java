package io.enclave.embedded.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A local HTTP server that answers like OpenFEMA and the NWS alerts API, for the tests and for
 * trying ingestion without the internet. It serves records it is given, typically the real
 * samples in {@code ../shared/data} ({@link #fromSamples}): OpenFEMA's v2
 * {@code DisasterDeclarationsSummaries} with its {@code metadata} envelope, {@code $filter},
 * {@code $orderby}, {@code $top} and {@code $skip}; NWS {@code /alerts} as a FeatureCollection,
 * newest first, with {@code area}, {@code start}, {@code limit} and a {@code pagination.next}
 * link. Like NWS it refuses requests without a User-Agent (403); with {@link #requireApiKey}
 * OpenFEMA refuses a missing or wrong {@code X-Api-Key} (401).
 *
 * <p>For tests it can also fail on purpose ({@link #failRequest}: 429 with Retry-After, 503,
 * ...), return a record that was not asked for ({@link #leak}), and it logs every request
 * ({@link #requests}) so a test can count what the client really sent.
 */
public final class ApiStandIn implements AutoCloseable {
    /** Which API a request was for. */
    public enum Api {
        OPENFEMA,
        NWS
    }

    /** One request as the server saw it. */
    public record Request(
            Api api,
            long receivedAtMillis,
            String path,
            Map<String, String> query,
            String userAgent,
            String apiKey,
            int status) {}

    private record Failure(int status, String retryAfter) {}

    public static final String FEMA_ENTITY = "DisasterDeclarationsSummaries";
    private static final String RECEIVED_AT = "enclave.receivedAt";
    private static final String FEMA_PATH = "/api/open/v2/" + FEMA_ENTITY;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FEMA_INTEGERS = Set.of("disasterNumber", "fyDeclared", "region");
    private static final Set<String> FEMA_BOOLEANS =
            Set.of("ihProgramDeclared", "iaProgramDeclared", "paProgramDeclared", "hmProgramDeclared", "tribalRequest");

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<ObjectNode> declarations;
    private final List<ObjectNode> alerts;
    private final List<Request> requests = new ArrayList<>();
    private final Map<Api, Map<Integer, Failure>> failures = new HashMap<>();
    private final Map<Api, List<ObjectNode>> leaks = new HashMap<>();
    private final Map<Api, Integer> counts = new HashMap<>();
    private String requiredKey;

    private ApiStandIn(List<ObjectNode> declarations, List<ObjectNode> alerts, int port) throws IOException {
        this.declarations = List.copyOf(declarations);
        this.alerts = List.copyOf(alerts);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "api-stand-in");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves the given OpenFEMA rows (JSON objects) and NWS features on a free port. */
    public static ApiStandIn start(List<ObjectNode> declarations, List<ObjectNode> alerts) throws IOException {
        return new ApiStandIn(declarations, alerts, 0);
    }

    /** Serves every sample under {@code dataDir} (fema/*.csv, nws/*.json|geojson) on {@code port} (0: free). */
    public static ApiStandIn fromSamples(Path dataDir, int port) throws IOException {
        return new ApiStandIn(femaSamples(dataDir.resolve("fema")), nwsSamples(dataDir.resolve("nws")), port);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** What {@code global.apis.openfema_base_url} is set to for this server. */
    public String openFemaBaseUrl() {
        return "http://127.0.0.1:" + port() + "/api/open";
    }

    /** What {@code global.apis.nws_base_url} is set to for this server. */
    public String nwsBaseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public List<ObjectNode> declarations() {
        return declarations;
    }

    public List<ObjectNode> alerts() {
        return alerts;
    }

    /** From now on OpenFEMA answers 401 unless the request carries this {@code X-Api-Key}. */
    public synchronized void requireApiKey(String key) {
        requiredKey = key;
    }

    /** The {@code nth} request (1-based, counted per API) is answered with {@code status}. */
    public synchronized void failRequest(Api api, int nth, int status, String retryAfter) {
        failures.computeIfAbsent(api, a -> new HashMap<>()).put(nth, new Failure(status, retryAfter));
    }

    /** The next page of {@code api} also carries this record, whatever was asked for. */
    public synchronized void leak(Api api, ObjectNode record) {
        leaks.computeIfAbsent(api, a -> new ArrayList<>()).add(record);
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public synchronized List<Request> requests(Api api) {
        return requests.stream().filter(r -> r.api() == api).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long receivedAt = System.currentTimeMillis();
        exchange.setAttribute(RECEIVED_AT, receivedAt);
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            Api api = path.equals(FEMA_PATH) ? Api.OPENFEMA : path.equals("/alerts") ? Api.NWS : null;
            if (api == null) {
                respond(exchange, null, path, query, 404, null, error("not found"));
                return;
            }
            String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
            String key = exchange.getRequestHeaders().getFirst("X-Api-Key");
            Failure failure;
            List<ObjectNode> leaked;
            String required;
            synchronized (this) {
                int n = counts.merge(api, 1, Integer::sum);
                failure = failures.getOrDefault(api, Map.of()).get(n);
                leaked = failure == null ? leaks.remove(api) : null;
                required = requiredKey;
            }
            if (failure != null) {
                respond(exchange, api, path, query, failure.status(), failure.retryAfter(), error("injected failure"));
            } else if (api == Api.NWS && (userAgent == null || userAgent.isBlank())) {
                respond(exchange, api, path, query, 403, null, error("a User-Agent is required"));
            } else if (api == Api.OPENFEMA && required != null && !required.equals(key)) {
                respond(exchange, api, path, query, 401, null, error("invalid API key"));
            } else {
                try {
                    ObjectNode body = api == Api.OPENFEMA ? femaPage(query, leaked) : nwsPage(query, leaked);
                    respond(exchange, api, path, query, 200, null, body);
                } catch (IllegalArgumentException e) {
                    respond(exchange, api, path, query, 400, null, error(e.getMessage()));
                }
            }
        }
    }

    private ObjectNode femaPage(Map<String, String> query, List<ObjectNode> leaked) {
        Predicate<JsonNode> filter = ODataFilter.parse(query.get("$filter"));
        Comparator<JsonNode> order = orderBy(query.get("$orderby"));
        int top = intParam(query, "$top", 1000);
        int skip = intParam(query, "$skip", 0);
        List<ObjectNode> matching =
                new ArrayList<>(declarations.stream().filter(filter).toList());
        if (order != null) {
            matching.sort(order);
        }
        ArrayNode rows = JSON.createArrayNode();
        matching.stream().skip(skip).limit(top).forEach(rows::add);
        if (leaked != null) {
            leaked.forEach(rows::add);
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode metadata = body.putObject("metadata");
        metadata.put("skip", skip);
        metadata.put("filter", query.getOrDefault("$filter", ""));
        metadata.put("orderby", query.getOrDefault("$orderby", ""));
        metadata.putNull("select");
        metadata.put("rundate", Instant.now().toString());
        metadata.put("top", top);
        metadata.put("format", "json");
        metadata.put("metadata", true);
        metadata.put("entityname", FEMA_ENTITY);
        metadata.put("version", "v2");
        metadata.put("count", 0);
        body.set(FEMA_ENTITY, rows);
        return body;
    }

    private static Comparator<JsonNode> orderBy(String orderBy) {
        if (orderBy == null || orderBy.isBlank()) {
            return null;
        }
        Comparator<JsonNode> order = null;
        for (String part : orderBy.split(",")) {
            String[] words = part.trim().split("\\s+");
            String field = words[0];
            Comparator<JsonNode> byField = Comparator.comparing(r -> sortKey(r.get(field)));
            if (words.length > 1 && words[1].equalsIgnoreCase("desc")) {
                byField = byField.reversed();
            }
            order = order == null ? byField : order.thenComparing(byField);
        }
        return order;
    }

    private static String sortKey(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        Instant t = ODataFilter.instant(v.asText());
        return t != null ? String.format("%020d%09d", t.getEpochSecond() + 100_000_000_000L, t.getNano()) : v.asText();
    }

    private ObjectNode nwsPage(Map<String, String> query, List<ObjectNode> leaked) {
        List<String> areas =
                query.containsKey("area") ? List.of(query.get("area").split(",")) : List.of();
        Instant start = query.containsKey("start") ? ODataFilter.instant(query.get("start")) : null;
        if (query.containsKey("start") && start == null) {
            throw new IllegalArgumentException("start is not a date-time");
        }
        int limit = intParam(query, "limit", 500);
        int offset = intParam(query, "cursor", 0);
        List<ObjectNode> matching = new ArrayList<>();
        for (ObjectNode feature : alerts) {
            JsonNode p = feature.get("properties");
            Instant sent = ODataFilter.instant(p.path("sent").asText());
            if ((areas.isEmpty() || areas.stream().anyMatch(a -> inArea(p, a)))
                    && (start == null || (sent != null && !sent.isBefore(start)))) {
                matching.add(feature);
            }
        }
        matching.sort(Comparator.comparing(
                        (ObjectNode f) -> sortKey(f.get("properties").get("sent")))
                .reversed()
                .thenComparing(f -> f.get("properties").path("id").asText()));
        ArrayNode features = JSON.createArrayNode();
        matching.stream().skip(offset).limit(limit).forEach(features::add);
        if (leaked != null) {
            leaked.forEach(features::add);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "FeatureCollection");
        body.set("features", features);
        body.put("title", "Watches, warnings, and advisories");
        body.put("updated", Instant.now().toString());
        if (offset + limit < matching.size()) {
            Map<String, String> next = new TreeMap<>(query);
            next.put("cursor", Integer.toString(offset + limit));
            StringBuilder url = new StringBuilder(nwsBaseUrl()).append("/alerts?");
            next.forEach((k, v) -> url.append(k)
                    .append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                    .append('&'));
            url.setLength(url.length() - 1);
            body.putObject("pagination").put("next", url.toString());
        }
        return body;
    }

    /** An alert is in a state's area when one of its UGC zones is in that state. */
    private static boolean inArea(JsonNode properties, String area) {
        JsonNode geocode = properties.has("geocode") ? properties.get("geocode") : properties.get("geoCode");
        if (geocode == null) {
            return false;
        }
        for (JsonNode ugc : geocode.path("UGC")) {
            if (ugc.asText().startsWith(area)) {
                return true;
            }
        }
        return false;
    }

    private static int intParam(Map<String, String> query, String name, int fallback) {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static ObjectNode error(String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        return body;
    }

    private void respond(
            HttpExchange exchange,
            Api api,
            String path,
            Map<String, String> query,
            int status,
            String retryAfter,
            ObjectNode body)
            throws IOException {
        synchronized (this) {
            requests.add(new Request(
                    api,
                    (Long) exchange.getAttribute(RECEIVED_AT),
                    path,
                    query,
                    exchange.getRequestHeaders().getFirst("User-Agent"),
                    exchange.getRequestHeaders().getFirst("X-Api-Key"),
                    status));
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", api == Api.NWS ? "application/geo+json" : "application/json");
        if (retryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", retryAfter);
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** OpenFEMA rows from the CSV exports, typed as the API sends them; the first row of an id wins. */
    public static List<ObjectNode> femaSamples(Path dir) throws IOException {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        CsvMapper csv = new CsvMapper();
        for (Path file : sorted(dir, "*.csv")) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            try (MappingIterator<Map<String, String>> rows = csv.readerFor(Map.class)
                    .with(CsvSchema.emptySchema().withHeader())
                    .readValues(text)) {
                while (rows.hasNext()) {
                    ObjectNode row = femaRow(rows.next());
                    byId.putIfAbsent(row.path("id").asText(), row);
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    static ObjectNode femaRow(Map<String, String> cells) {
        ObjectNode node = JSON.createObjectNode();
        cells.forEach((rawField, value) -> {
            String field = rawField.trim();
            if (value == null || value.isEmpty()) {
                node.putNull(field);
            } else if (FEMA_INTEGERS.contains(field) && value.matches("-?[0-9]{1,9}")) {
                node.put(field, Integer.parseInt(value));
            } else if (FEMA_BOOLEANS.contains(field)) {
                node.put(field, value.equals("1") || value.equalsIgnoreCase("true"));
            } else {
                node.put(field, value);
            }
        });
        return node;
    }

    /** NWS alerts from the JSON exports, as GeoJSON features; the first of an id wins. */
    public static List<ObjectNode> nwsSamples(Path dir) throws IOException {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>(sorted(dir, "*.json"));
        files.addAll(sorted(dir, "*.geojson"));
        for (Path file : files) {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode items = root.isObject() && root.has("features") ? root.get("features") : root;
            for (JsonNode item : items) {
                ObjectNode properties = (ObjectNode) (item.has("properties") ? item.get("properties") : item);
                String id = properties.path("id").asText();
                ObjectNode feature = JSON.createObjectNode();
                feature.put("id", "https://api.weather.gov/alerts/" + id);
                feature.put("type", "Feature");
                feature.set("geometry", item.has("geometry") ? item.get("geometry") : JSON.nullNode());
                feature.set("properties", properties);
                byId.putIfAbsent(id, feature);
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static List<Path> sorted(Path dir, String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(files::add);
        }
        files.sort(Comparator.naturalOrder());
        return files;
    }
}
