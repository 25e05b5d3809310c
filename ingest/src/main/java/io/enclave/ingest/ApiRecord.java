package io.enclave.ingest;

/**
 * One record as an upstream API returned it: the JSON bytes untouched, the API it came from,
 * the tenant stream it feeds, and its natural key. A POJO, so Flink serialises it without Kryo.
 */
public class ApiRecord {
    /** {@link UpstreamApi#id()} of the API that returned the record. */
    public String api;
    /** Topic suffix of the stream it feeds ({@code disasters} or {@code weather}). */
    public String stream;
    /** The record's natural key: OpenFEMA {@code id}, NWS alert {@code id}. */
    public String id;
    /** The record's own JSON object, as the API returned it. */
    public byte[] payload;
    /** When it was fetched, epoch milliseconds UTC. */
    public long fetchedAt;

    public ApiRecord() {}

    public ApiRecord(String api, String stream, String id, byte[] payload, long fetchedAt) {
        this.api = api;
        this.stream = stream;
        this.id = id;
        this.payload = payload;
        this.fetchedAt = fetchedAt;
    }

    @Override
    public String toString() {
        return api + ":" + id;
    }
}
