package io.enclave.jobs.provision;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaCredentials;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import io.enclave.jobs.audit.AuditTopic;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Reconciles each tenant's Kafka resources with its config through the Admin API: its two
 * topics, the SCRAM users of its job and its publishers, the prefixed ACLs that let each do
 * exactly its part on {@code tenant_<id>_*}, and the client quotas of both principals. It
 * reads the whole live state first, so a dry run and a real run list the same findings.
 */
public final class KafkaProvisioner {
    static final String LAYER = "kafka";
    /** Kafka's minimum; SCRAM makes each login cost this many HMACs, so more only slows reconnects. */
    private static final int SCRAM_ITERATIONS = 8192;
    /** Room for the record batch header and headers on top of the tenant's largest payload. */
    static final int BATCH_OVERHEAD_BYTES = 64 * 1024;
    private static final long TIMEOUT_SECONDS = 30;
    private static final List<String> QUOTA_KEYS = List.of("producer_byte_rate", "consumer_byte_rate",
            "request_percentage");

    private final Admin admin;
    private final Map<String, Object> adminProperties;
    private final GlobalSettings global;
    private List<AclBinding> liveAcls;
    private Map<String, UserScramCredentialsDescription> liveUsers;
    /** An ACL of B's principal on A's topics belongs to both tenants; it is listed and removed once. */
    private final Set<AclBinding> reportedExtras = new java.util.HashSet<>();

    /**
     * @param admin an Admin client logged in as a principal allowed to manage topics, ACLs,
     *        SCRAM credentials and quotas
     * @param adminProperties the properties {@code admin} was made from; their TLS settings are
     *        reused to check that each tenant's password still logs in
     */
    private final java.util.Set<String> siemTopicPlanned = new java.util.HashSet<>();

    public KafkaProvisioner(Admin admin, Map<String, Object> adminProperties, GlobalSettings global) {
        this.admin = admin;
        this.adminProperties = Map.copyOf(adminProperties);
        this.global = global;
    }

    /** Every finding for one tenant, in a stable order: topics, users, ACLs, quotas. */
    public List<Finding> plan(TenantConfig tenant) throws Exception {
        List<Finding> findings = new ArrayList<>();
        findings.addAll(topics(tenant));
        if (!global.kafkaUsesSasl()) {
            findings.add(Finding.unexpected(tenant.id(), LAYER, "principals",
                    "security_protocol " + global.kafkaSecurityProtocol()
                            + " has no authentication, so no ACL can tell tenants apart; use SASL_SSL"));
            return findings;
        }
        findings.addAll(users(tenant));
        findings.addAll(acls(tenant));
        for (KafkaCredentials principal : principals(tenant)) {
            findings.add(quota(tenant, principal.username()));
        }
        return findings;
    }

    // ---- topics ----

