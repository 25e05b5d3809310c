package io.enclave.ingest;

import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Writes a {@link PollSplit} into checkpoints; versioned, so a later layout can still read old state. */
public final class PollSplitSerializer implements SimpleVersionedSerializer<PollSplit> {
    static final PollSplitSerializer INSTANCE = new PollSplitSerializer();
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(PollSplit split) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        write(split, out);
        return out.getCopyOfBuffer();
    }

    @Override
    public PollSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown PollSplit serialization version " + version);
        }
        return read(new DataInputDeserializer(serialized));
    }

    static void write(PollSplit split, DataOutputSerializer out) throws IOException {
        out.writeUTF(split.splitId());
        out.writeInt(split.ordinal());
        out.writeUTF(split.area());
        writeInstant(split.cursor(), out);
        writeIds(split.idsAtCursor(), out);
        out.writeUTF(split.pageUrl());
        writeInstant(split.passMax(), out);
        writeIds(split.passIdsAtMax(), out);
    }

    static PollSplit read(DataInputDeserializer in) throws IOException {
        String splitId = in.readUTF();
        int ordinal = in.readInt();
        String area = in.readUTF();
        Instant cursor = readInstant(in);
        Set<String> ids = readIds(in);
        String pageUrl = in.readUTF();
        Instant passMax = readInstant(in);
        Set<String> passIds = readIds(in);
        return new PollSplit(splitId, ordinal, area, cursor, ids, pageUrl, passMax, passIds);
    }

    private static void writeInstant(Instant instant, DataOutputSerializer out) throws IOException {
        out.writeBoolean(instant != null);
        if (instant != null) {
            out.writeLong(instant.getEpochSecond());
            out.writeInt(instant.getNano());
        }
    }

    private static Instant readInstant(DataInputDeserializer in) throws IOException {
        return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    }

    private static void writeIds(Set<String> ids, DataOutputSerializer out) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    private static Set<String> readIds(DataInputDeserializer in) throws IOException {
        int n = in.readInt();
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
        }
        return ids;
    }
}
