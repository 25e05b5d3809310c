package io.enclave.ingest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands each split to one fixed subtask ({@code ordinal % parallelism}), so that every subtask
 * gets its share of the splits and of the rate limit. Splits come back here only on failover;
 * its checkpoint holds those not yet handed out. In {@code --once} mode each reader is told
 * there are no more splits once it has its own, so it can finish when they have caught up.
 */
final class PollSplitEnumerator implements SplitEnumerator<PollSplit, List<PollSplit>> {
    private final SplitEnumeratorContext<PollSplit> context;
    private final List<PollSplit> pending;
    private final boolean bounded;

    PollSplitEnumerator(SplitEnumeratorContext<PollSplit> context, List<PollSplit> pending, boolean bounded) {
        this.context = context;
        this.pending = new ArrayList<>(pending);
        this.bounded = bounded;
    }

    @Override
    public void start() {
        // Splits are fixed by config; they are handed out as readers register.
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Assignment is push-only.
    }

    @Override
    public void addSplitsBack(List<PollSplit> splits, int subtaskId) {
        pending.addAll(splits);
        if (context.registeredReaders().containsKey(subtaskId)) {
            assign(subtaskId);
        }
    }

    @Override
    public void addReader(int subtaskId) {
        assign(subtaskId);
    }

    private void assign(int subtaskId) {
        int parallelism = context.currentParallelism();
        for (Iterator<PollSplit> it = pending.iterator(); it.hasNext(); ) {
            PollSplit split = it.next();
            if (split.ordinal() % parallelism == subtaskId) {
                context.assignSplit(split, subtaskId);
                it.remove();
            }
        }
        if (bounded) {
            context.signalNoMoreSplits(subtaskId);
        }
    }

    @Override
    public List<PollSplit> snapshotState(long checkpointId) {
        return List.copyOf(pending);
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
