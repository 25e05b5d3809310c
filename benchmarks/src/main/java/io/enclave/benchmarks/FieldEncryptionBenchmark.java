package io.enclave.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.config.EncryptedField;
import io.enclave.config.EncryptionMode;
import io.enclave.config.Secret;
import io.enclave.config.StreamKind;
import io.enclave.operators.crypto.EventEncryptor;
import io.enclave.operators.crypto.FieldCrypto;
import io.enclave.operators.crypto.FieldKeys;
import io.enclave.operators.crypto.GcmEngine;
import io.enclave.operators.crypto.KeystoreKeyProvider;
import io.enclave.operators.crypto.NonceSequence;
import io.enclave.operators.crypto.TenantKeyStore;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.parse.ParsedEvent;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.TenantEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What field encryption costs per record, against what parsing the record costs and against the
 * JDK's own AES-GCM (AES-NI and CLMUL intrinsics), all on the same ~600-byte FEMA record and the
 * same three fields. Run: {@code java -jar benchmarks/target/benchmarks.jar -f 2 -wi 2 -w 1s -i 3 -r 2s}.
 * Sample mode, because the medians (p0.50) stay meaningful on a machine shared with other
 * work, where averages are dominated by the moments another process holds the CPU.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FieldEncryptionBenchmark {
    private static final String TENANT = "colorado_state";
    private static final String TABLE = "disaster_declarations";
    private static final String ROW_KEY = "b3f1c2a4-5d6e-4f70-8a9b-0c1d2e3f4a5b";
    /** A FEMA Disaster Declarations Summaries row in the API's shape, 600-odd bytes. */
    static final String FEMA_RECORD = "{\"femaDeclarationString\":\"DR-4706-CO\",\"disasterNumber\":4706,"
            + "\"state\":\"CO\",\"declarationType\":\"DR\",\"declarationDate\":\"2023-05-03T00:00:00.000Z\","
            + "\"fyDeclared\":2023,\"incidentType\":\"Severe Storm\",\"declarationTitle\":"
            + "\"SEVERE STORMS, STRAIGHT-LINE WINDS, AND FLOODING\",\"ihProgramDeclared\":false,"
            + "\"iaProgramDeclared\":true,\"paProgramDeclared\":true,\"hmProgramDeclared\":true,"
            + "\"incidentBeginDate\":\"2023-04-19T00:00:00.000Z\",\"incidentEndDate\":\"2023-04-20T00:00:00.000Z\","
            + "\"disasterCloseoutDate\":null,\"tribalRequest\":false,\"fipsStateCode\":\"08\",\"fipsCountyCode\":\"031\","
            + "\"placeCode\":\"99031\",\"designatedArea\":\"Denver (County)\",\"declarationRequestNumber\":\"23047\","
            + "\"declarationRequestDate\":\"2023-04-28T00:00:00.000Z\",\"lastIAFilingDate\":\"2023-07-03T00:00:00.000Z\","
            + "\"incidentId\":\"2023042801\",\"region\":8,\"designatedIncidentTypes\":\"R\","
            + "\"lastRefresh\":\"2024-01-15T18:22:11.000Z\",\"hash\":\"0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\","
            + "\"id\":\"" + ROW_KEY + "\"}";
    /** The three encrypted fields, as their columns. */
    private static final String[] COLUMNS = {"designated_area", "declaration_title", "incident_type"};

    private final ObjectMapper mapper = new ObjectMapper();
    private byte[] payload;
    private EventParser parser;

    private DisasterDeclaration parsed;
    private TenantEvent event;
    private EventEncryptor encryptor;
    private EventEncryptor bouncyCastleEncryptor;
    private EventEncryptor deterministicEncryptor;

    private Cipher[] jce;
    private SecretKeySpec[] jceKeys;
    private byte[][] jceAad;
    private NonceSequence jceNonces;
    private final byte[] nonce = new byte[NonceSequence.NONCE_BYTES];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        payload = FEMA_RECORD.getBytes(StandardCharsets.UTF_8);
        parser = new EventParser(1 << 20);
        parsed = mapper.readValue(payload, DisasterDeclaration.class);

        Path store = Files.createTempDirectory("bench-keys").resolve("keys.bcfks");
        Secret password = Secret.of("benchmark");
        new TenantKeyStore(store, password, "BCFKS", TENANT, "bench_key").init();
        KeystoreKeyProvider keys = KeystoreKeyProvider.open(store, password, "BCFKS", TENANT, "bench_key");
        FieldCrypto crypto = new FieldCrypto(keys, TENANT, new NonceSequence(new SecureRandom()), GcmEngine.JCE);
        List<EncryptedField> randomized = List.of(
                new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.RANDOMIZED),
                new EncryptedField(StreamKind.DISASTERS, "declarationTitle", EncryptionMode.RANDOMIZED),
                new EncryptedField(StreamKind.DISASTERS, "incidentType", EncryptionMode.RANDOMIZED));
        encryptor = new EventEncryptor(crypto, randomized);
        bouncyCastleEncryptor = new EventEncryptor(
                new FieldCrypto(keys, TENANT, new NonceSequence(new SecureRandom()), GcmEngine.BOUNCY_CASTLE),
                randomized);
        deterministicEncryptor = new EventEncryptor(
                crypto,
                List.of(
                        new EncryptedField(StreamKind.DISASTERS, "designatedArea", EncryptionMode.DETERMINISTIC),
                        new EncryptedField(StreamKind.DISASTERS, "declarationTitle", EncryptionMode.DETERMINISTIC),
                        new EncryptedField(StreamKind.DISASTERS, "incidentType", EncryptionMode.DETERMINISTIC)));
        event = new TenantEvent();
        event.tenantId = TENANT;
        event.stream = StreamKind.DISASTERS;
        event.naturalKey = ROW_KEY;
        event.disaster = new DisasterDeclaration();

        // The JDK's cipher gets the same subkeys and AAD, so only the engine and its API differ.
        byte[] tenantKey = keys.currentDataKey().key().getEncoded();
        jce = new Cipher[COLUMNS.length];
        jceKeys = new SecretKeySpec[COLUMNS.length];
        jceAad = new byte[COLUMNS.length][];
        for (int i = 0; i < COLUMNS.length; i++) {
            jce[i] = Cipher.getInstance("AES/GCM/NoPadding");
            jceKeys[i] =
                    new SecretKeySpec(FieldKeys.derive(tenantKey, TENANT, TABLE, COLUMNS[i], 1, "AES-256-GCM"), "AES");
            jceAad[i] = ("enclave|" + TENANT + "|" + TABLE + "|" + COLUMNS[i] + "|k1|" + ROW_KEY)
                    .getBytes(StandardCharsets.UTF_8);
        }
        jceNonces = new NonceSequence(new SecureRandom());
    }

    /** Baseline: Jackson data binding of the record. */
    @Benchmark
    public DisasterDeclaration jacksonParse() throws Exception {
        return mapper.readValue(payload, DisasterDeclaration.class);
    }

    /** What the tagger runs: Enclave's strict parser on Jackson's streaming API. */
    @Benchmark
    public ParsedEvent enclaveParse() {
        return parser.parse(StreamKind.DISASTERS, payload);
    }

    /** The FieldEncryptor's per-record work on three randomized fields (AES-256-GCM), default JCE engine. */
    @Benchmark
    public TenantEvent fieldEncryptor3Fields() {
        resetFields();
        encryptor.encrypt(event);
        return event;
    }

    /** The same with BouncyCastle's lightweight GCM, keyed once per column and re-armed with a null key. */
    @Benchmark
    public TenantEvent fieldEncryptor3FieldsBouncyCastle() {
        resetFields();
        bouncyCastleEncryptor.encrypt(event);
        return event;
    }

    /** The same three fields in deterministic mode (AES-256-GCM-SIV, BouncyCastle). */
    @Benchmark
    public TenantEvent fieldEncryptor3FieldsDeterministic() {
        resetFields();
        deterministicEncryptor.encrypt(event);
        return event;
    }

    /** JCE AES-256-GCM on the same fields, producing the same text: UTF-8, AAD, encrypt, base64url. */
    @Benchmark
    public void jceGcm3FieldsAsText(Blackhole bh) throws Exception {
        String[] values = {parsed.designatedArea, parsed.declarationTitle, parsed.incidentType};
        for (int i = 0; i < values.length; i++) {
            byte[] in = values[i].getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[NonceSequence.NONCE_BYTES + in.length + 16];
            jceNonces.next(out, 0);
            System.arraycopy(out, 0, nonce, 0, NonceSequence.NONCE_BYTES);
            jce[i].init(Cipher.ENCRYPT_MODE, jceKeys[i], new GCMParameterSpec(128, nonce));
            jce[i].updateAAD(jceAad[i]);
            jce[i].doFinal(in, 0, in.length, out, NonceSequence.NONCE_BYTES);
            bh.consume("enc:v1:k1:" + Base64.getUrlEncoder().withoutPadding().encodeToString(out));
        }
    }

    /** JCE AES-256-GCM on the same fields, bytes only: the cipher and nothing else. */
    @Benchmark
    public void jceGcm3FieldsBytes(Blackhole bh) throws Exception {
        String[] values = {parsed.designatedArea, parsed.declarationTitle, parsed.incidentType};
        for (int i = 0; i < values.length; i++) {
            byte[] in = values[i].getBytes(StandardCharsets.UTF_8);
            jceNonces.next(nonce, 0);
            jce[i].init(Cipher.ENCRYPT_MODE, jceKeys[i], new GCMParameterSpec(128, nonce));
            jce[i].updateAAD(jceAad[i]);
            bh.consume(jce[i].doFinal(in));
        }
    }

    private void resetFields() {
        event.disaster.designatedArea = parsed.designatedArea;
        event.disaster.declarationTitle = parsed.declarationTitle;
        event.disaster.incidentType = parsed.incidentType;
    }
}
