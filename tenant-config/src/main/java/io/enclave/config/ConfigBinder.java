package io.enclave.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Binds a composed YAML tree to {@link EnclaveConfig}. It keeps going after a problem, with a
 * fallback value in place of the bad one, so a single run reports everything that is wrong;
 * the loader throws when any problem was found, so no fallback ever reaches a job.
 */
final class ConfigBinder {
    /** Tenant ids and database names end up in topic, ACL and SQL identifiers, so they stay this plain. */
    static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{1,47}");
    /**
     * Kafka ACLs name each topic and group exactly, so two tenants' names must never be equal:
     * tenant {@code x_audit}'s group {@code tenant_x_audit_group} is tenant {@code x}'s audit group.
     */
    private static final String AUDIT_SUFFIX = "_audit";
    /** MySQL (and StarRocks) user names are at most 32 characters. */
    static final Pattern DATABASE_USER = Pattern.compile("[a-z][a-z0-9_]{1,31}");

    static final Pattern KEY_REFERENCE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    static final Pattern KAFKA_USER = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");
    static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern BOOTSTRAP = Pattern.compile("[^,\\s]+:[0-9]{1,5}(,[^,\\s]+:[0-9]{1,5})*");
    private static final Pattern JDBC_CREDENTIALS = Pattern.compile("[?&](user|password)=", Pattern.CASE_INSENSITIVE);
    private static final String JDBC_PREFIX = "jdbc:mysql://";

    static final List<String> SECURITY_PROTOCOLS = List.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL");
    static final List<String> SASL_MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    static final String DEFAULT_SIEM_TOPIC = "enclave_siem_audit";
    /** Seven years, the usual retention for US federal emergency-management records. */
    static final int DEFAULT_RETENTION_DAYS = 2555;

    private static final List<String> ENCRYPTION_MODES = List.of("randomized", "deterministic");

    /** System databases a tenant must never be pointed at. */
    private static final Set<String> RESERVED_SCHEMAS =
            Set.of("information_schema", "mysql", "sys", "performance_schema");
    /** Administrative accounts; a tenant writing as one of them would not be isolated by grants. */
    private static final Set<String> RESERVED_USERS = Set.of("root", "admin");
    /**
     * The principal Kafka gives every unauthenticated connection: ACLs granted to it would be
     * open to any client of a PLAINTEXT or SSL listener. The broker's super users vary by
     * deployment, so provisioning refuses those against the live broker instead.
     */
    private static final Set<String> RESERVED_KAFKA_USERS = Set.of("ANONYMOUS");
    /**
     * Client properties Enclave sets itself; letting the shared map override them would, for
     * example, make every tenant's job log in with one principal.
     */
    private static final Set<String> ENCLAVE_CLIENT_PROPERTIES =
            Set.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config", "group.id");

    /** Client properties naming classes to load without a {@code .class} or {@code .classes} suffix. */
    private static final Set<String> CLASS_LIST_CLIENT_PROPERTIES = Set.of(
            "metric.reporters",
            "security.providers",
            "key.serializer",
            "value.serializer",
            "key.deserializer",
            "value.deserializer");
    /** The TLS versions a client may speak outside development mode; older ones have known breaks. */
    private static final List<String> STRICT_TLS_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private static final List<String> TOP_KEYS = List.of("global", "tenants");
    private static final List<String> GLOBAL_KEYS =
            List.of("kafka", "database", "siem_topic", "keystore", "apis", "audit");
    private static final List<String> GLOBAL_AUDIT_KEYS = List.of("auditor");
    private static final List<String> AUDITOR_KEYS = List.of("username", "password");
    private static final List<String> KEYSTORE_KEYS = List.of("path", "password", "type", "signing_passwords");
    private static final List<String> KEYSTORE_TYPES = List.of("BCFKS", "PKCS12");
    private static final List<String> APIS_KEYS = List.of("openfema_base_url", "nws_base_url", "nws_user_agent");
    private static final List<String> DIALECTS = List.of("starrocks", "mysql");
    private static final Pattern HTTP_URL = Pattern.compile("https?://[^\\s]+");
    /** A pinned public-key fingerprint as {@code keys init} prints it: sha256: and 64 hex digits. */
    static final Pattern KEY_FINGERPRINT = Pattern.compile("(sha256:)?[0-9a-fA-F]{64}");

    private static final List<String> GLOBAL_KAFKA_KEYS =
            List.of("bootstrap_servers", "security_protocol", "sasl_mechanism", "client_properties");
    private static final List<String> GLOBAL_DATABASE_KEYS =
            List.of("jdbc_url", "dialect", "starrocks_version", "replication_num", "be_cpu_cores");
    private static final List<String> TENANT_KEYS = List.of(
            "organization",
            "classification_level",
            "database",
            "kafka",
            "api_access",
            "data_restrictions",
            "audit_requirements",
            "security_enhancements",
            "processing",
            "keystore",
            "readers");
    private static final List<String> READER_KEYS =
            List.of("name", "password", "decrypt", "max_rows", "max_connections");
    private static final List<String> DATABASE_KEYS =
            List.of("schema", "user", "password", "encryption_key", "resource_group");
    private static final List<String> KAFKA_KEYS =
            List.of("username", "password", "publisher_username", "publisher_password", "quotas");
    private static final List<String> QUOTA_KEYS =
            List.of("producer_byte_rate", "consumer_byte_rate", "request_percentage");
    private static final List<String> RESOURCE_GROUP_KEYS = List.of("cpu_weight", "mem_limit_percent");
    private static final List<String> API_KEYS =
            List.of("fema_api_key", "noaa_scope", "rate_limits", "additional_apis");
    private static final List<String> RESTRICTION_KEYS = List.of("allowed_states", "allowed_classifications");
    private static final List<String> AUDIT_KEYS = List.of(
            "retention_days",
            "siem_integration",
            "realtime_monitoring",
            "incident_response",
            "detection",
            "job_key_fingerprint",
            "ingest_key_fingerprint",
            "cli_key_fingerprint");
    private static final List<String> THRESHOLD_KEYS = List.of("count", "window");
    private static final List<String> INCIDENT_RESPONSE_KEYS = List.of("contain", "after");
    private static final List<String> SECURITY_KEYS =
            List.of("network_isolation", "dedicated_processing", "additional_encryption");
    private static final List<String> PROCESSING_KEYS = List.of(
            "parallelism",
            "batch_size",
            "batch_interval",
            "max_retries",
            "max_message_bytes",
            "dedup_ttl",
            "checkpoint_interval",
            "topic_partitions",
            "memory_per_slot",
            "encrypt");
    private static final List<String> SLOT_MEMORY_KEYS = List.of("task_heap", "managed");
    private static final List<String> FIELD_KEYS = List.of("field", "mode");

