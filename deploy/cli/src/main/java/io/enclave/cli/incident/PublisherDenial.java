package io.enclave.cli.incident;

import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.config.TenantConfig;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs that shut a tenant's publisher out of everything provisioning allows it: DENY ALL for
 * the publisher principal on every resource pattern its ALLOWs name, read from
 * {@link KafkaProvisioner#publisherAcls}: each topic (data and audit) and the transactional-id
 * prefix, on the same pattern type. Kafka's authorizer evaluates DENY before ALLOW, so no ALLOW
 * provisioning keeps in place lets a record, a transaction or an idempotent producer id through
 * (since Kafka 2.8 an idempotent producer needs WRITE on a topic or a transactional id, all of
 * which are denied), and removing the DENYs restores exactly the access there was. The audit
 * topic is denied too, so {@code quarantine} and {@code release} submit their own audit records
 * as the Kafka admin.
 */
public final class PublisherDenial {
    private PublisherDenial() {}

    public static List<AclBinding> bindings(TenantConfig tenant) {
        return KafkaProvisioner.publisherAcls(tenant).stream()
                .map(allow -> allow.pattern())
                .distinct()
                .map(pattern -> new AclBinding(
                        pattern,
                        new AccessControlEntry(
                                "User:" + tenant.kafkaPublisher().username(),
                                "*",
                                AclOperation.ALL,
                                AclPermissionType.DENY)))
                .toList();
    }

    /** How a binding is named in the quarantine record and the audit trail: {@code User:p DENY ALL TOPIC LITERAL t}. */
    public static String describe(AclBinding binding) {
        return String.join(
                " ",
                binding.entry().principal(),
                binding.entry().permissionType().name(),
                binding.entry().operation().name(),
                binding.pattern().resourceType().name(),
                binding.pattern().patternType().name(),
                binding.pattern().name());
    }

    /** The binding {@link #describe} named, for the release. */
    public static AclBinding parse(String described) {
        String[] parts = described.split(" ", 6);
        return new AclBinding(
                new ResourcePattern(
                        ResourceType.fromString(parts[3].toUpperCase(Locale.ROOT)),
                        parts[5],
                        PatternType.fromString(parts[4])),
                new AccessControlEntry(
                        parts[0], "*", AclOperation.fromString(parts[2]), AclPermissionType.fromString(parts[1])));
    }
}
