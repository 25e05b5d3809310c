package io.enclave.operators.audit;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * One private Ed25519 signing key of a tenant's audit trail, with its key id (for example
 * {@code colorado_state/job/v2}) and the role that holds it. Only ever built where the key is
 * used (an operator's {@code open()}, a command); it is not serializable, so it never travels
 * in a job graph. Not thread-safe: one per operator or command.
 */
public final class AuditSigner {
    private final String keyId;
    private final SignerRole role;
    private final Ed25519PrivateKeyParameters key;
    private final Ed25519Signer signer = new Ed25519Signer();

    public AuditSigner(String keyId, SignerRole role, byte[] seed) {
        this.keyId = keyId;
        this.role = role;
        this.key = new Ed25519PrivateKeyParameters(seed, 0);
    }

    public String keyId() {
        return keyId;
    }

    public SignerRole role() {
        return role;
    }

    /** The raw 32-byte public key, as the trust file publishes it. */
    public byte[] publicKey() {
        return key.generatePublicKey().getEncoded();
    }

    /** The Ed25519 signature of {@code message} (UTF-8), lower-case hex. */
    public String sign(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        signer.init(true, key);
        signer.update(bytes, 0, bytes.length);
        return HexFormat.of().formatHex(signer.generateSignature());
    }

    /** The key id a role's key has at a version: {@code <tenant>/<role>/v<n>}. */
    public static String keyId(String tenantId, SignerRole role, int version) {
        return tenantId + "/" + role.id() + "/v" + version;
    }

    @Override
    public String toString() {
        return "AuditSigner[" + keyId + "]";
    }
}
