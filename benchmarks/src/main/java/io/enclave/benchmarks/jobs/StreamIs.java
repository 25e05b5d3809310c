package io.enclave.benchmarks.jobs;

import io.enclave.config.StreamKind;
import io.enclave.operators.record.TenantEvent;
import org.apache.flink.api.common.functions.FilterFunction;

/** Keeps the events of one stream: the plain job's way of sending each stream to its table. */
public class StreamIs implements FilterFunction<TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final StreamKind stream;

    public StreamIs(StreamKind stream) {
        this.stream = stream;
    }

    @Override
    public boolean filter(TenantEvent event) {
        return event.stream == stream;
    }
}
