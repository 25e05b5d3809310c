package io.enclave.benchmarks.jobs;

import io.enclave.config.StreamKind;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.parse.ParsedEvent;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The baseline jobs' only processing: the same {@link EventParser} as the tagger, emitting the
 * parsed record in the same {@link TenantEvent} type (so the jobs compared hand the same type
 * to Flink's serializers and the same row to a JDBC sink), with no content hash, no checks and
 * no audit. The tag columns the tables require get constants. A message that does not parse
 * is dropped. Used by the pass-through job and by the plain Kafka to JDBC job.
 */
public class ParseOnly extends ProcessFunction<RawEvent, TenantEvent> {
    private static final long serialVersionUID = 1L;

    private final String tenantId;
    private final Map<String, StreamKind> streamByTopic;
    private final int maxMessageBytes;
    private transient EventParser parser;

    public ParseOnly(String tenantId, Map<String, StreamKind> streamByTopic, int maxMessageBytes) {
        this.tenantId = tenantId;
        this.streamByTopic = Map.copyOf(streamByTopic);
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new EventParser(maxMessageBytes);
    }

    @Override
    public void processElement(RawEvent raw, Context ctx, Collector<TenantEvent> out) {
        StreamKind stream = streamByTopic.get(raw.topic);
        if (stream == null) {
            return;
        }
        ParsedEvent parsed = parser.parse(stream, raw.payload);
        if (parsed.isFailure()) {
            return;
        }
        TenantEvent event = new TenantEvent();
        event.tenantId = tenantId;
        event.stream = stream;
        event.naturalKey = parsed.naturalKey();
        event.claimedTenant = parsed.claimedTenant();
        event.classification = parsed.classification();
        event.states = parsed.states();
        event.processingTime = raw.timestamp;
        event.isolationBoundary = "";
        event.dataOwner = "";
        event.contentHash = "";
        event.sourceTopic = raw.topic;
        event.sourcePartition = raw.partition;
        event.sourceOffset = raw.offset;
        event.disaster = parsed.disaster();
        event.alert = parsed.alert();
        out.collect(event);
    }
}