    /** The shared SIEM topic, planned once per run by the first tenant that streams to it. */
    private Finding siemTopic(TenantConfig tenant) throws Exception {
        String topic = global.siemTopic();
        if (describeTopic(topic).isPresent()) {
            return Finding.inSync(tenant.id(), LAYER, "topic " + topic, "shared SIEM topic");
        }
        return new Finding(tenant.id(), LAYER, "topic " + topic, Drift.MISSING, "shared SIEM topic",
                () -> admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                        .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** The topic by which commands and the ingest job submit audit records to the tenant's chain. */
    private Finding auditTopic(TenantConfig tenant) throws Exception {
        NewTopic wanted = AuditTopic.definition(tenant, Optional.empty());
        String topic = wanted.name();
        String desired = "1 partition, retention.ms " + wanted.configs().get(TopicConfig.RETENTION_MS_CONFIG);
        Optional<TopicDescription> live = describeTopic(topic);
        if (live.isEmpty()) {
            return new Finding(tenant.id(), LAYER, "topic " + topic, Drift.MISSING, desired,
                    () -> admin.createTopics(List.of(wanted)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
        if (live.get().partitions().size() != 1) {
            return Finding.unexpected(tenant.id(), LAYER, "topic " + topic, live.get().partitions().size()
                    + " partitions: submissions on different partitions may be chained out of order");
        }
        return Finding.inSync(tenant.id(), LAYER, "topic " + topic, desired);
    }

    private List<Finding> topics(TenantConfig tenant) throws Exception {
        TenantNames names = tenant.names();
        int partitions = tenant.processing().topicPartitions();
        String maxMessageBytes = Integer.toString(tenant.processing().maxMessageBytes() + BATCH_OVERHEAD_BYTES);
        List<Finding> findings = new ArrayList<>();
        if (tenant.auditRequirements().siemIntegration() && siemTopicPlanned.add(global.siemTopic())) {
            findings.add(siemTopic(tenant));
        }
        findings.add(auditTopic(tenant));
        for (String topic : names.topics()) {
            Optional<TopicDescription> live = describeTopic(topic);
            if (live.isEmpty()) {
                findings.add(new Finding(tenant.id(), LAYER, "topic " + topic, Drift.MISSING,
                        partitions + " partitions, max.message.bytes " + maxMessageBytes,
                        () -> admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())
                                .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes))))
                                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
                continue;
            }
            int livePartitions = live.get().partitions().size();
            if (livePartitions < partitions) {
                findings.add(new Finding(tenant.id(), LAYER, "topic " + topic, Drift.DIFFERS,
                        livePartitions + " -> " + partitions + " partitions",
                        () -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            } else if (livePartitions > partitions) {
                findings.add(Finding.unexpected(tenant.id(), LAYER, "topic " + topic, livePartitions
                        + " partitions, config says " + partitions + ": Kafka cannot remove partitions"));
            } else {
                findings.add(Finding.inSync(tenant.id(), LAYER, "topic " + topic, partitions + " partitions"));
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource);
            ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            String liveMax = entry == null ? "" : entry.value();
            if (!maxMessageBytes.equals(liveMax)) {
                findings.add(new Finding(tenant.id(), LAYER, "topic-config " + topic, Drift.DIFFERS,
                        "max.message.bytes " + liveMax + " -> " + maxMessageBytes,
                        () -> admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes),
                                AlterConfigOp.OpType.SET)))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            }
        }
        // The prefixed ACLs cover every topic with the tenant's prefix, so one nobody configured is worth a look.
        for (String topic : admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            if (topic.startsWith(names.resourcePrefix()) && !names.topics().contains(topic)
                    && !topic.equals(names.auditTopic())) {
                findings.add(Finding.unexpected(tenant.id(), LAYER, "topic " + topic,
                        "not in the config, yet covered by the tenant's prefixed ACLs"));
            }
        }
        return findings;
    }

    private Optional<TopicDescription> describeTopic(String topic) throws Exception {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).topicNameValues().get(topic)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ---- SCRAM users ----

    private List<Finding> users(TenantConfig tenant) throws Exception {
        List<Finding> findings = new ArrayList<>();
        Optional<ScramMechanism> mechanism = scramMechanism();
        if (mechanism.isEmpty()) {
            findings.add(Finding.unexpected(tenant.id(), LAYER, "users", "sasl_mechanism "
                    + global.kafkaSaslMechanism() + ": users live in the brokers' JAAS config, not managed here"));
            return findings;
        }
        Map<String, UserScramCredentialsDescription> live = liveUsers();
        for (KafkaCredentials principal : principals(tenant)) {
            String user = principal.username();
            String resource = "scram-user " + user;
            UserScramCredentialsDescription description = live.get(user);
            boolean hasMechanism = description != null && description.credentialInfos().stream()
                    .anyMatch(info -> info.mechanism() == mechanism.get());
            if (!hasMechanism) {
                findings.add(new Finding(tenant.id(), LAYER, resource, Drift.MISSING, mechanism.get().mechanismName(),
                        () -> upsertScram(user, mechanism.get(), principal)));
            } else if (!logsIn(principal)) {
                findings.add(new Finding(tenant.id(), LAYER, resource, Drift.DIFFERS,
                        "the configured password does not log in; setting it",
                        () -> upsertScram(user, mechanism.get(), principal)));
            } else {
                findings.add(Finding.inSync(tenant.id(), LAYER, resource, mechanism.get().mechanismName()));
            }
        }
        Set<String> configured = usernames(tenant);
        for (String user : live.keySet()) {
            if (ownedByTenant(tenant, user) && !configured.contains(user)) {
                findings.add(Finding.unexpected(tenant.id(), LAYER, "scram-user " + user,
                        "has the tenant's prefix but is not in the config"));
            }
        }
        return findings;
    }

    private Optional<ScramMechanism> scramMechanism() {
        ScramMechanism mechanism = ScramMechanism.fromMechanismName(global.kafkaSaslMechanism());
        return mechanism == ScramMechanism.UNKNOWN ? Optional.empty() : Optional.of(mechanism);
    }

    private Map<String, UserScramCredentialsDescription> liveUsers() throws Exception {
        if (liveUsers == null) {
            liveUsers = admin.describeUserScramCredentials().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        return liveUsers;
    }

    private void upsertScram(String user, ScramMechanism mechanism, KafkaCredentials principal) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), principal.password().reveal())))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * SCRAM keeps only salted hashes, so the one way to know the broker holds the configured
     * password is to log in with it. describeCluster needs no ACL.
     */
    private boolean logsIn(KafkaCredentials principal) throws Exception {
        Map<String, Object> props = new HashMap<>();
        adminProperties.forEach((key, value) -> {
            if (!key.startsWith("sasl.")) {
                props.put(key, value);
            }
        });
        props.put(SaslConfigs.SASL_MECHANISM, global.kafkaSaslMechanism());
        props.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + jaasEscape(principal.username()) + "\" password=\""
                + jaasEscape(principal.password().reveal()) + "\";");
        props.put("client.id", "enclave-provision-login-check");
        try (Admin login = Admin.create(props)) {
            login.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                return false;
            }
            throw e;
        }
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    // ---- ACLs ----

    /** The ACLs the config asks for: the job reads its topics and group, the publisher writes its topics. */
    public static List<AclBinding> desiredAcls(TenantConfig tenant, String siemTopic) {
        String prefix = tenant.names().resourcePrefix();
        ResourcePattern topics = new ResourcePattern(ResourceType.TOPIC, prefix, PatternType.PREFIXED);
        ResourcePattern groups = new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED);
        String job = "User:" + tenant.kafka().username();
        List<AclBinding> acls = new ArrayList<>();
        acls.add(allow(topics, job, AclOperation.READ));
        acls.add(allow(topics, job, AclOperation.DESCRIBE));
        acls.add(allow(groups, job, AclOperation.READ));
        if (tenant.kafkaPublisher().isPresent()) {
            String publisher = "User:" + tenant.kafkaPublisher().username();
            // Producers fetch topic metadata, which WRITE alone implies, but DESCRIBE is explicit for review.
            acls.add(allow(topics, publisher, AclOperation.WRITE));
            acls.add(allow(topics, publisher, AclOperation.DESCRIBE));
        }
        if (tenant.auditRequirements().siemIntegration()) {
            // The shared SIEM topic: the job may append its tenant's audit records, never read anyone's.
            ResourcePattern siem = new ResourcePattern(ResourceType.TOPIC, siemTopic, PatternType.LITERAL);
            acls.add(allow(siem, job, AclOperation.WRITE));
            acls.add(allow(siem, job, AclOperation.DESCRIBE));
        }
        return acls;
    }

    private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation operation) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private List<Finding> acls(TenantConfig tenant) throws Exception {
        List<AclBinding> desired = desiredAcls(tenant, global.siemTopic());
        List<AclBinding> live = liveAcls();
        List<Finding> findings = new ArrayList<>();
        for (AclBinding acl : desired) {
            if (live.contains(acl)) {
                findings.add(Finding.inSync(tenant.id(), LAYER, describe(acl), ""));
            } else {
                findings.add(new Finding(tenant.id(), LAYER, describe(acl), Drift.MISSING, "",
                        () -> admin.createAcls(List.of(acl)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            }
        }
        for (AclBinding acl : live) {
            if (desired.contains(acl)) {
                continue;
            }
            if (ownedByTenant(tenant, acl) && reportedExtras.add(acl)) {
                findings.add(new Finding(tenant.id(), LAYER, describe(acl), Drift.EXTRA,
                        "not in the config: would widen or cross the tenant's access",
                        () -> admin.deleteAcls(List.of(acl.toFilter())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            } else if (!ownedByTenant(tenant, acl) && reaches(tenant, acl.pattern())) {
                findings.add(Finding.unexpected(tenant.id(), LAYER, describe(acl),
                        "reaches the tenant's resources from outside its prefix; review by hand"));
            }
        }
        return findings;
    }

    private List<AclBinding> liveAcls() throws Exception {
        if (liveAcls == null) {
            Collection<AclBinding> all = admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            liveAcls = List.copyOf(all);
        }
        return liveAcls;
    }

    /**
     * An ACL belongs to the tenant when its principal is one of the tenant's (or carries the
     * tenant's prefix), or when it names a topic or group inside the tenant's prefix.
     */
    private static boolean ownedByTenant(TenantConfig tenant, AclBinding acl) {
        String principal = acl.entry().principal();
        if (principal.startsWith("User:") && ownedByTenant(tenant, principal.substring("User:".length()))) {
            return true;
        }
        ResourcePattern pattern = acl.pattern();
        boolean tenantResource = pattern.resourceType() == ResourceType.TOPIC
                || pattern.resourceType() == ResourceType.GROUP;
        return tenantResource && pattern.patternType() != PatternType.MATCH
                && pattern.name().startsWith(tenant.names().resourcePrefix());
    }

    /** A user name that is the tenant's: configured, or named with the tenant's prefix. */
    private static boolean ownedByTenant(TenantConfig tenant, String user) {
        String base = "tenant_" + tenant.id();
        return usernames(tenant).contains(user) || user.equals(base) || user.startsWith(base + "_");
    }

    /** Wildcards and shorter prefixes (e.g. {@code tenant_}) also grant access to this tenant's topics. */
    private static boolean reaches(TenantConfig tenant, ResourcePattern pattern) {
        if (pattern.resourceType() != ResourceType.TOPIC && pattern.resourceType() != ResourceType.GROUP) {
            return false;
        }
        String prefix = tenant.names().resourcePrefix();
        return pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE)
                || (pattern.patternType() == PatternType.PREFIXED && prefix.startsWith(pattern.name()));
    }

    static String describe(AclBinding acl) {
        ResourcePattern p = acl.pattern();
        String name = p.patternType() == PatternType.PREFIXED ? p.name() + "*" : p.name();
        return "acl " + acl.entry().principal() + " " + acl.entry().permissionType() + " "
                + acl.entry().operation() + " " + p.resourceType() + " " + name
                + ("*".equals(acl.entry().host()) ? "" : " from " + acl.entry().host());
    }

    // ---- quotas ----

    private Finding quota(TenantConfig tenant, String user) throws Exception {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user));
        Map<String, Double> desired = new LinkedHashMap<>();
        desired.put("producer_byte_rate", (double) tenant.kafkaQuotas().producerByteRate());
        desired.put("consumer_byte_rate", (double) tenant.kafkaQuotas().consumerByteRate());
        desired.put("request_percentage", (double) tenant.kafkaQuotas().requestPercentage());
        Map<String, Double> live = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(
                        List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user))))
                .entities().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).getOrDefault(entity, Map.of());
        String resource = "quota User:" + user;
        if (live.equals(desired)) {
            return Finding.inSync(tenant.id(), LAYER, resource, format(desired));
        }
        List<ClientQuotaAlteration.Op> ops = new ArrayList<>();
        desired.forEach((key, value) -> ops.add(new ClientQuotaAlteration.Op(key, value)));
        for (String key : live.keySet()) {
            if (!QUOTA_KEYS.contains(key)) {
                ops.add(new ClientQuotaAlteration.Op(key, null));
            }
        }
        return new Finding(tenant.id(), LAYER, resource, live.isEmpty() ? Drift.MISSING : Drift.DIFFERS,
                live.isEmpty() ? format(desired) : format(live) + " -> " + format(desired),
                () -> admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops)))
                        .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    private static String format(Map<String, Double> quotas) {
        StringBuilder sb = new StringBuilder();
        quotas.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            double v = e.getValue();
            sb.append(e.getKey()).append('=').append(v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
        });
        return sb.toString();
    }

    // ---- helpers ----

    private static List<KafkaCredentials> principals(TenantConfig tenant) {
        List<KafkaCredentials> principals = new ArrayList<>();
        if (tenant.kafka().isPresent()) {
            principals.add(tenant.kafka());
        }
        if (tenant.kafkaPublisher().isPresent()) {
            principals.add(tenant.kafkaPublisher());
        }
        return principals;
    }

    private static Set<String> usernames(TenantConfig tenant) {
        Set<String> names = new LinkedHashSet<>();
        principals(tenant).forEach(p -> names.add(p.username()));
        return names;
    }
}
