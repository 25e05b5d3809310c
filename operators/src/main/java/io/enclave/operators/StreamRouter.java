package io.enclave.operators;

import io.enclave.config.StreamKind;
import io.enclave.operators.record.TenantEvent;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Sends disaster declarations to the main output and weather alerts to a side output, one per sink. */
public class StreamRouter extends ProcessFunction<TenantEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final OutputTag<TenantEvent> weatherTag;

    public StreamRouter(OutputTag<TenantEvent> weatherTag) {
        this.weatherTag = weatherTag;
    }

    @Override
    public void processElement(TenantEvent event, Context ctx, Collector<TenantEvent> out) {
        if (event.stream == StreamKind.WEATHER) {
            ctx.output(weatherTag, event);
        } else {
            out.collect(event);
        }
    }
}