    private static final String LEVEL_ORDER =
            Arrays.stream(Classification.values()).map(Enum::name).collect(Collectors.joining(" < "));
    private static final String STREAM_KEYS =
            Arrays.stream(StreamKind.values()).map(StreamKind::topicSuffix).collect(Collectors.joining(", "));

    private final YamlReader yaml;
    /** The config file's directory, against which relative paths resolve; null when the text came from no file. */
    private final Path baseDirectory;
    /**
     * Each key store password given so far (data-key and signing stores) and which store of which
     * tenant it protects; kept apart from {@link #claimed}, whose messages quote values.
     */
    private final Map<Secret, String> keystorePasswords = new HashMap<>();
    /** For each kind of name that tenants must not share: the name and the tenant that took it first. */
    private final Map<String, Map<String, String>> claimed = new HashMap<>();
    /**
     * Each database account password given so far (writers' and readers') and whose it is: a
     * reader with a writer's password could log in as the writer, so a reader's must be its own.
     */
    private final Map<Secret, String> accountPasswords = new HashMap<>();
    /** Readers' passwords, checked once every tenant's accounts and stores are known. */
    private final List<ReaderPassword> readerPasswords = new ArrayList<>();

    /** A reader's password and where it is written. */
    private record ReaderPassword(Secret password, String path, int line, String whose) {}

    ConfigBinder(YamlReader yaml, Path baseDirectory) {
        this.yaml = yaml;
        this.baseDirectory = baseDirectory;
    }

    /** Empty when the document is not even a mapping; the reason is among the problems. */
    Optional<EnclaveConfig> bind(Node root) {
        if (root == null || YamlReader.isNull(root)) {
            yaml.problem(TenantConfigLoader.DOCUMENT, "the document is empty; expected global: and tenants:", 0);
            return Optional.empty();
        }
        if (!yaml.isUntagged(root, TenantConfigLoader.DOCUMENT)) {
            return Optional.empty();
        }
        if (!(root instanceof MappingNode)) {
            yaml.problem(
                    TenantConfigLoader.DOCUMENT,
                    "expected a mapping with global: and tenants:, got " + YamlReader.describe(root),
                    YamlReader.lineOf(root));
            return Optional.empty();
        }
        return yaml.section(root, "", YamlReader.lineOf(root), TOP_KEYS).map(this::config);
    }

    private EnclaveConfig config(YamlSection top) {
        YamlSection globalSection = top.requiredSection("global", GLOBAL_KEYS);
        GlobalSettings global = global(globalSection);
        KafkaCredentials auditor = auditor(globalSection);
        List<TenantConfig> tenants = new ArrayList<>();
        Optional<Map<String, YamlReader.Entry>> entries = top.requiredMapping("tenants");
        if (entries.isPresent() && entries.get().isEmpty()) {
            yaml.problem("tenants", "at least one tenant is required", top.lineOf("tenants"));
        }
        for (YamlReader.Entry entry : entries.orElse(Map.of()).values()) {
            tenant(entry, global).ifPresent(tenants::add);
        }
        refuseSharedReaderPasswords();
        return new EnclaveConfig(global, tenants, auditor);
    }

    /**
     * {@code global.audit.auditor}: the Kafka principal {@code audit verify --siem} reads the SIEM
     * topic with. Provisioning lets it read that topic and its own group prefix, nothing of any
     * tenant's, and write nothing; so its username is claimed like a tenant's, and no tenant may
     * share it. None when not given.
     */
    private KafkaCredentials auditor(YamlSection global) {
        YamlSection auditor = global.section("audit", GLOBAL_AUDIT_KEYS).section("auditor", AUDITOR_KEYS);
        if (!auditor.isPresent() || !auditor.require("username")) {
            return KafkaCredentials.NONE;
        }
        // A tenant id's charset, not KAFKA_USER's: with a '.' auditor a's group prefix enclave_audit.a. covers a.b's.
        Optional<Scalar> username = auditor.scalar("username")
                .filter(v -> yaml.check(
                        v,
                        IDENTIFIER.matcher(v.text()).matches(),
                        "must match " + IDENTIFIER.pattern() + " (no '.': the auditor's group prefix enclave_audit."
                                + v.text() + ". must not cover another auditor's groups)"))
                .filter(this::notReservedKafkaUser);
        username.ifPresent(v -> claim("kafka username", v, v.text(), "global.audit.auditor"));
        Secret password = auditor.password("password");
        return username.map(v -> new KafkaCredentials(v.text(), password)).orElse(KafkaCredentials.NONE);
    }

    private GlobalSettings global(YamlSection global) {
        YamlSection kafka = global.requiredSection("kafka", GLOBAL_KAFKA_KEYS);
        String bootstrap = kafka.required("bootstrap_servers", ValueKind.ENDPOINT)
                .filter(v -> yaml.check(
                        v, BOOTSTRAP.matcher(v.text()).matches(), "is not a comma-separated list of host:port"))
                .map(Scalar::text)
                .orElse("");
        String protocol = kafkaSecurityProtocol(kafka);
        String mechanism = kafka.oneOf("sasl_mechanism", SASL_MECHANISMS, "SCRAM-SHA-512");
        Map<String, String> clientProperties = clientProperties(kafka);

        YamlSection database = global.requiredSection("database", GLOBAL_DATABASE_KEYS);
        String jdbcUrl = database.required("jdbc_url", ValueKind.ENDPOINT)
                .filter(this::isServerUrl)
                .map(Scalar::text)
                .orElse("");
        DatabaseDialect dialect =
                DatabaseDialect.valueOf(database.oneOf("dialect", DIALECTS, "starrocks", ValueKind.ENDPOINT)
                        .toUpperCase(Locale.ROOT));
        StarRocksTarget starRocks = starRocksTarget(database);

        if (global.given("keystore")) {
            // One shared store would let every tenant's password open every tenant's keys: refuse it, never ignore it.
            yaml.problem(
                    global.pathOf("keystore"),
                    "one key store for all tenants is no longer accepted: each tenant"
                            + " now has its own at tenants.<id>.keystore; move the keys out of this store with"
                            + " `enclave keys split`, then delete global.keystore",
                    global.lineOf("keystore"));
        }

        YamlSection apisSection = global.section("apis", APIS_KEYS);
        ApiEndpoints apis = new ApiEndpoints(
                httpUrl(apisSection, "openfema_base_url", ApiEndpoints.DEFAULT.openFemaBaseUrl()),
                httpUrl(apisSection, "nws_base_url", ApiEndpoints.DEFAULT.nwsBaseUrl()),
                apisSection.string("nws_user_agent", ApiEndpoints.DEFAULT.nwsUserAgent()));

        String siemTopic = global.scalar("siem_topic")
                .filter(v -> yaml.matches(v, TOPIC))
                // Kafka refuses a topic whose name differs from another's only by '.' and '_', so
                // tenant.fema.audit would block tenant_fema_audit from ever being created.
                .filter(v -> yaml.check(
                        v,
                        !v.text().replace('.', '_').startsWith("tenant_"),
                        "must not start with tenant_ (or tenant. with '.' for '_', which Kafka counts as the"
                                + " same name): that prefix begins tenants' own topics"))
                .map(Scalar::text)
                .orElse(DEFAULT_SIEM_TOPIC);
        return new GlobalSettings(
                bootstrap, protocol, mechanism, clientProperties, jdbcUrl, dialect, siemTopic, apis, starRocks);
    }

