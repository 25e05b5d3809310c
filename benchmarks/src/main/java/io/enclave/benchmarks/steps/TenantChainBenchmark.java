package io.enclave.benchmarks.steps;

import io.enclave.operators.record.TenantEvent;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The tenant's per-record chain on top of the parse: tag + guard, then the sink row. The
 * guard's keyed state runs on RocksDB, as tenant jobs do, and on the heap backend for
 * comparison, then three fields encrypted, then the sink row.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TenantChainBenchmark {
    @Param({"rocksdb", "hashmap"})
    public String stateBackend;

    private StepFixture fixture;
    private RecordChain chain;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        fixture = new StepFixture();
        StateBackend backend =
                "rocksdb".equals(stateBackend) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
        chain = new RecordChain(fixture.tenant, backend);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        chain.close();
    }

    /** Step 2: parse + tag (tags, SHA-256 content hash) + guard (tenant, state, classification, dedup state). */
    @Benchmark
    public TenantEvent s2_parseTagGuard() throws Exception {
        return chain.tagAndGuard(fixture.next());
    }

    /** Step 4, the full chain: everything above plus binding the sink row of the upsert. */
    /** Step 3: plus three fields encrypted (AES-256-GCM twice, AES-GCM-SIV once). */
    @Benchmark
    public TenantEvent s3_parseTagGuardEncrypt() throws Exception {
        return chain.tagGuardAndEncrypt(fixture.next());
    }

    /** Step 4, the full chain: plus the sink row built by the tenant's row binder. */
    @Benchmark
    public long s4_parseTagGuardSinkRow() throws Exception {
        return chain.full(fixture.next());
    }
}
