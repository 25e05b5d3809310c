package io.enclave.benchmarks.jobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@link TimedDiscardingSink} writers report, by run id. A MiniCluster runs in this JVM,
 * so the harness reads the writers' clocks directly instead of through accumulators.
 */
public final class SinkClock {
    private static final Map<String, Window> WINDOWS = new ConcurrentHashMap<>();

    private SinkClock() {}

    /** When a run's sinks wrote their first and last element, and how many they wrote. */
    public record Window(long firstNanos, long lastNanos, long count) {
        Window merge(Window other) {
            return new Window(
                    Math.min(firstNanos, other.firstNanos), Math.max(lastNanos, other.lastNanos), count + other.count);
        }

        public double seconds() {
            return (lastNanos - firstNanos) / 1e9;
        }
    }

    static void report(String runId, long firstNanos, long lastNanos, long count) {
        if (count == 0) {
            return;
        }
        WINDOWS.merge(runId, new Window(firstNanos, lastNanos, count), Window::merge);
    }

    /** The merged window of every writer of the run, or null if none wrote anything. */
    public static Window window(String runId) {
        return WINDOWS.get(runId);
    }

    public static void clear(String runId) {
        WINDOWS.remove(runId);
    }
}
