package io.enclave.benchmarks.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.config.StreamKind;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.parse.ParsedEvent;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The baseline of the per-record chain: parsing a ~600-byte FEMA declaration with the
 * project's {@link EventParser} (strict UTF-8, Jackson tree, typed fields), and for reference
 * a plain {@link ObjectMapper#readTree(byte[])} with no checks and no mapping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ParseBaselineBenchmark {
    private StepFixture fixture;
    private EventParser parser;
    private ObjectMapper plain;

    @Setup
    public void setUp() {
        fixture = new StepFixture();
        parser = new EventParser(fixture.tenant.processing().maxMessageBytes());
        plain = new ObjectMapper();
    }

    /** Step 1, the baseline: what the pass-through job does to every record. */
    @Benchmark
    public ParsedEvent s1_parse() {
        return parser.parse(StreamKind.DISASTERS, fixture.next().payload);
    }

    /** Reference only: Jackson's tree parser alone, as a plain reader would call it. */
    @Benchmark
    public JsonNode s0_plainJacksonTree() throws IOException {
        return plain.readTree(fixture.next().payload);
    }
}
