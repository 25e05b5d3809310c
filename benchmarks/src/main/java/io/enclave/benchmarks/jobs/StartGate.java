package io.enclave.benchmarks.jobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds the sources of one scaling round's jobs at their first message until the source of
 * every job of the round is running, then lets them all go at once. Jobs are submitted one
 * after another and take 0.3-3 s each to deploy; without the gate the first jobs ran alone
 * while the last deployed, and their staggered starts and ends stretched the round's window
 * by 3-4 s, which the total records/s charged to the jobs' throughput. The time each job takes
 * to reach the gate is its start time, reported on its own. Like {@link SinkClock}, it relies on
 * the MiniCluster running in this JVM.
 */
public final class StartGate {
    /** Longest a source waits for the others; a job that never deploys must not hang the round. */
    private static final long MAX_WAIT_SECONDS = 120;

    private static final Map<String, Round> ROUNDS = new ConcurrentHashMap<>();

    private StartGate() {}

    /** One round of {@code jobs} jobs, each arriving once. */
    private record Round(CountDownLatch ready, Map<String, Long> arrivals) {}

    /** Opens a round that lets its sources go when {@code jobs} of them have arrived. */
    public static void open(String round, int jobs) {
        ROUNDS.put(round, new Round(new CountDownLatch(jobs), new ConcurrentHashMap<>()));
    }

    /** Called by a job's source before its first message: notes the arrival, then waits for the round. */
    static void arrive(String round, String runId) {
        Round r = ROUNDS.get(round);
        if (r == null) {
            return;
        }
        r.arrivals().putIfAbsent(runId, System.nanoTime());
        r.ready().countDown();
        try {
            r.ready().await(MAX_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled while waiting: the task is going away
        }
    }

    /** When the job's source arrived at the gate ({@link System#nanoTime()}), or null if it never did. */
    public static Long arrivedNanos(String round, String runId) {
        Round r = ROUNDS.get(round);
        return r == null ? null : r.arrivals().get(runId);
    }

    public static void close(String round) {
        ROUNDS.remove(round);
    }
}