    /**
     * The StarRocks release (3.1 to 3.5, optionally with a patch: 3.3.5), replicas per tablet
     * (at least 1, at most the backends the cluster has) and, optionally, the backends' CPU
     * cores, against which each tenant's resource-group CPU share is checked.
     */
    private StarRocksTarget starRocksTarget(YamlSection database) {
        StarRocksTarget d = StarRocksTarget.DEFAULT;
        String version = database.scalar("starrocks_version")
                .filter(v -> yaml.check(
                        v,
                        StarRocksTarget.VERSION.matcher(v.text()).matches(),
                        "is not a supported StarRocks release: 3.1, 3.2, 3.3, 3.4 or 3.5, optionally with a patch"
                                + " such as 3.3.5"))
                .map(Scalar::text)
                .orElse(d.version());
        int replicationNum = database.integer("replication_num", d.replicationNum(), 1, 32);
        int beCpuCores = database.integer("be_cpu_cores", d.beCpuCores(), 1, 4096);
        return new StarRocksTarget(version, replicationNum, beCpuCores);
    }

    /**
     * The protocol, PLAINTEXT when not given. Outside development mode only SASL_SSL passes:
     * PLAINTEXT and SASL_PLAINTEXT send records (and SASL_PLAINTEXT's passwords travel beside
     * them) in clear, and SSL alone gives a tenant no SASL principal of its own to grant ACLs to.
     */
    private String kafkaSecurityProtocol(YamlSection kafka) {
        String key = "security_protocol";
        String protocol = kafka.oneOf(key, SECURITY_PROTOCOLS, "", ValueKind.ENDPOINT);
        if (protocol.isEmpty()) {
            if (!kafka.has(key) && !yaml.devMode().on()) {
                yaml.problem(
                        kafka.pathOf(key),
                        "is required outside development mode and must be " + DevMode.REQUIRED_KAFKA_PROTOCOL
                                + "; without it Kafka runs PLAINTEXT",
                        kafka.lineOf(key));
            }
            return "PLAINTEXT"; // not given, or not a protocol and reported as such
        }
        if (!yaml.devMode().on() && !protocol.equals(DevMode.REQUIRED_KAFKA_PROTOCOL)) {
            yaml.problem(
                    kafka.pathOf(key),
                    Scalar.quote(protocol) + " is refused outside development mode; use "
                            + DevMode.REQUIRED_KAFKA_PROTOCOL + " (SASL over TLS), or turn on development mode ("
                            + DevMode.HOW_TO_ENABLE + ")",
                    kafka.lineOf(key));
        }
        return protocol;
    }

    private String httpUrl(YamlSection section, String key, String fallback) {
        return section.scalar(key, ValueKind.ENDPOINT)
                .filter(v -> yaml.check(v, HTTP_URL.matcher(v.text()).matches(), "is not an http(s) URL"))
                .map(Scalar::text)
                .orElse(fallback);
    }

