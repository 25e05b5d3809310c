package io.enclave.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Writes the enumerator's checkpoint: the splits not yet handed to a reader. */
public final class PendingSplitsSerializer implements SimpleVersionedSerializer<List<PollSplit>> {
    private static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(List<PollSplit> splits) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeInt(splits.size());
        for (PollSplit split : splits) {
            PollSplitSerializer.write(split, out);
        }
        return out.getCopyOfBuffer();
    }

    @Override
    public List<PollSplit> deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException("unknown pending-splits serialization version " + version);
        }
        DataInputDeserializer in = new DataInputDeserializer(serialized);
        int n = in.readInt();
        List<PollSplit> splits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            splits.add(PollSplitSerializer.read(in));
        }
        return splits;
    }
}
