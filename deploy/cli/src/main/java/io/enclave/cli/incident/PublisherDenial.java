package io.enclave.cli.incident;

import io.enclave.config.TenantConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs that shut a tenant's publisher out of its data topics: DENY WRITE for the publisher
 * principal on each topic's exact name. Kafka's authorizer evaluates DENY before ALLOW, so the
 * ALLOW that provisioning keeps in place no longer lets a record in, and removing the DENY
 * restores exactly the access there was. The audit topic is left open: the CLI (this command
 * included) submits its audit records there under the publisher principal.
 */
public final class PublisherDenial {
    private PublisherDenial() {}

    public static List<AclBinding> bindings(TenantConfig tenant) {
        String principal = "User:" + tenant.kafkaPublisher().username();
        List<AclBinding> denials = new ArrayList<>();
        for (String topic : tenant.names().topics()) {
            denials.add(new AclBinding(
                    new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                    new AccessControlEntry(principal, "*", AclOperation.WRITE, AclPermissionType.DENY)));
        }
        return denials;
    }

    /** How a binding is named in the quarantine record and the audit trail. */
    public static String describe(AclBinding binding) {
        return binding.entry().principal() + " DENY WRITE TOPIC "
                + binding.pattern().name();
    }

    /** The binding {@link #describe} named, for the release. */
    public static AclBinding parse(String described) {
        String[] parts = described.split(" ");
        return new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, parts[4], PatternType.LITERAL),
                new AccessControlEntry(parts[0], "*", AclOperation.WRITE, AclPermissionType.DENY));
    }
}
