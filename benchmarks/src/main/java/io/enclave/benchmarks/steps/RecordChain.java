package io.enclave.benchmarks.steps;

import io.enclave.config.Secret;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.jobs.TenantPipeline;
import io.enclave.operators.TenantGuard;
import io.enclave.operators.TenantRecordKey;
import io.enclave.operators.TenantTagger;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.crypto.EventEncryptor;
import io.enclave.operators.crypto.FieldCrypto;
import io.enclave.operators.crypto.KeystoreKeyProvider;
import io.enclave.operators.crypto.NonceSequence;
import io.enclave.operators.crypto.TenantKeyStore;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.parse.ParsedEvent;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.TenantRowBinder;
import io.enclave.sinks.schema.TenantTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.operators.testutils.MockInputSplitProvider;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * One tenant's per-record work, step by step, on the real classes: {@link EventParser}, the
 * {@link TenantTagger} and the keyed {@link TenantGuard} inside Flink's operator test harnesses
 * (so their {@code open()} builds metrics and keyed state as in a job, on the state backend
 * given), and the {@link TenantRowBinder} binding the sink row into a
 * {@link NoOpPreparedStatement}.
 *
 * <p>Between the guard and the sink, the tenant's configured fields are encrypted by the job's
 * own {@link EventEncryptor}: three of a FEMA record's fields, two randomized, one deterministic.
 */
public final class RecordChain implements AutoCloseable {
    /** Managed memory of one task slot: 64 MB, as {@code ScalingBenchmark} gives each job's slot. */
    static final long MANAGED_MEMORY_PER_SLOT = 64L * 1024 * 1024;

    private final EventParser parser;
    private final OneInputStreamOperatorTestHarness<RawEvent, TenantEvent> tagger;
    private final KeyedOneInputStreamOperatorTestHarness<String, TenantEvent, TenantEvent> guard;
    private final MockEnvironment guardEnvironment;
    private final EventEncryptor encryptor;
    private final KeystoreKeyProvider keys;
    private final TenantRowBinder<TenantEvent> binder;
    private final NoOpPreparedStatement statement = new NoOpPreparedStatement();

    public RecordChain(TenantConfig tenant, StateBackend guardState) throws Exception {
        AuditContext audit = AuditContext.of(tenant);
        int maxBytes = tenant.processing().maxMessageBytes();
        Map<String, StreamKind> streamByTopic = new LinkedHashMap<>();
        for (StreamKind stream : StreamKind.values()) {
            streamByTopic.put(tenant.names().topic(stream), stream);
        }
        parser = new EventParser(maxBytes);
        tagger = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(
                new TenantTagger(audit, tenant.organization(), streamByTopic, maxBytes, TenantPipeline.AUDIT, "tag")));
        tagger.setup(byReference(tagger));
        tagger.open();
        guardEnvironment = slotEnvironment();
        guard = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TenantGuard(
                        audit,
                        tenant.dataRestrictions(),
                        tenant.processing().dedupTtl(),
                        TenantPipeline.AUDIT,
                        "guard")),
                new TenantRecordKey(),
                Types.STRING,
                guardEnvironment);
        guard.setStateBackend(guardState);
        guard.setup(byReference(guard));
        guard.open();
        // The job's FieldEncryptor core on the tenant's fields (BenchTenants.Encryption.THREE_FIELDS).
        Path store = Files.createTempDirectory("bench-keys").resolve("keys.p12");
        Secret password = Secret.of("benchmark");
        new TenantKeyStore(store, password, "PKCS12", tenant.id(), "bench_key").init();
        keys = KeystoreKeyProvider.open(store, password, "PKCS12", tenant.id(), "bench_key");
        encryptor = new EventEncryptor(
                new FieldCrypto(keys, tenant.id(), new NonceSequence(new SecureRandom())),
                tenant.processing().encryptedFields());
        binder = new TenantRowBinder<>(tenant.id(), TenantTables.disasterDeclarations(), TenantEvent::tenantIdOf);
    }

    /**
     * The harness's default environment hands its operator 3 MB of managed memory, from which
     * RocksDB sizes its block cache and write buffers: the guard's state then flushed and
     * compacted to SST files every few thousand records and read them back with pread, which
     * profiled as most of the RocksDB step (about 60 µs a record). A tenant job's slot gets
     * {@link #MANAGED_MEMORY_PER_SLOT}, as the MiniCluster sections and the demo cluster size it.
     */
    private static MockEnvironment slotEnvironment() {
        return new MockEnvironmentBuilder()
                .setTaskName("guard")
                .setManagedMemorySize(MANAGED_MEMORY_PER_SLOT)
                .setInputSplitProvider(new MockInputSplitProvider())
                .setBufferSize(1024)
                .setMaxParallelism(1)
                .setParallelism(1)
                .setSubtaskIndex(0)
                .build();
    }

    /** The baseline: strict UTF-8 decoding, Jackson tree parsing and typed field mapping. */
    public ParsedEvent parse(RawEvent raw) {
        return parser.parse(StreamKind.DISASTERS, raw.payload);
    }

    /** Parse and tag (inside the tagger), then the guard's checks and its keyed dedup state. */
    public TenantEvent tagAndGuard(RawEvent raw) throws Exception {
        tagger.processElement(new StreamRecord<>(raw));
        TenantEvent tagged = take(tagger);
        guard.processElement(new StreamRecord<>(tagged));
        return take(guard);
    }

    /** Tag and guard, then encrypt three fields as the tenant's {@code encrypt[<id>]} does. */
    public TenantEvent tagGuardAndEncrypt(RawEvent raw) throws Exception {
        TenantEvent accepted = tagAndGuard(raw);
        encryptor.encrypt(accepted);
        return accepted;
    }

    /** Everything a record goes through up to its sink row. */
    public long full(RawEvent raw) throws Exception {
        return bind(tagGuardAndEncrypt(raw));
    }

    /** Builds the sink row: the binder's tenant check, then every column's value bound. */
    public long bind(TenantEvent event) throws SQLException {
        binder.accept(statement, event);
        return statement.bound();
    }

    /** Tenant events passed on as chained operators with object reuse pass them; see {@link ByReference}. */
    private static ByReference<TenantEvent> byReference(OneInputStreamOperatorTestHarness<?, TenantEvent> harness) {
        return new ByReference<>(TypeInformation.of(TenantEvent.class)
                .createSerializer(harness.getExecutionConfig().getSerializerConfig()));
    }

    /** The single output of the last element; anything else (an audit record) is a broken workload. */
    private static TenantEvent take(OneInputStreamOperatorTestHarness<?, TenantEvent> harness) {
        @SuppressWarnings("unchecked")
        StreamRecord<TenantEvent> out =
                (StreamRecord<TenantEvent>) harness.getOutput().poll();
        if (out == null) {
            throw new IllegalStateException("the record was refused: the benchmark must measure the accept path");
        }
        return out.getValue();
    }

    @Override
    public void close() throws Exception {
        guard.close();
        guardEnvironment.close();
        tagger.close();
        keys.close();
    }
}