    private Map<String, String> clientProperties(YamlSection kafka) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (YamlReader.Entry entry :
                kafka.mapping("client_properties").orElse(Map.of()).values()) {
            String path = YamlReader.child(kafka.pathOf("client_properties"), entry.key());
            if (ENCLAVE_CLIENT_PROPERTIES.contains(entry.key())) {
                yaml.problem(
                        path,
                        Scalar.quote(entry.key())
                                + " is set by Enclave from global.kafka and each tenant's kafka section",
                        entry.keyLine());
                continue;
            }
            if (!yaml.devMode().on() && loadsClass(entry.key())) {
                yaml.problem(
                        path,
                        Scalar.quote(entry.key()) + " is refused outside development mode: it loads a"
                                + " class into every tenant's Kafka client, which can replace its login or its TLS checks;"
                                + " or turn on development mode (" + DevMode.HOW_TO_ENABLE + ")",
                        entry.keyLine());
                continue;
            }
            ValueKind kind = clientPropertyKind(entry.key());
            yaml.requiredScalar(entry.value(), path, kind)
                    .filter(v -> kind != ValueKind.SECRET || yaml.isStrongSecret(v))
                    .filter(v -> yaml.devMode().on() || keepsTlsStrict(entry.key(), v))
                    // A trust or key store file is found beside the config, wherever the command runs.
                    .flatMap(v -> kind == ValueKind.PATH ? absolutePath(v) : Optional.of(v.text()))
                    .ifPresent(v -> properties.put(entry.key(), v));
        }
        return properties;
    }

    /**
     * Kafka's own naming: {@code *.class} and {@code *.classes} properties name classes to load;
     * a few older ones name classes without saying so in their name.
     */
    private static boolean loadsClass(String property) {
        return property.endsWith(".class")
                || property.endsWith(".classes")
                || CLASS_LIST_CLIENT_PROPERTIES.contains(property);
    }

    /**
     * Reports a TLS setting that would leave SASL_SSL in name only: a client that skips the host
     * name check or speaks a TLS version below 1.2 can be answered by anyone on the path.
     */
    private boolean keepsTlsStrict(String property, Scalar value) {
        if (property.equals("ssl.endpoint.identification.algorithm")) {
            return yaml.check(
                    value,
                    value.text().equalsIgnoreCase("https"),
                    "must be https outside development mode:"
                            + " anything else, an empty value too, lets the client accept a certificate issued to another"
                            + " host; or turn on development mode (" + DevMode.HOW_TO_ENABLE + ")");
        }
        if (property.equals("ssl.enabled.protocols") || property.equals("ssl.protocol")) {
            List<String> weak = Arrays.stream(value.text().split(","))
                    .map(String::trim)
                    .filter(protocol -> !STRICT_TLS_PROTOCOLS.contains(protocol))
                    .toList();
            return yaml.check(
                    value,
                    weak.isEmpty(),
                    "is refused outside development mode: only "
                            + String.join(" and ", STRICT_TLS_PROTOCOLS) + " may be named, not "
                            + String.join(", ", weak)
                            + "; or turn on development mode (" + DevMode.HOW_TO_ENABLE + ")");
        }
        return true;
    }

    /** Kafka's own naming: {@code *.password} properties are secrets and {@code *.location} ones are files. */
    private static ValueKind clientPropertyKind(String property) {
        if (property.endsWith(".password")) {
            return ValueKind.SECRET;
        }
        return property.endsWith(".location") ? ValueKind.PATH : ValueKind.LITERAL;
    }

    /** The shared URL names only the server: each tenant adds its own database and logs in as its own user. */
    private boolean isServerUrl(Scalar url) {
        String text = url.text();
        if (!text.startsWith(JDBC_PREFIX)) {
            return yaml.check(url, false, "must start with " + JDBC_PREFIX);
        }
        int query = text.indexOf('?');
        String address = text.substring(JDBC_PREFIX.length(), query < 0 ? text.length() : query);
        if (address.endsWith("/")) {
            address = address.substring(0, address.length() - 1);
        }
        return yaml.check(url, !address.isEmpty(), "has no host")
                && yaml.check(
                        url,
                        !address.contains("/"),
                        "must not name a database: each tenant's database is added from its own config")
                && yaml.check(
                        url,
                        query < 0
                                || !JDBC_CREDENTIALS
                                        .matcher(text.substring(query))
                                        .find(),
                        "must not carry a user or password: each tenant connects as its own database user");
    }

    private Optional<TenantConfig> tenant(YamlReader.Entry entry, GlobalSettings global) {
        String id = entry.key();
        String path = YamlReader.child("tenants", id);
        if (!IDENTIFIER.matcher(id).matches()) {
            yaml.problem(
                    path, "tenant id " + Scalar.quote(id) + " must match " + IDENTIFIER.pattern(), entry.keyLine());
        } else if (id.endsWith(AUDIT_SUFFIX)) {
            // Tenants may live in different files, so this is checked per id, not against the file's other ids.
            String stem = id.substring(0, id.length() - AUDIT_SUFFIX.length());
            yaml.problem(
                    path,
                    "tenant id " + Scalar.quote(id) + " ends in " + Scalar.quote(AUDIT_SUFFIX)
                            + ": its consumer group " + new TenantNames(id, "").consumerGroup()
                            + " would be the audit group of a tenant " + stem,
                    entry.keyLine());
        }
        return yaml.section(entry.value(), path, entry.keyLine(), TENANT_KEYS)
                .map(section -> tenant(id, section, global));
    }

    private TenantConfig tenant(String id, YamlSection tenant, GlobalSettings global) {
        String organization = tenant.required("organization").map(Scalar::text).orElse("");
        Optional<Classification> level = tenant.required("classification_level").flatMap(this::classification);
        YamlSection databaseSection = tenant.requiredSection("database", DATABASE_KEYS);
        DatabaseSettings database = database(id, databaseSection);
        YamlSection kafkaSection = tenant.section("kafka", KAFKA_KEYS);
        KafkaCredentials kafka = kafka(id, kafkaSection, global);
        KafkaCredentials publisher = publisher(id, kafkaSection);
        KafkaQuotas quotas = quotas(kafkaSection.section("quotas", QUOTA_KEYS));
        ResourceGroup resourceGroup =
                resourceGroup(databaseSection.section("resource_group", RESOURCE_GROUP_KEYS), global.starRocks());
        DataRestrictions restrictions =
                restrictions(tenant.requiredSection("data_restrictions", RESTRICTION_KEYS), level);
        ApiAccess api = apiAccess(tenant.section("api_access", API_KEYS), restrictions.allowedStates());
        AuditRequirements audit = audit(tenant.section("audit_requirements", AUDIT_KEYS));
        SecurityEnhancements security = security(tenant.section("security_enhancements", SECURITY_KEYS));
        ProcessingSettings processing = processing(
                tenant.section("processing", PROCESSING_KEYS),
                level.orElse(Classification.PUBLIC),
                security.additionalEncryption());
        KeystoreSettings keystore = keystore(id, tenant.requiredSection("keystore", KEYSTORE_KEYS));
        List<ReaderSettings> readers = readers(id, tenant, processing);
        return new TenantConfig(
                id,
                organization,
                level.orElse(Classification.PUBLIC),
                database,
                kafka,
                publisher,
                quotas,
                resourceGroup,
                api,
                restrictions,
                audit,
                security,
                processing,
                keystore,
                readers);
    }

    /**
     * {@code readers: [{name, password, decrypt: [table.column...] | all, max_rows, max_connections}]}. A reader's
     * name is its database account, under the writer's rules and claimed in the same namespace,
     * so it can be no other account of any tenant in the file; its password is a secret like the
     * writer's and may be no other account's or key store's. Each {@code decrypt} entry must be a
     * column the tenant encrypts: an entry that could never apply is refused, not ignored.
     */
    private List<ReaderSettings> readers(String tenantId, YamlSection tenant, ProcessingSettings processing) {
        String path = tenant.pathOf("readers");
        List<Node> items = tenant.list("readers").orElse(List.of());
        Set<String> encrypted = new LinkedHashSet<>();
        for (EncryptedField field : processing.encryptedFields()) {
            EncryptableFields.column(field.stream(), field.field())
                    .ifPresent(column -> encrypted.add(field.stream().table() + "." + column));
        }
        List<ReaderSettings> readers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = YamlReader.item(path, i);
            Optional<YamlSection> found =
                    yaml.section(items.get(i), itemPath, YamlReader.lineOf(items.get(i)), READER_KEYS);
            if (found.isEmpty()) {
                continue;
            }
            YamlSection reader = found.get();
            Optional<Scalar> name = accountName(reader, "name", "reader", tenantId);
            Secret password = reader.password("password");
            readerPasswords.add(new ReaderPassword(
                    password,
                    reader.pathOf("password"),
                    reader.lineOf("password"),
                    "the password of reader " + name.map(Scalar::text).orElse("#" + i) + " of tenant " + tenantId));
            boolean all = false;
            Set<String> columns = new LinkedHashSet<>();
            if (reader.has("decrypt")) {
                Node node = reader.node("decrypt").orElseThrow();
                if (!(node instanceof SequenceNode)) {
                    all = yaml.scalar(node, reader.pathOf("decrypt"))
                            .filter(v -> yaml.check(
                                    v,
                                    v.text().equals(ReaderSettings.ALL),
                                    "is not a list of table.column names or " + ReaderSettings.ALL))
                            .isPresent();
                } else {
                    List<Node> entries =
                            yaml.sequence(node, reader.pathOf("decrypt")).orElse(List.of());
                    for (int j = 0; j < entries.size(); j++) {
                        yaml.requiredScalar(entries.get(j), YamlReader.item(reader.pathOf("decrypt"), j))
                                .filter(v -> yaml.check(
                                        v,
                                        encrypted.contains(v.text()),
                                        "is not an encrypted column of tenant " + tenantId
                                                + "; expected one of "
                                                + (encrypted.isEmpty()
                                                        ? "(none: it encrypts nothing)"
                                                        : String.join(", ", encrypted))))
                                .filter(v -> yaml.check(v, columns.add(v.text()), "is listed twice"));
                    }
                }
            }
            int maxRows = reader.integer("max_rows", ReaderSettings.DEFAULT_MAX_ROWS, 1, 1_000_000);
            int maxConnections = reader.integer("max_connections", ReaderSettings.DEFAULT_MAX_CONNECTIONS, 1, 1_000);
            if (name.isPresent()) {
                readers.add(new ReaderSettings(name.get().text(), password, all, columns, maxRows, maxConnections));
            }
        }
        return readers;
    }

    /**
     * Reports a reader password that a writer, another reader or a key store of any tenant in
     * the file already has: the reader could log in as that account, or open that store.
     */
    private void refuseSharedReaderPasswords() {
        for (ReaderPassword reader : readerPasswords) {
            if (reader.password().isEmpty()) {
                continue;
            }
            String first = accountPasswords.putIfAbsent(reader.password(), reader.whose());
            if (first == null) {
                first = keystorePasswords.get(reader.password());
            }
            if (first != null) {
                yaml.problem(
                        reader.path(),
                        "is the same as " + first + "; a reader needs a password of its own, or it would open"
                                + " what that one opens",
                        reader.line());
            }
        }
    }

    /**
     * The tenant's own key store. Its path is claimed like other names a tenant must not share,
     * and compared once made absolute, so two spellings of one file are caught too.
     */
    private KeystoreSettings keystore(String tenantId, YamlSection keystore) {
        Optional<Scalar> givenPath = keystore.required("path", ValueKind.PATH);
        Optional<String> path = givenPath.flatMap(this::absolutePath);
        path.ifPresent(p -> claim("key store path", givenPath.get(), p, tenantId));
        // An empty password would leave the tenant's data and audit keys readable to anyone who can read the file.
        Secret password = keystore.requiredPassword("password");
        unshared(keystore, "password", password, "the key store password of tenant " + tenantId);
        return new KeystoreSettings(
                path.orElse(""),
                password,
                keystore.oneOf("type", KEYSTORE_TYPES, KeystoreSettings.DEFAULT_TYPE),
                signingPasswords(tenantId, keystore));
    }

    /**
     * The passwords of the tenant's signing key stores, one per signer role, in
     * {@code keystore.signing_passwords}: beside the data-key store's password because the
     * signing stores sit beside its file and share its type. Each is a secret like every other.
     * Outside development mode the section is required, but a role may be left out: a tenant
     * job's own config need not hold the CLI's or the ingest job's password, and a process that
     * needs a role it was not given refuses to start naming this field. In development mode a
     * role not given gets its {@code dev-only-} default, which the same policy refuses anywhere else.
     */
    private SigningPasswords signingPasswords(String tenantId, YamlSection keystore) {
        boolean dev = yaml.devMode().on();
        if (!keystore.has("signing_passwords") && !dev) {
            if (keystore.isPresent()) {
                yaml.problem(
                        keystore.pathOf("signing_passwords"),
                        "is required outside development mode; set the"
                                + " passwords of the roles this process signs as ("
                                + String.join(", ", SigningPasswords.ROLES)
                                + "), for example from ${VAR}, or turn on development mode (" + DevMode.HOW_TO_ENABLE
                                + ")",
                        keystore.lineOf("signing_passwords"));
            }
            return SigningPasswords.NONE;
        }
        YamlSection section = keystore.section("signing_passwords", SigningPasswords.ROLES);
        List<Secret> secrets = new ArrayList<>();
        for (String role : SigningPasswords.ROLES) {
            Secret secret;
            if (section.given(role)) {
                secret = section.requiredPassword(role);
            } else {
                secret = Secret.of(dev ? SigningPasswords.developmentDefault(tenantId, role) : "");
            }
            unshared(section, role, secret, "the " + role + " signing key store password of tenant " + tenantId);
            secrets.add(secret);
        }
        return new SigningPasswords(secrets.get(0), secrets.get(1), secrets.get(2));
    }

    /**
     * Reports a store password that another store already has: it would open that store as well,
     * so a process holding one role's (or one tenant's) password could sign as another. The
     * message names the other store, never the password.
     */
    private void unshared(YamlSection section, String key, Secret password, String store) {
        String first = password.isEmpty() ? null : keystorePasswords.putIfAbsent(password, store);
        if (first != null) {
            yaml.problem(
                    section.pathOf(key),
                    "is the same as " + first + "; each key store needs a password of its own",
                    section.lineOf(key));
        }
    }

    /**
     * A path made absolute against the config file's directory, never the working directory, so
     * every command, wherever it is run from, and the job graph built from the file name the same file.
     */
    private Optional<String> absolutePath(Scalar value) {
        Path path;
        try {
            path = Path.of(value.text());
        } catch (InvalidPathException e) {
            yaml.problem(value, "is not a valid path: " + e.getReason());
            return Optional.empty();
        }
        if (path.isAbsolute()) {
            return Optional.of(path.normalize().toString());
        }
        if (baseDirectory == null) {
            yaml.problem(
                    value,
                    "is a relative path, but this config was not read from a file whose directory it"
                            + " could be relative to; give an absolute path");
            return Optional.empty();
        }
        return Optional.of(baseDirectory.resolve(path).normalize().toString());
    }

    private Optional<Classification> classification(Scalar value) {
        Optional<Classification> level = Classification.parse(value.text());
        if (level.isEmpty()) {
            yaml.problem(value, value.quoted() + " is not a classification; expected one of " + LEVEL_ORDER);
        }
        return level;
    }

    private DatabaseSettings database(String tenantId, YamlSection database) {
        Optional<Scalar> schema = database.requiredMatching("schema", IDENTIFIER)
                .filter(v -> yaml.check(v, !RESERVED_SCHEMAS.contains(v.text()), "is a system database"));
        schema.ifPresent(v -> claim("database schema", v, v.text(), tenantId));
        Optional<Scalar> user = accountName(database, "user", "tenant", tenantId);
        Secret password = database.password("password");
        if (!password.isEmpty()) {
            accountPasswords.putIfAbsent(
                    password, "the writer's password of tenant " + tenantId + " (database.password)");
        }
        Optional<Scalar> keyRef = database.requiredMatching("encryption_key", KEY_REFERENCE);
        // PKCS#12 key stores fold aliases to lower case, so two refs differing in case would be one key.
        keyRef.ifPresent(v -> claim("encryption key", v, v.text().toLowerCase(Locale.ROOT), tenantId));
        return new DatabaseSettings(
                schema.map(Scalar::text).orElse(""),
                user.map(Scalar::text).orElse(""),
                password,
                keyRef.map(Scalar::text).orElse(""));
    }

    private KafkaCredentials kafka(String tenantId, YamlSection kafka, GlobalSettings global) {
        Optional<Scalar> given = kafka.scalar("username");
        Optional<Scalar> username = given.filter(v -> !v.text().isEmpty());
        username.filter(v -> yaml.matches(v, KAFKA_USER))
                .filter(this::notReservedKafkaUser)
                .ifPresent(v -> claim("kafka username", v, v.text(), tenantId));
        if (global.kafkaUsesSasl() && username.isEmpty()) {
            requireSaslUser(kafka, given, global);
        }
        return new KafkaCredentials(username.map(Scalar::text).orElse(""), kafka.password("password"));
    }

    /** The principal the tenant's publishers (and its ingestion job) write with; WRITE-only on its topics. */
    private KafkaCredentials publisher(String tenantId, YamlSection kafka) {
        Optional<Scalar> username =
                kafka.scalar("publisher_username").filter(v -> !v.text().isEmpty());
        username.filter(v -> yaml.matches(v, KAFKA_USER))
                .filter(this::notReservedKafkaUser)
                .ifPresent(v -> claim("kafka username", v, v.text(), tenantId));
        if (username.isEmpty()) {
            // Without a publisher principal the password would be accepted and never used.
            if (kafka.given("publisher_password")) {
                yaml.problem(
                        kafka.pathOf("publisher_password"),
                        "is given without kafka.publisher_username, so"
                                + " nothing would log in with it; set publisher_username or remove publisher_password",
                        kafka.lineOf("publisher_password"));
            }
            return KafkaCredentials.NONE;
        }
        // With a publisher principal the password is required and checked as the job principal's is.
        return new KafkaCredentials(username.get().text(), kafka.password("publisher_password"));
    }

    private boolean notReservedKafkaUser(Scalar value) {
        return yaml.check(
                value,
                !RESERVED_KAFKA_USERS.contains(value.text()),
                "is the principal Kafka gives unauthenticated clients");
    }

    private KafkaQuotas quotas(YamlSection quotas) {
        KafkaQuotas d = KafkaQuotas.DEFAULT;
        return new KafkaQuotas(
                quotas.integer("producer_byte_rate", (int) d.producerByteRate(), 1024, Integer.MAX_VALUE),
                quotas.integer("consumer_byte_rate", (int) d.consumerByteRate(), 1024, Integer.MAX_VALUE),
                quotas.integer("request_percentage", d.requestPercentage(), 1, 100));
    }

    /**
     * The CPU share may not exceed the backends' average core count, which StarRocks refuses
     * (ResourceGroupAnalyzer); checked here when {@code global.database.be_cpu_cores} is given.
     */
    private ResourceGroup resourceGroup(YamlSection group, StarRocksTarget starRocks) {
        ResourceGroup d = ResourceGroup.DEFAULT;
        int maxCpu = starRocks.beCpuCores() > 0 ? starRocks.beCpuCores() : 64;
        return new ResourceGroup(
                group.integer("cpu_weight", Math.min(d.cpuWeight(), maxCpu), 1, maxCpu),
                group.integer("mem_limit_percent", d.memLimitPercent(), 1, 100));
    }

    /** Reports a tenant that has no principal of its own although the brokers demand one. */
    private void requireSaslUser(YamlSection kafka, Optional<Scalar> given, GlobalSettings global) {
        String reason = "because global.kafka.security_protocol is " + global.kafkaSecurityProtocol();
        if (given.isPresent()) {
            yaml.problem(given.get(), "must not be empty " + reason);
        } else if (!kafka.has("username")) {
            yaml.problem(kafka.pathOf("username"), "is required " + reason, kafka.lineOf("username"));
        }
        // Otherwise the username was given but could not be read, and that is already reported.
    }

    private DataRestrictions restrictions(YamlSection restrictions, Optional<Classification> level) {
        StateScope states = restrictions.require("allowed_states")
                ? stateScope(restrictions, "allowed_states").orElse(StateScope.of(Set.of()))
                : StateScope.of(Set.of());
        Set<Classification> classifications =
                restrictions.require("allowed_classifications") ? classifications(restrictions, level) : Set.of();
        return new DataRestrictions(states, classifications);
    }

    /** A list of USPS codes, or {@code ALL} written alone or as the only list item. */
    private Optional<StateScope> stateScope(YamlSection section, String key) {
        Node node = section.node(key).orElseThrow();
        String path = section.pathOf(key);
        if (!(node instanceof SequenceNode)) {
            return yaml.scalar(node, path)
                    .filter(v -> yaml.check(
                            v,
                            v.text().equals(StateScope.ALL_KEYWORD),
                            "is not a list of state codes or " + StateScope.ALL_KEYWORD))
                    .map(v -> StateScope.all());
        }
        List<Node> items = yaml.sequence(node, path).orElse(List.of());
        if (items.isEmpty()) {
            yaml.problem(
                    path,
                    "must list at least one state code, or be " + StateScope.ALL_KEYWORD,
                    YamlReader.lineOf(node));
            return Optional.empty();
        }
        Set<String> codes = new HashSet<>();
        boolean all = false;
        for (int i = 0; i < items.size(); i++) {
            Optional<Scalar> item = yaml.requiredScalar(items.get(i), YamlReader.item(path, i));
            if (item.isEmpty()) {
                continue;
            }
            Scalar code = item.get();
            if (code.text().equals(StateScope.ALL_KEYWORD)) {
                all = yaml.check(code, items.size() == 1, "must be the only entry when it is used");
            } else if (!UsStates.isCode(code.text())) {
                yaml.problem(code, code.quoted() + " is not a US state or territory code");
            } else if (!codes.add(code.text())) {
                yaml.problem(code, code.quoted() + " is listed twice");
            }
        }
        return Optional.of(all ? StateScope.all() : StateScope.of(codes));
    }

    private Set<Classification> classifications(YamlSection restrictions, Optional<Classification> level) {
        String path = restrictions.pathOf("allowed_classifications");
        List<Node> items = restrictions.list("allowed_classifications").orElse(List.of());
        if (items.isEmpty() && restrictions.node("allowed_classifications").get() instanceof SequenceNode) {
            yaml.problem(path, "must list at least one classification", restrictions.lineOf("allowed_classifications"));
        }
        Set<Classification> allowed = EnumSet.noneOf(Classification.class);
        for (int i = 0; i < items.size(); i++) {
            Optional<Scalar> item = yaml.requiredScalar(items.get(i), YamlReader.item(path, i));
            Optional<Classification> parsed = item.flatMap(this::classification);
            if (parsed.isEmpty()) {
                continue;
            }
            Classification c = parsed.get();
            if (level.isPresent() && !c.isAtMost(level.get())) {
                yaml.problem(
                        item.get(), item.get().quoted() + " is above the tenant's classification_level " + level.get());
            } else if (!allowed.add(c)) {
                yaml.problem(item.get(), item.get().quoted() + " is listed twice");
            }
        }
        return allowed;
    }

    private ApiAccess apiAccess(YamlSection api, StateScope allowedStates) {
        // Least privilege: without its own scope, a tenant pulls NOAA data only for states it may receive.
        StateScope noaaScope =
                api.has("noaa_scope") ? stateScope(api, "noaa_scope").orElse(allowedStates) : allowedStates;
        if (api.given("additional_apis")) {
            // Named without an endpoint or a format, so never polled: accepted, it would be ignored.
            yaml.problem(
                    api.pathOf("additional_apis"),
                    "has no effect: the ingest job polls only OpenFEMA and NWS; remove it",
                    api.lineOf("additional_apis"));
        }
        return new ApiAccess(api.secret("fema_api_key"), noaaScope, rateLimits(api));
    }

    private Map<String, RateLimit> rateLimits(YamlSection api) {
        Map<String, RateLimit> limits = new LinkedHashMap<>();
        for (YamlReader.Entry entry :
                api.mapping("rate_limits").orElse(Map.of()).values()) {
            String path = YamlReader.child(api.pathOf("rate_limits"), entry.key());
            if (!ApiAccess.POLLED_APIS.contains(entry.key())) {
                yaml.problem(
                        path,
                        "unknown API " + Scalar.quote(entry.key()) + ": the ingest job polls only "
                                + String.join(" and ", ApiAccess.POLLED_APIS) + ", so a limit for it would do nothing",
                        entry.keyLine());
            }
            Optional<Scalar> value = yaml.requiredScalar(entry.value(), path);
            if (value.isEmpty()) {
                continue;
            }
            Optional<RateLimit> limit = RateLimit.parse(value.get().text());
            if (limit.isPresent()) {
                limits.put(entry.key(), limit.get());
            } else {
                yaml.problem(value.get(), value.get().quoted() + " is not a rate limit like 1000/hour");
            }
        }
        return limits;
    }

    private AuditRequirements audit(YamlSection audit) {
        boolean monitoring = audit.bool("realtime_monitoring", false);
        // Both only shape what real-time monitoring does, so without it they would be accepted and ignored.
        for (String key : List.of("incident_response", "detection")) {
            if (audit.has(key) && !monitoring) {
                yaml.problem(
                        audit.pathOf(key),
                        "has no effect without realtime_monitoring: true; set that, or remove " + key,
                        audit.lineOf(key));
            }
        }
        YamlSection detection = audit.section("detection", DetectionRule.configKeys());
        Map<DetectionRule, DetectionThreshold> thresholds = new EnumMap<>(DetectionRule.class);
        for (DetectionRule rule : DetectionRule.values()) {
            YamlSection given = detection.section(rule.configKey(), THRESHOLD_KEYS);
            DetectionThreshold fallback = rule.defaultThreshold();
            thresholds.put(
                    rule,
                    new DetectionThreshold(
                            given.integer("count", fallback.count(), 1, 1_000_000),
                            given.duration("window", fallback.window())));
        }
        boolean siem = audit.bool("siem_integration", false);
        // The plain form is the deadline alone; the structured form adds what `enclave respond` contains after it.
        boolean structured = audit.node("incident_response")
                .filter(n -> n instanceof MappingNode)
                .isPresent();
        YamlSection response = structured
                ? audit.section("incident_response", INCIDENT_RESPONSE_KEYS)
                : YamlSection.absent(
                        yaml,
                        audit.pathOf("incident_response"),
                        audit.lineOf("incident_response"),
                        INCIDENT_RESPONSE_KEYS);
        Duration deadline = structured
                ? response.duration("after", AuditRequirements.DEFAULT_INCIDENT_RESPONSE)
                : audit.duration("incident_response", AuditRequirements.DEFAULT_INCIDENT_RESPONSE);
        AutoContainment containment = AutoContainment.fromConfigValue(
                        response.oneOf("contain", AutoContainment.configValues(), AutoContainment.NONE.configValue()))
                .orElse(AutoContainment.NONE);
        if (containment != AutoContainment.NONE && !siem) {
            // enclave respond learns of alerts from the SIEM topic only: without it, contain would never act.
            yaml.problem(
                    response.pathOf("contain"),
                    "has no effect without siem_integration: true (enclave respond reads the alerts from the SIEM"
                            + " topic); set that, or remove contain",
                    response.lineOf("contain"));
        }
        return new AuditRequirements(
                audit.integer("retention_days", DEFAULT_RETENTION_DAYS, 1, 36_500),
                siem,
                monitoring,
                deadline,
                thresholds,
                keyFingerprint(audit, "job_key_fingerprint"),
                keyFingerprint(audit, "ingest_key_fingerprint"),
                keyFingerprint(audit, "cli_key_fingerprint"),
                containment);
    }

    /** A signer role's pinned first key, as {@code keys init} prints it; empty when not given. */
    private String keyFingerprint(YamlSection audit, String key) {
        return audit.scalar(key)
                .filter(v -> yaml.matches(v, KEY_FINGERPRINT))
                .map(Scalar::text)
                .orElse("");
    }

    private SecurityEnhancements security(YamlSection security) {
        return new SecurityEnhancements(
                security.bool("network_isolation", false),
                security.bool("dedicated_processing", false),
                security.bool("additional_encryption", false));
    }

    private ProcessingSettings processing(YamlSection processing, Classification level, boolean additionalEncryption) {
        ProcessingSettings defaults = ProcessingSettings.builder().build();
        // Without an encrypt section the level decides; "encrypt: {}" is an explicit choice of none.
        boolean configured = processing.has("encrypt");
        return ProcessingSettings.builder()
                .parallelism(processing.integer("parallelism", defaults.parallelism(), 1, 64))
                .batchSize(processing.integer("batch_size", defaults.batchSize(), 1, 100_000))
                .batchInterval(processing.duration("batch_interval", defaults.batchInterval()))
                .maxRetries(processing.integer("max_retries", defaults.maxRetries(), 0, 20))
                .maxMessageBytes(processing.integer("max_message_bytes", defaults.maxMessageBytes(), 1024, 16 << 20))
                .dedupTtl(processing.duration("dedup_ttl", defaults.dedupTtl()))
                .checkpointInterval(processing.duration("checkpoint_interval", defaults.checkpointInterval()))
                .topicPartitions(processing.integer("topic_partitions", defaults.topicPartitions(), 1, 64))
                .encryptedFields(EncryptionDefaults.withAdditional(
                        configured ? encryptedFields(processing) : EncryptionDefaults.forLevel(level),
                        additionalEncryption))
                .encryptionFromDefaults(!configured)
                .slotMemory(slotMemory(processing.section("memory_per_slot", SLOT_MEMORY_KEYS)))
                .build();
    }

    /** Both halves or none: a slot with heap but no managed memory could not hold the RocksDB state. */
    private static SlotMemory slotMemory(YamlSection memory) {
        if (!memory.isPresent()) {
            return SlotMemory.UNSET;
        }
        boolean complete = memory.require("task_heap") & memory.require("managed");
        long heap = memory.mebibytes("task_heap", 64, 64 * 1024);
        long managed = memory.mebibytes("managed", 16, 64 * 1024);
        return complete ? new SlotMemory(heap, managed) : SlotMemory.UNSET;
    }

    private List<EncryptedField> encryptedFields(YamlSection processing) {
        List<EncryptedField> fields = new ArrayList<>();
        for (YamlReader.Entry entry :
                processing.mapping("encrypt").orElse(Map.of()).values()) {
            String path = YamlReader.child(processing.pathOf("encrypt"), entry.key());
            Optional<StreamKind> stream = StreamKind.fromConfigKey(entry.key());
            if (stream.isEmpty()) {
                yaml.problem(
                        path,
                        "unknown stream " + Scalar.quote(entry.key()) + "; expected one of " + STREAM_KEYS,
                        entry.keyLine());
                continue;
            }
            List<Node> items = yaml.sequence(entry.value(), path).orElse(List.of());
            Set<String> names = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                Optional<FieldChoice> choice = encryptedField(items.get(i), YamlReader.item(path, i));
                if (choice.isEmpty()) {
                    continue;
                }
                Scalar name = choice.get().name();
                Optional<String> notEncryptable = EncryptableFields.problem(stream.get(), name.text());
                if (notEncryptable.isPresent()) {
                    yaml.problem(name, name.quoted() + " " + notEncryptable.get());
                } else if (names.add(name.text())) {
                    fields.add(new EncryptedField(
                            stream.get(), name.text(), choice.get().mode()));
                } else {
                    yaml.problem(name, name.quoted() + " is listed twice");
                }
            }
        }
        return fields;
    }

    /** A field name as read, kept with its location so a duplicate can be reported where it is. */
    private record FieldChoice(Scalar name, EncryptionMode mode) {}

    /** A bare name means randomized encryption; {@code {field: x, mode: deterministic}} picks the mode. */
    private Optional<FieldChoice> encryptedField(Node node, String path) {
        if (!(node instanceof MappingNode)) {
            return yaml.requiredScalar(node, path)
                    .filter(v -> yaml.matches(v, FIELD_NAME))
                    .map(v -> new FieldChoice(v, EncryptionMode.RANDOMIZED));
        }
        Optional<YamlSection> section = yaml.section(node, path, YamlReader.lineOf(node), FIELD_KEYS);
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Optional<Scalar> name = section.get().requiredMatching("field", FIELD_NAME);
        String mode = section.get().oneOf("mode", ENCRYPTION_MODES, "randomized");
        return name.map(v -> new FieldChoice(v, EncryptionMode.valueOf(mode.toUpperCase(Locale.ROOT))));
    }

    /**
     * A database account name, the writer's or a reader's: a plain MySQL user name, no
     * administrative account, and claimed, so no two accounts of any tenants in the file share it.
     */
    private Optional<Scalar> accountName(YamlSection section, String key, String whose, String tenantId) {
        Optional<Scalar> name = section.requiredMatching(key, DATABASE_USER)
                .filter(v -> yaml.check(
                        v,
                        !RESERVED_USERS.contains(v.text()),
                        "is an administrative account; give the " + whose + " its own user"));
        name.ifPresent(v -> claim("database user", v, v.text(), tenantId));
        return name;
    }

    /** Reports a name another tenant already uses: shared names would let one tenant reach another's data. */
    private void claim(String what, Scalar value, String name, String tenantId) {
        String first = claimed.computeIfAbsent(what, k -> new HashMap<>()).putIfAbsent(name, tenantId);
        if (first != null) {
            yaml.problem(value, what + " " + value.quoted() + " is already used by tenant " + first);
        }
    }
}
