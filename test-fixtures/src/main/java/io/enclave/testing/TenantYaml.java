package io.enclave.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a valid tenant config for a test: the global section (broker, database, optional APIs) and any
 * number of tenants, each with the sections a test names. SnakeYAML writes it, so hostile passwords and
 * paths need no quoting by hand. Tests of the loader's own messages and line numbers keep literal YAML.
 */
public final class TenantYaml {
    private final Map<String, Object> global = new LinkedHashMap<>();
    private final Map<String, Object> tenants = new LinkedHashMap<>();

    private TenantYaml(String bootstrapServers, String jdbcUrl) {
        global.put("kafka", new LinkedHashMap<>(Map.of("bootstrap_servers", bootstrapServers)));
        global.put("database", new LinkedHashMap<>(Map.of("jdbc_url", jdbcUrl, "dialect", "mysql")));
    }

    /** A config whose tenants share this broker and this MySQL-dialect database server. */
    public static TenantYaml global(String bootstrapServers, String jdbcUrl) {
        return new TenantYaml(bootstrapServers, jdbcUrl);
    }

    /** Adds keys, as YAML flow text, to the global {@code kafka} section (security protocol, SASL mechanism). */
    public TenantYaml globalKafka(String flowYaml) {
        section(global, "kafka").putAll(new Yaml().<Map<String, Object>>load(flowYaml));
        return this;
    }

    /** The global {@code apis} section pointing both APIs at a stand-in, with the user agent NWS requires. */
    public TenantYaml apis(String openFemaBaseUrl, String nwsBaseUrl) {
        global.put(
                "apis",
                Map.of(
                        "openfema_base_url", openFemaBaseUrl,
                        "nws_base_url", nwsBaseUrl,
                        "nws_user_agent", "(enclave-it, ops@example.gov)"));
        return this;
    }

    /** Adds a tenant; {@code tenant} fills in its sections from the defaults {@link Tenant} starts with. */
    public TenantYaml tenant(String id, UnaryOperator<Tenant> tenant) {
        tenants.put(id, tenant.apply(new Tenant(id)).sections);
        return this;
    }

    /** The YAML text. */
    @Override
    public String toString() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("global", global);
        document.put("tenants", tenants);
        return new Yaml(options).dump(document);
    }

    /** Writes the YAML to {@code file} and returns the file. */
    public Path write(Path file) {
        try {
            return Files.writeString(file, toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> parent, String name) {
        return (Map<String, Object>) parent.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
    }

    /**
     * One tenant's sections. It starts with an organization named after the id, RESTRICTED classification
     * and only PUBLIC Colorado data allowed; everything else the test sets.
     */
    public static final class Tenant {
        private final Map<String, Object> sections = new LinkedHashMap<>();

        private Tenant(String id) {
            sections.put("organization", id + " Emergency Management");
            sections.put("classification_level", "RESTRICTED");
            restrictions(List.of("CO"), List.of("PUBLIC"));
        }

        public Tenant organization(String organization) {
            return set("organization", organization);
        }

        public Tenant classification(String level) {
            return set("classification_level", level);
        }

        /** The tenant's key store; a relative path resolves against the config file's directory. */
        public Tenant keystore(String path, String password, String type) {
            return set("keystore", map("path", path, "password", password, "type", type));
        }

        public Tenant database(String schema, String user, String password, String encryptionKey) {
            return set(
                    "database",
                    map("schema", schema, "user", user, "password", password, "encryption_key", encryptionKey));
        }

        public Tenant restrictions(List<String> allowedStates, List<String> allowedClassifications) {
            return set(
                    "data_restrictions",
                    map("allowed_states", allowedStates, "allowed_classifications", allowedClassifications));
        }

        /** Any other section, or a replacement of one above, as a value SnakeYAML writes (a map, a list, a scalar). */
        public Tenant set(String section, Object value) {
            sections.put(section, value);
            return this;
        }

        /**
         * A section written as YAML flow text, as the hand-written configs did, for example
         * {@code section("processing", "{topic_partitions: 1, encrypt: {weather: [areaDesc]}}")}.
         */
        public Tenant section(String section, String flowYaml) {
            return set(section, new Yaml().load(flowYaml));
        }

        private static Map<String, Object> map(Object... keysAndValues) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                map.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return map;
        }
    }
}
