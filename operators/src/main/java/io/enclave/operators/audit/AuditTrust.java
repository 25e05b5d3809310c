package io.enclave.operators.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.operators.crypto.KeyUnavailableException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The public half of a tenant's audit signing keys: key id, role, Ed25519 public key, when it
 * was created and which key it replaced. This is all {@code audit verify} needs, so an
 * auditor's config holds no secret. Read from and written to the tenant's trust file, one JSON
 * document ({@code <keystore>.audit-trust.json} beside the tenant's key store by default).
 */
public final class AuditTrust implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String FORMAT = "enclave-audit-trust-v1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One trusted public key.
     *
     * @param keyId {@code <tenant>/<role>/v<n>}
     * @param role who holds the private key
     * @param publicKey the raw 32-byte Ed25519 public key
     * @param created when the key was made
     * @param previous the key of the same role it replaced, empty for a role's first key
     */
    public record TrustedKey(String keyId, SignerRole role, byte[] publicKey, Instant created, String previous)
            implements Serializable {
        /** {@link AuditTrust#fingerprint} of this key. */
        public String fingerprint() {
            return AuditTrust.fingerprint(publicKey);
        }
    }

    /** How a fingerprint is written where a person reads or pins it: {@code sha256:} and 64 hex digits. */
    public static final String FINGERPRINT_PREFIX = "sha256:";

    private static final Pattern FINGERPRINT = Pattern.compile("(?i)(?:sha256:)?([0-9a-f]{64})");
    /** How a SIGNING_KEY_ROTATED record's detail names the public key it introduces; its submitter signs it. */
    private static final Pattern INTRODUCED = Pattern.compile("new public key (sha256:[0-9a-f]{64})");

    /**
     * The fingerprint of a raw Ed25519 public key: {@code sha256:} and the lower-case hex SHA-256
     * of its 32 bytes. An auditor pins the tenant job's first key by it, out of band, because the
     * trust file itself is written by whoever runs {@code keys} commands.
     */
    public static String fingerprint(byte[] publicKey) {
        try {
            return FINGERPRINT_PREFIX
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /**
     * A pinned fingerprint as written by a person ({@code sha256:HEX} or bare hex, any case), in the
     * form {@link #fingerprint} returns.
     *
     * @throws IllegalArgumentException when it is not 64 hex digits, optionally after {@code sha256:}
     */
    public static String normalizeFingerprint(String pinned) {
        Matcher m = FINGERPRINT.matcher(pinned == null ? "" : pinned.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a job key fingerprint is sha256: and 64 hex digits, as keys init"
                    + " prints it; not " + (pinned == null || pinned.length() > 80 ? "that" : "'" + pinned + "'"));
        }
        return FINGERPRINT_PREFIX + m.group(1).toLowerCase(Locale.ROOT);
    }

    /** The words a SIGNING_KEY_ROTATED record's detail ends with: which public key the rotation introduces. */
    public static String introducing(byte[] publicKey) {
        return "new public key " + fingerprint(publicKey);
    }

    /** The fingerprint a SIGNING_KEY_ROTATED record's detail says it introduces, or empty (a record of an older release). */
    public static Optional<String> introducedFingerprint(String detail) {
        Matcher m = INTRODUCED.matcher(detail == null ? "" : detail);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Where a running job reads the trust from, again after a rotation; only a path travels in the job graph. */
    @FunctionalInterface
    public interface Source extends Serializable {
        AuditTrust load();
    }

    private final String tenantId;
    private final Map<String, TrustedKey> keys;

    private AuditTrust(String tenantId, Map<String, TrustedKey> keys) {
        this.tenantId = tenantId;
        this.keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /** No key trusted yet. */
    public static AuditTrust empty(String tenantId) {
        return new AuditTrust(tenantId, Map.of());
    }

    /** The trust file at {@code path}, read anew at each load. */
    public static Source file(String path) {
        return () -> read(Path.of(path));
    }

    /** This trust, as a source that never changes (tests, a verifier given the file once). */
    public Source asSource() {
        AuditTrust self = this;
        return () -> self;
    }

    public String tenantId() {
        return tenantId;
    }

    public List<TrustedKey> keys() {
        return new ArrayList<>(keys.values());
    }

    /** Whether {@code keyId} is a trusted key; a running job reloads its trust file when it is not. */
    public boolean holds(String keyId) {
        return keys.containsKey(keyId);
    }

    public Optional<TrustedKey> key(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    /** This trust plus the public half of {@code signer}, which replaced {@code previous} (empty if none). */
    public AuditTrust with(AuditSigner signer, String previous) {
        TrustedKey known = keys.get(signer.keyId());
        if (known != null) {
            if (!java.util.Arrays.equals(known.publicKey(), signer.publicKey())) {
                throw new IllegalStateException("the trust file already holds a different public key under "
                        + signer.keyId() + "; a key id is never reused");
            }
            return this;
        }
        Map<String, TrustedKey> more = new LinkedHashMap<>(keys);
        more.put(
                signer.keyId(),
                new TrustedKey(
                        signer.keyId(),
                        signer.role(),
                        signer.publicKey(),
                        Instant.now(),
                        previous == null ? "" : previous));
        return new AuditTrust(tenantId, more);
    }

    /**
     * Why {@code signature} is not a signature of {@code message} by a trusted key of one of
     * {@code roles} named {@code keyId}; null when it is.
     */
    public String problem(String keyId, Set<SignerRole> roles, String message, String signature) {
        if (keyId == null || keyId.isEmpty()) {
            return "it names no signing key";
        }
        TrustedKey key = keys.get(keyId);
        if (key == null) {
            // Quoted only when it looks like a key id: a forged line must not get its text echoed into the trail.
            String named = keyId.length() <= 120 && keyId.matches("[a-z0-9_]+/[a-z]+/v[0-9]+") ? " " + keyId : "";
            return "it is signed by a key" + named + " that the trust file of tenant " + tenantId + " does not hold";
        }
        if (!keyId.startsWith(tenantId + "/")) {
            // A key id names its tenant; another tenant's key listed here (a copied entry) never signs this trail.
            return "it is signed by key " + keyId + ", which is not a key of tenant " + tenantId;
        }
        if (!roles.contains(key.role())) {
            return "it is signed by key " + keyId + " of role " + key.role().id() + ", which may not sign it (only "
                    + roles.stream().map(SignerRole::id).toList() + ")";
        }
        if (!verifies(key.publicKey(), message, signature)) {
            return "its signature does not verify under key " + keyId;
        }
        return null;
    }

    static boolean verifies(byte[] publicKey, String message, String signatureHex) {
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(signatureHex == null ? "" : signatureHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        verifier.update(bytes, 0, bytes.length);
        return verifier.verifySignature(signature);
    }

    /**
     * Reads a trust file.
     *
     * @throws KeyUnavailableException when it is missing, unreadable or not a trust file; the
     *     message is one line naming the path
     */
    public static AuditTrust read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new KeyUnavailableException(
                    "no audit trust file at " + path + " (it is written by keys init and keys rotate-signing)");
        }
        try {
            JsonNode n = JSON.readTree(Files.readAllBytes(path));
            if (n == null || !FORMAT.equals(n.path("format").asText())) {
                throw new IllegalArgumentException("it is not an " + FORMAT + " document");
            }
            Map<String, TrustedKey> keys = new LinkedHashMap<>();
            for (JsonNode k : n.path("keys")) {
                if (!"Ed25519".equals(k.path("algorithm").asText())) {
                    throw new IllegalArgumentException("key " + k.path("key_id").asText() + " is not Ed25519");
                }
                byte[] publicKey = HexFormat.of().parseHex(k.path("public_key").asText());
                if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
                    throw new IllegalArgumentException(
                            "key " + k.path("key_id").asText() + " has no 32-byte public key");
                }
                TrustedKey key = new TrustedKey(
                        k.path("key_id").asText(),
                        SignerRole.of(k.path("role").asText()),
                        publicKey,
                        Instant.parse(k.path("created").asText()),
                        k.path("previous").asText(""));
                keys.put(key.keyId(), key);
            }
            return new AuditTrust(n.path("tenant").asText(), keys);
        } catch (IOException e) {
            throw new KeyUnavailableException("cannot read the audit trust file " + path + ": "
                    + e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            throw new KeyUnavailableException("the audit trust file " + path + " is not valid: " + e.getMessage());
        }
    }

    /** Writes this trust to {@code path} in one move, so a reader never sees half a file. */
    public void write(Path path) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("tenant", tenantId);
        ArrayNode list = n.putArray("keys");
        for (TrustedKey k : keys.values()) {
            ObjectNode e = list.addObject();
            e.put("key_id", k.keyId());
            e.put("role", k.role().id());
            e.put("algorithm", "Ed25519");
            e.put("public_key", HexFormat.of().formatHex(k.publicKey()));
            e.put("created", k.created().toString());
            e.put("previous", k.previous());
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
            try {
                Files.writeString(temp, JSON.writeValueAsString(n) + "\n");
                try {
                    Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new KeyUnavailableException("cannot write the audit trust file " + path + ": " + e.getMessage());
        }
    }
}
