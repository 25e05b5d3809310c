package io.enclave.benchmarks.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import io.enclave.operators.record.RawEvent;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Pre-generated messages for one tenant, from the demo's {@link EventGenerator}, so every
 * benchmark reads the same FEMA- and NWS-shaped bytes. Each key comes in two versions with
 * different content, and {@link #event(long)} alternates them on every pass: the guard then
 * sees an update of a known key every time, never a duplicate, so the accept path is measured
 * however many records a run reads, while keyed state stays bounded.
 */
public final class Workload implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] topics;
    private final byte[][] first;
    private final byte[][] second;

    private Workload(String[] topics, byte[][] first, byte[][] second) {
        this.topics = topics;
        this.first = first;
        this.second = second;
    }

    /**
     * {@code keys} messages for {@code tenant} as the generator makes them; {@code badFraction}
     * of them are built to be refused (the demo uses 6 %). {@code disastersOnly} keeps FEMA
     * declarations only, for the per-record JMH chain.
     */
    public static Workload generate(
            TenantConfig tenant, String foreignTenant, int keys, double badFraction, long seed, boolean disastersOnly) {
        EventGenerator generator = new EventGenerator(tenant, foreignTenant, seed, badFraction);
        String disasterTopic = tenant.names().topic(StreamKind.DISASTERS);
        String[] topics = new String[keys];
        byte[][] first = new byte[keys][];
        byte[][] second = new byte[keys][];
        ObjectMapper json = new ObjectMapper();
        int i = 0;
        while (i < keys) {
            GeneratedEvent e = generator.next();
            if (disastersOnly && !e.topic().equals(disasterTopic)) {
                continue;
            }
            topics[i] = e.topic();
            first[i] = e.payload();
            second[i] = updated(json, e.payload());
            i++;
        }
        return new Workload(topics, first, second);
    }

    /** The same key with different content; a malformed message stays as it is. */
    private static byte[] updated(ObjectMapper json, byte[] payload) {
        JsonNode root;
        try {
            root = json.readTree(payload);
        } catch (IOException e) {
            return payload;
        }
        if (root.has("properties")) {
            ((ObjectNode) root.get("properties")).put("certainty", "Possible");
        } else {
            ((ObjectNode) root).put("designatedIncidentTypes", "F");
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code index}-th message of an endless stream: key {@code index % keys}, alternating versions. */
    public RawEvent event(long index) {
        int key = (int) (index % first.length);
        boolean odd = ((index / first.length) & 1) == 1;
        return new RawEvent(topics[key], 0, index, 0L, odd ? second[key] : first[key]);
    }

    public int keys() {
        return first.length;
    }

    public String topic(int key) {
        return topics[key];
    }

    public byte[] payload(int key) {
        return first[key];
    }

    /** Mean payload size in bytes. */
    public double meanPayloadBytes() {
        long total = 0;
        for (byte[] p : first) {
            total += p.length;
        }
        return (double) total / first.length;
    }

    /** Every payload of the first version, for publishing to Kafka. */
    public List<byte[]> payloads() {
        return List.of(first);
    }
}
