package io.enclave.cli.provision;

import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaCredentials;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import io.enclave.jobs.TenantKafkaSource;
import io.enclave.jobs.audit.AuditTopic;
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
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.JaasContext;

/**
 * Reconciles each tenant's Kafka resources with its config through the Admin API: its
 * topics, the SCRAM users of its job and its publishers, the ACLs that let each do exactly its
 * part on the tenant's exact topic and group names and its transactional-id prefix, and the
 * client quotas of both principals. It reads the whole live state first, so a dry run and a
 * real run list the same findings. What is the tenant's is decided by exact names only, never
 * by the {@code tenant_<id>_} prefix, which may begin another tenant's names.
 */
public final class KafkaProvisioner {
    static final String LAYER = "kafka";
    /** Kafka's minimum; SCRAM makes each login cost this many HMACs, so more only slows reconnects. */
    private static final int SCRAM_ITERATIONS = 8192;
    /** Room for the record batch header and headers on top of the tenant's largest payload. */
    static final int BATCH_OVERHEAD_BYTES = 64 * 1024;

    private static final long TIMEOUT_SECONDS = 30;
    private static final List<String> QUOTA_KEYS =
            List.of("producer_byte_rate", "consumer_byte_rate", "request_percentage");

    private final Admin admin;
    private final Map<String, Object> adminProperties;
    private final GlobalSettings global;
    private List<AclBinding> liveAcls;
    private Map<String, UserScramCredentialsDescription> liveUsers;
    /**
     * The broker's {@code super.users} as the operator gave them. Brokers do not tell: the
     * setting belongs to the authorizer, which Kafka's DescribeConfigs reports, if at all,
     * without its value, so provisioning cannot read it from the broker.
     */
    private final Set<String> superUsers;
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
        this(admin, adminProperties, global, Set.of());
    }

    /**
     * @param superUsers the principals ({@code User:name}) of the brokers' {@code super.users},
     *        refused as tenant principals besides the admin's own login
     */
    public KafkaProvisioner(
            Admin admin, Map<String, Object> adminProperties, GlobalSettings global, Set<String> superUsers) {
        this.superUsers = Set.copyOf(superUsers);
        this.admin = admin;
        this.adminProperties = Map.copyOf(adminProperties);
        this.global = global;
    }

    /** Every finding for one tenant, in a stable order: topics, users, ACLs, quotas. */
    public List<Finding> plan(TenantConfig tenant) throws Exception {
        List<Finding> findings = new ArrayList<>();
        findings.addAll(topics(tenant));
        if (!global.kafkaUsesSasl()) {
            findings.add(Finding.unexpected(
                    tenant.id(),
                    LAYER,
                    "principals",
                    "security_protocol " + global.kafkaSecurityProtocol()
                            + " has no authentication, so no ACL can tell tenants apart; use SASL_SSL"));
            return findings;
        }
        Set<String> refused = new java.util.HashSet<>();
        findings.addAll(refusals(tenant, refused));
        findings.addAll(users(tenant, refused));
        findings.addAll(acls(tenant, refused));
        for (KafkaCredentials principal : principals(tenant)) {
            if (!refused.contains("User:" + principal.username())) {
                findings.add(quota(tenant, principal.username()));
            }
        }
        return findings;
    }

    // ---- the auditor ----

    /** Whose findings the auditor principal's are, in the report's tenant column. */
    static final String AUDITOR = "(auditor)";

    /**
     * The consumer groups the auditor's own SIEM tools may use: {@code enclave_audit.<user>.*}. A
     * prefix ACL covers every longer name, so it starts with what no tenant's name can
     * ({@code tenant_...}) and ends with the username and a dot, which no other principal's prefix
     * can begin; {@code audit verify --siem} itself reads without a group.
     */
    public static String auditorGroupPrefix(String username) {
        return "enclave_audit." + username + ".";
    }

    /**
     * The auditor's ACLs: READ and DESCRIBE on the SIEM topic (literal), READ on its own group
     * prefix. No WRITE anywhere, nothing on a tenant's topics, groups or transactional ids.
     */
    public static List<AclBinding> auditorAcls(String username, String siemTopic) {
        String principal = "User:" + username;
        ResourcePattern siem = new ResourcePattern(ResourceType.TOPIC, siemTopic, PatternType.LITERAL);
        return List.of(
                allow(siem, principal, AclOperation.READ),
                allow(siem, principal, AclOperation.DESCRIBE),
                allow(
                        new ResourcePattern(ResourceType.GROUP, auditorGroupPrefix(username), PatternType.PREFIXED),
                        principal,
                        AclOperation.READ));
    }

    /**
     * The auditor principal ({@code global.audit.auditor}), which {@code audit verify --siem}
     * reads the SIEM topic with: its SCRAM login and {@link #auditorAcls}. Refused, and left as it
     * is, when it is the admin's login or a super user, or already holds any other ACL: then it is
     * someone else's principal (another file's tenant job user, say), not an auditor to narrow.
     */
    public List<Finding> planAuditor(KafkaCredentials auditor) throws Exception {
        String principal = "User:" + auditor.username();
        if (!global.kafkaUsesSasl()) {
            return List.of(
                    Finding.unexpected(
                            AUDITOR,
                            LAYER,
                            "principal " + principal,
                            "security_protocol " + global.kafkaSecurityProtocol()
                                    + " has no authentication, so no ACL can keep the auditor to the SIEM topic; use SASL_SSL"));
        }
        Optional<String> administrative = administrativeReason(auditor.username());
        if (administrative.isPresent()) {
            return List.of(Finding.unexpected(
                    AUDITOR,
                    LAYER,
                    "principal " + principal,
                    "refused: " + principal + " " + administrative.get() + "; an auditor given its SCRAM password"
                            + " would bypass every ACL, so its password and ACLs are left unchanged"));
        }
        List<AclBinding> desired = auditorAcls(auditor.username(), global.siemTopic());
        // Any other ACL (even a DENY) marks a principal that is not only the auditor's, e.g. another
        // file's tenant job user; resetting its password and removing its ALLOWs would take it over.
        List<String> foreign = liveAcls().stream()
                .filter(acl -> acl.entry().principal().equals(principal))
                .filter(acl -> !desired.contains(acl))
                .map(KafkaProvisioner::describe)
                .sorted()
                .toList();
        if (!foreign.isEmpty()) {
            return List.of(Finding.unexpected(
                    AUDITOR,
                    LAYER,
                    "principal " + principal,
                    "refused: " + principal + " already holds " + heldSummary(foreign)
                            + ", which is not the auditor's; it may be a tenant's principal, so its password and"
                            + " ACLs are left unchanged"));
        }
        List<Finding> findings = new ArrayList<>();
        Optional<ScramMechanism> mechanism = scramMechanism();
        if (mechanism.isPresent()) {
            findings.add(scramUser(AUDITOR, auditor, mechanism.get()));
        } else {
            findings.add(Finding.unexpected(
                    AUDITOR,
                    LAYER,
                    "scram-user " + auditor.username(),
                    "sasl_mechanism " + global.kafkaSaslMechanism()
                            + ": users live in the brokers' JAAS config, not managed here; the auditor's password"
                            + " is not set"));
        }
        for (AclBinding acl : desired) {
            findings.add(
                    liveAcls().contains(acl)
                            ? Finding.inSync(AUDITOR, LAYER, describe(acl), "")
                            : new Finding(
                                    AUDITOR,
                                    LAYER,
                                    describe(acl),
                                    Drift.MISSING,
                                    "",
                                    () -> admin.createAcls(List.of(acl)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
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
        return new Finding(
                tenant.id(),
                LAYER,
                "topic " + topic,
                Drift.MISSING,
                "shared SIEM topic",
                () -> admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                        .all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    /** The topic by which commands and the ingest job submit audit records to the tenant's chain. */
    private List<Finding> auditTopic(TenantConfig tenant) throws Exception {
        NewTopic wanted = AuditTopic.definition(tenant, Optional.empty());
        String topic = wanted.name();
        String desired = "1 partition, retention.ms " + wanted.configs().get(TopicConfig.RETENTION_MS_CONFIG) + ", "
                + describe(TenantKafkaSource.BROKER_TIME);
        Optional<TopicDescription> live = describeTopic(topic);
        if (live.isEmpty()) {
            return List.of(new Finding(
                    tenant.id(),
                    LAYER,
                    "topic " + topic,
                    Drift.MISSING,
                    desired,
                    () -> admin.createTopics(List.of(wanted)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
        }
        List<Finding> findings = new ArrayList<>();
        if (live.get().partitions().size() != 1) {
            findings.add(Finding.unexpected(
                    tenant.id(),
                    LAYER,
                    "topic " + topic,
                    live.get().partitions().size()
                            + " partitions: submissions on different partitions may be chained out of order"));
        } else {
            findings.add(Finding.inSync(tenant.id(), LAYER, "topic " + topic, desired));
        }
        topicConfig(tenant, topic, TenantKafkaSource.BROKER_TIME).ifPresent(findings::add);
        return findings;
    }

    private List<Finding> topics(TenantConfig tenant) throws Exception {
        TenantNames names = tenant.names();
        int partitions = tenant.processing().topicPartitions();
        String maxMessageBytes = Integer.toString(tenant.processing().maxMessageBytes() + BATCH_OVERHEAD_BYTES);
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes);
        configs.putAll(TenantKafkaSource.BROKER_TIME);
        List<Finding> findings = new ArrayList<>();
        if (tenant.auditRequirements().siemIntegration() && siemTopicPlanned.add(global.siemTopic())) {
            findings.add(siemTopic(tenant));
        }
        findings.addAll(auditTopic(tenant));
        for (String topic : names.topics()) {
            Optional<TopicDescription> live = describeTopic(topic);
            if (live.isEmpty()) {
                findings.add(new Finding(
                        tenant.id(),
                        LAYER,
                        "topic " + topic,
                        Drift.MISSING,
                        partitions + " partitions, " + describe(configs),
                        () -> admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())
                                        .configs(configs)))
                                .all()
                                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
                continue;
            }
            int livePartitions = live.get().partitions().size();
            if (livePartitions < partitions) {
                findings.add(new Finding(
                        tenant.id(),
                        LAYER,
                        "topic " + topic,
                        Drift.DIFFERS,
                        livePartitions + " -> " + partitions + " partitions",
                        () -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                                .all()
                                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            } else if (livePartitions > partitions) {
                findings.add(Finding.unexpected(
                        tenant.id(),
                        LAYER,
                        "topic " + topic,
                        livePartitions + " partitions, config says " + partitions
                                + ": Kafka cannot remove partitions"));
            } else {
                findings.add(Finding.inSync(tenant.id(), LAYER, "topic " + topic, partitions + " partitions"));
            }
            topicConfig(tenant, topic, configs).ifPresent(findings::add);
        }
        return findings;
    }

    /**
     * The drift of a topic's {@code desired} configs, each set (incrementalAlterConfigs) if it
     * differs: a topic made before provisioning, or by hand, keeps CreateTime otherwise.
     */
    private Optional<Finding> topicConfig(TenantConfig tenant, String topic, Map<String, String> desired)
            throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource))
                .all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(resource);
        List<String> changes = new ArrayList<>();
        List<AlterConfigOp> ops = new ArrayList<>();
        desired.forEach((key, value) -> {
            ConfigEntry entry = config.get(key);
            String live = entry == null ? "" : entry.value();
            if (!value.equals(live)) {
                changes.add(key + " " + live + " -> " + value);
                ops.add(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
            }
        });
        if (ops.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Finding(
                tenant.id(),
                LAYER,
                "topic-config " + topic,
                Drift.DIFFERS,
                String.join(", ", changes),
                () -> admin.incrementalAlterConfigs(Map.of(resource, ops))
                        .all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
    }

    private static String describe(Map<String, String> configs) {
        List<String> parts = new ArrayList<>();
        configs.forEach((key, value) -> parts.add(key + " " + value));
        return String.join(", ", parts);
    }

    private Optional<TopicDescription> describeTopic(String topic) throws Exception {
        try {
            return Optional.of(admin.describeTopics(List.of(topic))
                    .topicNameValues()
                    .get(topic)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    // ---- SCRAM users ----

    private List<Finding> users(TenantConfig tenant, Set<String> refused) throws Exception {
        List<Finding> findings = new ArrayList<>();
        Optional<ScramMechanism> mechanism = scramMechanism();
        if (mechanism.isEmpty()) {
            findings.add(Finding.unexpected(
                    tenant.id(),
                    LAYER,
                    "users",
                    "sasl_mechanism " + global.kafkaSaslMechanism()
                            + ": users live in the brokers' JAAS config, not managed here"));
            return findings;
        }
        for (KafkaCredentials principal : principals(tenant)) {
            if (!refused.contains("User:" + principal.username())) {
                findings.add(scramUser(tenant.id(), principal, mechanism.get()));
            }
        }
        return findings;
    }

    /** One principal's SCRAM login, created or reset to the configured password; {@code owner} heads the finding. */
    private Finding scramUser(String owner, KafkaCredentials principal, ScramMechanism mechanism) throws Exception {
        String user = principal.username();
        String resource = "scram-user " + user;
        UserScramCredentialsDescription description = liveUsers().get(user);
        boolean hasMechanism = description != null
                && description.credentialInfos().stream().anyMatch(info -> info.mechanism() == mechanism);
        if (!hasMechanism) {
            return new Finding(
                    owner,
                    LAYER,
                    resource,
                    Drift.MISSING,
                    mechanism.mechanismName(),
                    () -> upsertScram(user, mechanism, principal));
        }
        if (!logsIn(principal)) {
            return new Finding(
                    owner,
                    LAYER,
                    resource,
                    Drift.DIFFERS,
                    "the configured password does not log in; setting it",
                    () -> upsertScram(user, mechanism, principal));
        }
        return Finding.inSync(owner, LAYER, resource, mechanism.mechanismName());
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
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                        user,
                        new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS),
                        principal.password().reveal())))
                .all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
        props.put(
                SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
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

    /**
     * The ACLs the config asks for, each on one exact name: the job reads its topics and its two
     * groups, the publisher writes its topics and runs transactions under the tenant's
     * transactional-id prefix. Tenant ids may contain {@code _}, so a prefix {@code tenant_<id>_}
     * would also cover {@code tenant_<id>_region_4_*}; literal names cover nothing else.
     */
    public static List<AclBinding> desiredAcls(TenantConfig tenant, String siemTopic) {
        TenantNames names = tenant.names();
        String job = "User:" + tenant.kafka().username();
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : topicNames(names)) {
            ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
            acls.add(allow(pattern, job, AclOperation.READ));
            acls.add(allow(pattern, job, AclOperation.DESCRIBE));
        }
        for (String group : groupNames(names)) {
            acls.add(
                    allow(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL), job, AclOperation.READ));
        }
        acls.addAll(publisherAcls(tenant));
        if (tenant.auditRequirements().siemIntegration()) {
            // The shared SIEM topic: the job may append its tenant's audit records, never read anyone's.
            ResourcePattern siem = new ResourcePattern(ResourceType.TOPIC, siemTopic, PatternType.LITERAL);
            acls.add(allow(siem, job, AclOperation.WRITE));
            acls.add(allow(siem, job, AclOperation.DESCRIBE));
        }
        return acls;
    }

    /**
     * The publisher's ALLOWs among {@link #desiredAcls}: WRITE and DESCRIBE on each of the tenant's topics and on its
     * transactional-id prefix; none without a publisher principal. A quarantine denies every pattern named here.
     */
    public static List<AclBinding> publisherAcls(TenantConfig tenant) {
        List<AclBinding> acls = new ArrayList<>();
        if (!tenant.kafkaPublisher().isPresent()) {
            return acls;
        }
        TenantNames names = tenant.names();
        String publisher = "User:" + tenant.kafkaPublisher().username();
        for (String topic : topicNames(names)) {
            ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
            // Producers fetch topic metadata, which WRITE alone implies, but DESCRIBE is explicit for review.
            acls.add(allow(pattern, publisher, AclOperation.WRITE));
            acls.add(allow(pattern, publisher, AclOperation.DESCRIBE));
        }
        // The ingest job's exactly-once sinks (records and audit submissions) log in as the publisher.
        // Since Kafka 2.8 a transactional producer needs WRITE and DESCRIBE on its id and WRITE on the
        // topics, and no cluster-wide IDEMPOTENT_WRITE. The job and the CLI's submitter use no transactions.
        ResourcePattern transactions = transactionalIds(names);
        acls.add(allow(transactions, publisher, AclOperation.WRITE));
        acls.add(allow(transactions, publisher, AclOperation.DESCRIBE));
        return acls;
    }

    /** Every topic of the tenant: its data topics and its audit topic. */
    private static List<String> topicNames(TenantNames names) {
        List<String> topics = new ArrayList<>(names.topics());
        topics.add(names.auditTopic());
        return topics;
    }

    private static List<String> groupNames(TenantNames names) {
        return List.of(names.consumerGroup(), names.auditConsumerGroup());
    }

    private static ResourcePattern transactionalIds(TenantNames names) {
        return new ResourcePattern(ResourceType.TRANSACTIONAL_ID, names.transactionalIdPrefix(), PatternType.PREFIXED);
    }

    private static AclBinding allow(ResourcePattern pattern, String principal, AclOperation operation) {
        return new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private List<Finding> acls(TenantConfig tenant, Set<String> refused) throws Exception {
        List<AclBinding> desired = desiredAcls(tenant, global.siemTopic());
        List<AclBinding> live = liveAcls();
        List<Finding> findings = new ArrayList<>();
        for (AclBinding acl : desired) {
            if (refused.contains(acl.entry().principal())) {
                continue;
            }
            if (live.contains(acl)) {
                findings.add(Finding.inSync(tenant.id(), LAYER, describe(acl), ""));
            } else {
                findings.add(new Finding(
                        tenant.id(),
                        LAYER,
                        describe(acl),
                        Drift.MISSING,
                        "",
                        () -> admin.createAcls(List.of(acl)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
            }
        }
        for (AclBinding acl : live) {
            if (desired.contains(acl) || refused.contains(acl.entry().principal())) {
                continue;
            }
            if (acl.entry().permissionType() == AclPermissionType.DENY) {
                // A DENY only narrows access, and is a quarantine's until `enclave release` removes it.
                continue;
            }
            if (ownedByTenant(tenant, acl)) {
                if (reportedExtras.add(acl)) {
                    findings.add(new Finding(
                            tenant.id(),
                            LAYER,
                            describe(acl),
                            Drift.EXTRA,
                            "not in the config: would widen or cross the tenant's access",
                            () -> admin.deleteAcls(List.of(acl.toFilter()))
                                    .all()
                                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)));
                }
            } else if (reaches(tenant, acl.pattern())) {
                findings.add(Finding.unexpected(
                        tenant.id(),
                        LAYER,
                        describe(acl),
                        "another principal's pattern reaches the tenant's names; review by hand"));
            }
        }
        return findings;
    }

    private List<AclBinding> liveAcls() throws Exception {
        if (liveAcls == null) {
            Collection<AclBinding> all =
                    admin.describeAcls(AclBindingFilter.ANY).values().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            liveAcls = List.copyOf(all);
        }
        return liveAcls;
    }

    /**
     * The tenant's principals that provisioning must not touch: each already holds an ALLOW ACL
     * on something that is not the tenant's, so it may be another tenant's principal named in
     * this file (from another config file, {@code fema} could name {@code fema_region_4}'s job
     * user, and resetting its password would hand over that tenant's data). One finding per
     * principal names it and the foreign resource; its password, ACLs and quota stay as they are.
     */
    private List<Finding> refusals(TenantConfig tenant, Set<String> refused) throws Exception {
        List<Finding> findings = new ArrayList<>();
        for (String user : usernames(tenant)) {
            String principal = "User:" + user;
            Optional<String> administrative = administrativeReason(user);
            if (administrative.isPresent()) {
                refused.add(principal);
                findings.add(Finding.unexpected(
                        tenant.id(),
                        LAYER,
                        "principal " + principal,
                        "refused: "
                                + principal + " " + administrative.get() + "; a tenant given its SCRAM password would"
                                + " bypass every ACL, so its password, ACLs and quota are left unchanged"));
                continue;
            }
            List<String> foreign = liveAcls().stream()
                    .filter(acl -> acl.entry().principal().equals(principal))
                    .filter(acl -> acl.entry().permissionType() == AclPermissionType.ALLOW)
                    .filter(acl -> !mayHold(tenant, acl.pattern()))
                    .map(KafkaProvisioner::describe)
                    .sorted()
                    .toList();
            if (!foreign.isEmpty()) {
                refused.add(principal);
                String held = heldSummary(foreign);
                findings.add(Finding.unexpected(
                        tenant.id(),
                        LAYER,
                        "principal " + principal,
                        "refused: "
                                + principal + " already holds " + held + ", which is not tenant "
                                + tenant.id() + "'s; it may be another tenant's principal, so its password, ACLs and"
                                + " quota are left unchanged"));
            }
        }
        return findings;
    }

    /** The first three ACLs a refused principal holds, and how many more. */
    private static String heldSummary(List<String> acls) {
        return String.join(", ", acls.subList(0, Math.min(3, acls.size())))
                + (acls.size() > 3 ? " and " + (acls.size() - 3) + " more" : "");
    }

    /**
     * Why a user is the broker's and never a tenant's, if it is: the name the admin client
     * logs in with, or a principal the operator listed from the broker's {@code super.users}. A super user holds no
     * ACLs, so the foreign-ACL refusal cannot see it, and the broker matches super.users by
     * principal name whatever the SASL mechanism, so a SCRAM password set for it is a super
     * user's login.
     */
    private Optional<String> administrativeReason(String user) {
        if (adminUsername().filter(user::equals).isPresent()) {
            return Optional.of(
                    "is the user this provisioning run logs in as (sasl.jaas.config of the Kafka admin" + " config)");
        }
        if (superUsers.contains("User:" + user)) {
            return Optional.of("is one of the broker's super.users (--kafka-super-users)");
        }
        return Optional.empty();
    }

    /** The username in the admin client's JAAS login, read by Kafka's own JAAS parser. */
    private Optional<String> adminUsername() {
        if (!adminProperties.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
            return Optional.empty();
        }
        // The parser takes the setting in the typed form of a parsed client config, not the file's text.
        Object jaas = adminProperties.get(SaslConfigs.SASL_JAAS_CONFIG);
        Map<String, Object> typed = Map.of(
                SaslConfigs.SASL_JAAS_CONFIG,
                jaas instanceof Password password ? password : new Password(jaas.toString()));
        return JaasContext.loadClientContext(typed).configurationEntries().stream()
                .map(entry -> entry.getOptions().get("username"))
                .filter(String.class::isInstance)
                .map(String.class::cast)
                .findFirst();
    }

    /**
     * Patterns a principal of this tenant may hold: the tenant's exact names, its transactional
     * ids, the shared SIEM topic, and the tenant's own {@code tenant_<id>_} prefix of releases
     * before literal ACLs, which provisioning then removes as EXTRA (the migration).
     */
    private boolean mayHold(TenantConfig tenant, ResourcePattern pattern) {
        if (isTenants(tenant, pattern)) {
            return true;
        }
        if (pattern.resourceType() == ResourceType.TOPIC
                && pattern.patternType() == PatternType.LITERAL
                && pattern.name().equals(global.siemTopic())) {
            return true;
        }
        return pattern.patternType() == PatternType.PREFIXED
                && pattern.name().equals(tenant.names().resourcePrefix())
                && (pattern.resourceType() == ResourceType.TOPIC
                        || pattern.resourceType() == ResourceType.GROUP
                        || pattern.resourceType() == ResourceType.TRANSACTIONAL_ID);
    }

    /**
     * An ACL belongs to the tenant when its principal is exactly one of the tenant's configured
     * users, or its pattern is exactly one of the tenant's names. Never by a name's prefix:
     * {@code tenant_fema_region_4}'s ACLs start with {@code tenant_fema_} and are not fema's.
     */
    private static boolean ownedByTenant(TenantConfig tenant, AclBinding acl) {
        String principal = acl.entry().principal();
        if (principal.startsWith("User:") && usernames(tenant).contains(principal.substring("User:".length()))) {
            return true;
        }
        return isTenants(tenant, acl.pattern());
    }

    /** Whether the pattern is exactly one of the tenant's topics, groups, or its transactional-id prefix. */
    private static boolean isTenants(TenantConfig tenant, ResourcePattern pattern) {
        TenantNames names = tenant.names();
        if (pattern.patternType() == PatternType.LITERAL) {
            return (pattern.resourceType() == ResourceType.TOPIC
                            && topicNames(names).contains(pattern.name()))
                    || (pattern.resourceType() == ResourceType.GROUP
                            && groupNames(names).contains(pattern.name()));
        }
        return pattern.equals(transactionalIds(names));
    }

    /**
     * Whether an ACL on this pattern grants something on the tenant's names: a wildcard, a
     * prefix that begins one of them (an old {@code tenant_fema_} seen from fema_region_4), or a
     * name or prefix inside the tenant's transactional ids.
     */
    private static boolean reaches(TenantConfig tenant, ResourcePattern pattern) {
        TenantNames names = tenant.names();
        List<String> reached;
        if (pattern.resourceType() == ResourceType.TOPIC) {
            reached = topicNames(names);
        } else if (pattern.resourceType() == ResourceType.GROUP) {
            reached = groupNames(names);
        } else if (pattern.resourceType() == ResourceType.TRANSACTIONAL_ID) {
            String prefix = names.transactionalIdPrefix();
            return pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE)
                    || pattern.name().startsWith(prefix)
                    || (pattern.patternType() == PatternType.PREFIXED && prefix.startsWith(pattern.name()));
        } else {
            return false;
        }
        return pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE)
                || (pattern.patternType() == PatternType.LITERAL && reached.contains(pattern.name()))
                || (pattern.patternType() == PatternType.PREFIXED
                        && reached.stream().anyMatch(name -> name.startsWith(pattern.name())));
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
                .entities()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .getOrDefault(entity, Map.of());
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
        return new Finding(
                tenant.id(),
                LAYER,
                resource,
                live.isEmpty() ? Drift.MISSING : Drift.DIFFERS,
                live.isEmpty() ? format(desired) : format(live) + " -> " + format(desired),
                () -> admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops)))
                        .all()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
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
