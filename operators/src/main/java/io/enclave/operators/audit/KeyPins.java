package io.enclave.operators.audit;

import io.enclave.config.AuditRequirements;
import java.io.Serializable;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The first signing key of each signer role as the tenant's auditor pinned it out of band, by
 * fingerprint: the trust file is written by whoever runs {@code keys} commands, so a key it
 * lists is authentic only when it is pinned or a chained SIGNING_KEY_ROTATED record, signed by
 * its authentic predecessor of the same role, names its fingerprint. The chainer applies this
 * to every submission and {@code audit verify} to every row. Immutable.
 *
 * @param fingerprints per role, the pinned fingerprints ({@code sha256:HEX}); a role absent or empty is unpinned
 * @param required whether an unpinned role has no authentic key at all; when false (development mode, or a chainer
 *     whose config pins nothing for the role) the trust file's first key of that role is taken at its word
 */
public record KeyPins(Map<SignerRole, Set<String>> fingerprints, boolean required) implements Serializable {
    private static final long serialVersionUID = 1L;

    public KeyPins {
        Map<SignerRole, Set<String>> normalized = new EnumMap<>(SignerRole.class);
        fingerprints.forEach((role, pins) -> normalized.put(
                role,
                Set.copyOf(pins.stream().map(AuditTrust::normalizeFingerprint).toList())));
        fingerprints = Map.copyOf(normalized);
    }

    /** Nothing pinned, the trust file taken at its word: tests and development mode. */
    public static KeyPins none() {
        return new KeyPins(Map.of(), false);
    }

    /**
     * The pins of a tenant's {@code audit_requirements}, as its chainer applies them: a role the
     * config pins accepts only its pinned key and the keys its rotations introduce; a role it does
     * not pin is taken from the trust file (and {@code audit verify} outside development mode then
     * fails on its first submission).
     */
    public static KeyPins of(AuditRequirements audit) {
        return of(audit, false);
    }

    /**
     * The pins of a tenant's {@code audit_requirements}, as {@code audit verify} and the commands that read the SIEM
     * copy apply them: when {@code required} (outside development mode) an unpinned role has no authentic key.
     */
    public static KeyPins of(AuditRequirements audit, boolean required) {
        Map<SignerRole, Set<String>> pins = new EnumMap<>(SignerRole.class);
        for (SignerRole role : SignerRole.values()) {
            String pin = audit.keyFingerprint(role.id());
            if (!pin.isEmpty()) {
                pins.put(role, Set.of(pin));
            }
        }
        return new KeyPins(pins, required);
    }

    /** The pinned fingerprints of {@code role}, empty when it is not pinned. */
    public Set<String> of(SignerRole role) {
        return fingerprints.getOrDefault(role, Set.of());
    }

    /**
     * Whether {@code key} of {@code trust} is authentic without a rotation: pinned, or (unpinned role, not required)
     * the role's one first key. A trust file may list several keys of a role without a predecessor only when someone
     * added one: then only the {@link #firstKey first} is taken at its word, never "any key without a predecessor".
     */
    public boolean root(AuditTrust trust, AuditTrust.TrustedKey key) {
        Set<String> pins = of(key.role());
        if (!pins.isEmpty()) {
            return pins.contains(key.fingerprint());
        }
        return !required
                && firstKey(trust, key.role())
                        .map(first -> first.keyId().equals(key.keyId())
                                && first.fingerprint().equals(key.fingerprint()))
                        .orElse(false);
    }

    /**
     * The trust file's first key of {@code role}: of its keys without a predecessor, the earliest created (then the
     * lowest key id), the one an unpinned role starts from.
     */
    public static Optional<AuditTrust.TrustedKey> firstKey(AuditTrust trust, SignerRole role) {
        return trust.keys().stream()
                .filter(k -> k.role() == role && k.previous().isEmpty())
                .min(Comparator.comparing(AuditTrust.TrustedKey::created).thenComparing(AuditTrust.TrustedKey::keyId));
    }

    /** The config key that pins {@code role}'s first key, for messages. */
    public static String configKey(String tenantId, SignerRole role) {
        return "tenants." + tenantId + ".audit_requirements." + role.id() + "_key_fingerprint";
    }

    /**
     * The key a chained record introduces, if it is a successful SIGNING_KEY_ROTATED submitted
     * under the key the new one replaced ({@code previous} in the trust file), of the same role,
     * whose detail names the new key's fingerprint. Whether its submitter is authentic is the
     * caller's to check.
     */
    public static Optional<AuditTrust.TrustedKey> introducedBy(AuditTrust trust, AuditRecord r) {
        if (r.action != AuditAction.SIGNING_KEY_ROTATED
                || r.outcome != AuditOutcome.SUCCESS
                || r.submitter == null
                || r.submitter.isEmpty()) {
            return Optional.empty();
        }
        Optional<AuditTrust.TrustedKey> submitter = trust.key(r.submitter);
        return trust.key(r.recordKey)
                .filter(fresh -> fresh.previous().equals(r.submitter))
                .filter(fresh -> submitter.map(s -> s.role() == fresh.role()).orElse(false))
                .filter(fresh -> AuditTrust.introducedFingerprint(r.detail)
                        .map(f -> f.equals(fresh.fingerprint()))
                        .orElse(false));
    }

    /**
     * Why {@code key} is not authentic, for a message: which pin it fails and what would have
     * made it authentic.
     */
    public String whyNot(String tenantId, AuditTrust.TrustedKey key) {
        String role = key.role().id();
        String root = of(key.role()).isEmpty()
                ? required
                        ? "no " + role + " key is pinned (" + configKey(tenantId, key.role()) + ")"
                        : "it is not the trust file's first " + role + " key (a role without a pin starts from one"
                                + " key without a predecessor, the earliest created)"
                : "it is not the pinned " + role + " key";
        return role + " key " + key.keyId() + " (" + key.fingerprint() + " in the trust file) is not authentic: " + root
                + ", and no chained SIGNING_KEY_ROTATED record signed by its predecessor introduces it";
    }
}
