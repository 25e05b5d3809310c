package io.enclave.benchmarks.jobs;

import io.enclave.benchmarks.steps.StepBenchmarks.Score;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Writes a suite run as the Markdown tables the README shows. */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(SuiteResults r, String chartFile) {
        return "# Enclave benchmarks: latest run\n\n" + body(r, chartFile, "##");
    }

    /** The tables without the page title, headings at {@code level}, for the README's section. */
    public static String body(SuiteResults r, String chartFile, String level) {
        StringBuilder md = new StringBuilder();
        Machine m = r.machine();
        md.append(f(
                "Run %s UTC in %.1f min with `%s`.%n%n",
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                        .format(r.startedAt().atZone(ZoneOffset.UTC)),
                r.durationSeconds() / 60,
                r.command()));
        md.append("| machine | |\n|---|---|\n");
        md.append(f("| CPU | %s, %d cores |%n", m.cpu(), m.cores()));
        md.append(f("| memory | %,d MB; JVM max heap %,d MB |%n", m.memoryMb(), m.maxHeapMb()));
        md.append(f("| JVM, OS | %s; %s |%n", m.jvm(), m.os()));
        md.append(f("| load average (1/5/15 min) | at start %s; at end %s |%n%n", r.loadAtStart(), r.loadAtEnd()));
        md.append(f("![benchmark chart](%s)%n%n", chartFile));

        targets(md, r);
        steps(md, r);
        throughput(md, r);
        endToEnd(md, r);
        scaling(md, r);
        noisy(md, r);
        return level.equals("##") ? md.toString() : md.toString().replace("\n## ", "\n" + level + " ");
    }

    private static void targets(StringBuilder md, SuiteResults r) {
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        Score parse = r.step("s1_parse", null);
        Score full = r.step("s4_parseTagGuardSinkRow", "rocksdb");
        if (parse != null && full != null) {
            double ratio = full.nsPerRecord() / parse.nsPerRecord();
            md.append(f(
                    "| full per-record chain ≤ %.1f× parse-only | %.2f× (RocksDB guard state, 3 fields"
                            + " encrypted) | %s |%n",
                    SuiteResults.CHAIN_MAX_RATIO, ratio, yes(ratio <= SuiteResults.CHAIN_MAX_RATIO)));
        }
        if (r.throughput() != null) {
            double ratio = r.throughput().ratio();
            md.append(f(
                    "| tenant pipeline ≥ %.1f× pass-through (MiniCluster) | %.2f× | %s |%n",
                    SuiteResults.THROUGHPUT_MIN_RATIO, ratio, yes(ratio >= SuiteResults.THROUGHPUT_MIN_RATIO)));
        }
        if (r.endToEnd() != null) {
            double rows = r.endToEnd().tenantRowsPerSec();
            md.append(f(
                    "| ≥ %,.0f rows/s end to end for one tenant | %,.0f rows/s | %s |%n",
                    SuiteResults.E2E_MIN_ROWS, rows, yes(rows >= SuiteResults.E2E_MIN_ROWS)));
            double ratio = r.endToEnd().ratio();
            md.append(f(
                    "| tenant job end to end ≥ %.1f× the plain Kafka → JDBC job | %.2f× | %s |%n",
                    SuiteResults.E2E_MIN_RATIO, ratio, yes(ratio >= SuiteResults.E2E_MIN_RATIO)));
        }
        if (r.scaling() != null) {
            int failed = 0;
            for (ScalingBenchmark.Result s : r.scaling()) {
                failed += s.failedJobs();
            }
            md.append(f("| 16 jobs run together without failures | %d failed | %s |%n", failed, yes(failed == 0)));
            double ratio = r.scalingRatio(16);
            md.append(f(
                    "| total throughput of 16 jobs ≥ %.1f× one job | %.2f× | %s |%n",
                    SuiteResults.SCALING_MIN_RATIO, ratio, yes(ratio >= SuiteResults.SCALING_MIN_RATIO)));
        }
        if (r.noisy() != null) {
            NoisyNeighbourBenchmark.Result n = r.noisy();
            md.append(f(
                    "| tenant A's p99 while B floods ≤ %.1f× its p99 alone | %.2f× (%.0f ms against %.0f ms) | %s |%n",
                    SuiteResults.NOISY_MAX_P99_RATIO,
                    n.p99Ratio(),
                    n.flooded().p99Ms(),
                    n.alone().p99Ms(),
                    yes(n.p99Ratio() <= SuiteResults.NOISY_MAX_P99_RATIO)));
            md.append(f(
                    "| flooding tenant B's produce rate within %.0f %% of its producer_byte_rate | %.2f× (%,.0f of"
                            + " %,d B/s) | %s |%n",
                    SuiteResults.NOISY_MAX_QUOTA_DEVIATION * 100,
                    n.quotaRatio(),
                    n.flood().wireBytesPerSec(),
                    n.settings().quotas().producerByteRate(),
                    yes(quotaMet(n))));
        }
        md.append('\n');
    }

    /** A share of all cores above which the machine counts as saturated. */
    private static final double SATURATED = 0.9;

    static boolean quotaMet(NoisyNeighbourBenchmark.Result n) {
        return Math.abs(n.quotaRatio() - 1) <= SuiteResults.NOISY_MAX_QUOTA_DEVIATION;
    }

    private static void steps(StringBuilder md, SuiteResults r) {
        if (r.steps() == null) {
            return;
        }
        Score parse = r.step("s1_parse", null);
        md.append("## 1. Per-record cost of each step (JMH)\n\n");
        md.append(f(
                "FEMA declarations generated like the demo's (%.0f bytes on average, 4,096 keys in two"
                        + " versions each, so the guard always accepts); mean time per record, one thread, ±99.9 %%"
                        + " confidence, over %d forks of %d × %d s after %d × %d s of warm-up.",
                r.stepMessageBytes(),
                BenchmarkSuite.STEP_FORKS,
                BenchmarkSuite.STEP_MEASURE_ITERATIONS,
                BenchmarkSuite.STEP_ITERATION_SECONDS,
                BenchmarkSuite.STEP_WARMUP_ITERATIONS,
                BenchmarkSuite.STEP_ITERATION_SECONDS));
        md.append(" The tagger and the keyed guard run inside Flink's operator test"
                + " harness, their keyed state on the backend named (RocksDB with a slot's 64 MB of managed memory),"
                + " each record handed from step to step by reference as chained operators with object reuse do.\n\n");
        md.append("| step | ns/record | ± | × parse-only |\n|---|---:|---:|---:|\n");
        row(
                md,
                "plain Jackson `readTree` (reference, no checks, no mapping)",
                r.step("s0_plainJacksonTree", null),
                parse);
        row(md, "**parse only**: `EventParser` (strict UTF-8, tree, typed fields) — baseline", parse, parse);
        row(
                md,
                "parse + tag + guard, RocksDB state (as tenant jobs run)",
                r.step("s2_parseTagGuard", "rocksdb"),
                parse);
        row(md, "parse + tag + guard, heap state", r.step("s2_parseTagGuard", "hashmap"), parse);
        row(
                md,
                "+ encrypt 3 fields (`EventEncryptor`, as `encrypt[<id>]` runs it), RocksDB state",
                r.step("s3_parseTagGuardEncrypt", "rocksdb"),
                parse);
        row(md, "+ encrypt 3 fields, heap state", r.step("s3_parseTagGuardEncrypt", "hashmap"), parse);
        row(
                md,
                "**full chain**: + sink row (`TenantRowBinder`), RocksDB state",
                r.step("s4_parseTagGuardSinkRow", "rocksdb"),
                parse);
        row(md, "full chain, heap state", r.step("s4_parseTagGuardSinkRow", "hashmap"), parse);
        md.append('\n');
    }

    private static void row(StringBuilder md, String label, Score s, Score parse) {
        if (s == null) {
            return;
        }
        md.append(f(
                "| %s | %,.0f | %,.0f | %.2f× |%n",
                label, s.nsPerRecord(), s.error(), parse == null ? Double.NaN : s.nsPerRecord() / parse.nsPerRecord()));
    }

    private static void throughput(StringBuilder md, SuiteResults r) {
        ThroughputBenchmark.Result t = r.throughput();
        if (t == null) {
            return;
        }
        md.append("## 2. Job throughput on a MiniCluster\n\n");
        md.append(f(
                "%,d pre-generated messages per run (two thirds FEMA, one third NWS, 6 %% built to be refused),"
                        + " parallelism 1, RocksDB, checkpoints every 10 s, every sink discarding. Unless said otherwise a tenant"
                        + " encrypts three fields a record, as in section 1 (NWS: areaDesc, description, instruction)."
                        + " Records/s over the time"
                        + " records reached the sinks; median of %d alternating rounds after one warm-up run of each.%n%n",
                t.records(), t.passThroughRounds().size()));
        md.append("| job | records/s | rounds | × pass-through |\n|---|---:|---|---:|\n");
        md.append(f(
                "| pass-through: source → parse → discard | %,.0f | %s | 1.00× |%n",
                t.passThrough(), rounds(t.passThroughRounds())));
        md.append(f(
                "| tenant pipeline: source → tag → encrypt 3 fields → keyBy → guard → route → 3 sinks"
                        + " | %,.0f | %s | %.2f× |%n",
                t.tenant(), rounds(t.tenantRounds()), t.ratio()));
        md.append(f(
                "| tenant pipeline, a CONFIDENTIAL tenant's defaults (4 FEMA / 5 NWS fields encrypted)"
                        + " | %,.0f | %s | %.2f× |%n",
                t.confidential(), rounds(t.confidentialRounds()), t.confidentialRatio()));
        md.append(f(
                "| the same 3 fields encrypted after the guard, as before issue 14 (plaintext crosses the keyBy)"
                        + " | %,.0f | %s | %.2f× |%n%n",
                t.encryptAfterGuard(), rounds(t.encryptAfterGuardRounds()), t.encryptAfterGuard() / t.passThrough()));
        md.append(f(
                "Encrypting before the keyBy, so only ciphertext crosses the shuffle, runs at %.2f× the"
                        + " throughput of encrypting after the guard (%+.1f %%).%n%n",
                t.placementRatio(), (t.placementRatio() - 1) * 100));
    }

    private static void endToEnd(StringBuilder md, SuiteResults r) {
        EndToEndBenchmark.Result e = r.endToEnd();
        if (e == null) {
            return;
        }
        md.append("## 3. End to end: embedded Kafka → Flink → MariaDB\n\n");
        md.append(f(
                "Each job catches up on %,d valid messages already on its topics (after a quarter as many"
                        + " more, untimed, to warm up); parallelism %d (source, operators"
                        + " and each JDBC sink), %d partitions per topic, batches of %,d rows or %s, "
                        + "`rewriteBatchedStatements=true` in the URL (the plain job's flink-connector-jdbc batch relies on it;"
                        + " the tenant job's sink writes each flush itself as cached multi-row INSERTs, prepared on the"
                        + " server, in one transaction, while the task goes on with the next rows), upserts by natural key,"
                        + " InnoDB buffer pool raised to 1 GB at run time (the embedded server's 64 MB default is sized for"
                        + " tests). Rows/s from the end of the warm-up to the last committed row (progress polled every"
                        + " 200 ms). The jobs run one at a time, %d timed runs each after one untimed run of both, alternating"
                        + " which goes first (the JIT compiler of this one JVM, broker included, is busy for a minute"
                        + " or more), each on fresh topics and empty tables; the figure is the median.%n%n",
                e.records(),
                e.parallelism(),
                e.parallelism(),
                e.batchSize(),
                e.batchInterval(),
                e.tenantRounds().size()));
        md.append(
                "| job | rows/s (median) | runs | caught up after submission | × plain |\n|---|---:|---|---:|---:|\n");
        md.append(f(
                "| plain Kafka → parse → JDBC | %,.0f | %s | %.1f s | 1.00× |%n",
                e.plainRowsPerSec(), rounds(e.plainRounds()), e.plainCatchUpSeconds()));
        md.append(f(
                "| tenant job (`TenantJob`, as `flink run` submits it; 3 fields encrypted) | %,.0f | %s | %.1f s | %.2f× |%n%n",
                e.tenantRowsPerSec(), rounds(e.tenantRounds()), e.tenantCatchUpSeconds(), e.ratio()));
        md.append(f(
                "Latency of the tenant job, publish (Kafka record timestamp) → row written (server clock at"
                        + " insert, per row), at a steady %,d messages/s (half the rate it sustained above): **p50 %.0f ms, p99 %.0f ms**, max %.0f ms over %,d"
                        + " rows. It is bounded below by the sink's batch interval (%s) when the rate does not fill a"
                        + " batch sooner.%n%n",
                e.latencyRate(), e.p50Ms(), e.p99Ms(), e.maxMs(), e.latencyRecords(), e.batchInterval()));
    }

    private static void scaling(StringBuilder md, SuiteResults r) {
        if (r.scaling() == null) {
            return;
        }
        md.append("## 4. Tenant scaling: jobs at once on one local cluster\n\n");
        md.append("One MiniCluster (one TaskManager, a slot per job, 64 MB managed memory per slot), tenant"
                + " pipelines on generated input as in section 2, the same total input split evenly. Heap: live"
                + " heap after a full GC with every job running, minus the idle cluster's, per job. RSS: the"
                + " process's resident set the same way (RocksDB's native memory is here, not in the heap)."
                + " Managed: what the TaskManager handed out (REST metric `Status.Flink.Memory.Managed.Used`), per"
                + " job. The jobs are submitted one after another and each source waits at its first message"
                + " until every job of the round is running, so all start together and the total records/s"
                + " (all records over first to last record at any sink) measures the jobs running side by side,"
                + " not their staggered deployment. Start: submission → the job's source running, ready for its"
                + " first message.\n\n");
        md.append("| jobs | total records/s | × 1 job | per job: mean (slowest) | heap MB/job | RSS MB/job |"
                + " managed MB/job | start s: mean (max) | failed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScalingBenchmark.Result s : r.scaling()) {
            md.append(f(
                    "| %d | %,.0f | %.2f× | %,.0f (%,.0f) | %.1f | %s | %s | %.2f (%.2f) | %d |%n",
                    s.jobs(),
                    s.totalRps(),
                    r.scalingRatio(s.jobs()),
                    s.meanJobRps(),
                    s.minJobRps(),
                    s.heapPerJobMb(),
                    // The process gives memory of earlier sections back while this one runs: a fall is no figure.
                    s.rssPerJobMb() < 0 ? "n/a" : f("%.1f", s.rssPerJobMb()),
                    s.managedPerJobMb() < 0 ? "n/a" : f("%.1f", s.managedPerJobMb()),
                    s.meanStartSeconds(),
                    s.maxStartSeconds(),
                    s.failedJobs()));
        }
        md.append('\n');
    }

    private static void noisy(StringBuilder md, SuiteResults r) {
        NoisyNeighbourBenchmark.Result n = r.noisy();
        if (n == null) {
            return;
        }
        NoisyNeighbourBenchmark.Run a = n.alone();
        NoisyNeighbourBenchmark.Run b = n.flooded();
        NoisyNeighbourBenchmark.Flood flood = n.flood();
        long quota = n.settings().quotas().producerByteRate();
        md.append("## 5. Noisy neighbour: one tenant floods, the other's latency\n\n");
        md.append(f(
                "Two tenants on the embedded broker with SASL/SCRAM, provisioned by `provision`'s own code, each"
                        + " principal with its quotas (producer_byte_rate %,d B/s, consumer_byte_rate %,d B/s,"
                        + " request_percentage %d), MariaDB, and both tenants' `TenantJob`s as `flink run` submits them"
                        + " (parallelism 1, 3 fields encrypted, batches of 5,000 rows or 500ms) on one MiniCluster whose"
                        + " one TaskManager they share. Tenant A's publisher sends %,d valid messages/s for %d s, first"
                        + " while tenant B is idle, then while B's publisher, logged in as B's publisher principal,"
                        + " sends as fast as its producer can (after %d s of flooding, so the broker's 11 s quota window"
                        + " holds only throttled samples). Latency as in section 3: publish (record timestamp) → row"
                        + " written (server clock at insert). CPU: share of all cores busy while A published.%n%n",
                quota,
                n.settings().quotas().consumerByteRate(),
                n.settings().quotas().requestPercentage(),
                n.settings().rate(),
                n.settings().seconds(),
                n.settings().settleSeconds()));
        md.append("| tenant A | B idle | B flooding | × |\n|---|---:|---:|---:|\n");
        md.append(f(
                "| rows/s (first to last row) | %,.0f | %,.0f | %.2f× |%n",
                a.rowsPerSec(), b.rowsPerSec(), ratio(b.rowsPerSec(), a.rowsPerSec())));
        md.append(f(
                "| rows of messages published | %,d of %,d | %,d of %,d | |%n",
                a.rows(), a.published(), b.rows(), b.published()));
        md.append(
                f("| latency p50 | %.0f ms | %.0f ms | %.2f× |%n", a.p50Ms(), b.p50Ms(), ratio(b.p50Ms(), a.p50Ms())));
        md.append(
                f("| **latency p99** | **%.0f ms** | **%.0f ms** | **%.2f×** |%n", a.p99Ms(), b.p99Ms(), n.p99Ratio()));
        md.append(
                f("| latency max | %.0f ms | %.0f ms | %.2f× |%n", a.maxMs(), b.maxMs(), ratio(b.maxMs(), a.maxMs())));
        md.append(f(
                "| CPU busy: machine (this JVM: broker, both jobs, publishers) | %.0f %% (%.0f %%) | %.0f %% (%.0f %%) | |%n%n",
                a.machineCpuShare() * 100, a.jvmCpuShare() * 100, b.machineCpuShare() * 100, b.jvmCpuShare() * 100));
        md.append(
                "| tenant B's flood, over A's publishing window | measured | × producer_byte_rate |\n|---|---:|---:|\n");
        md.append(f(
                "| **produce rate, bytes on the wire** (what the quota counts) | **%,.0f B/s** | **%.2f×** |%n",
                flood.wireBytesPerSec(), n.quotaRatio()));
        md.append(f(
                "| message bytes acknowledged (key + value) | %,.0f B/s (%,.0f msg/s) | %.2f× |%n",
                flood.payloadBytesPerSec(), flood.messagesPerSec(), flood.payloadBytesPerSec() / quota));
        md.append(
                f("| throttle time the producer saw, mean per produce request | %.0f ms | |%n", flood.throttleAvgMs()));
        md.append(f(
                "| the broker's own figures for B's publisher at the end: byte rate (as its quota measures it);"
                        + " throttle time by byte rate; by request time (request_percentage %d %%)"
                        + " | %,.0f B/s; %.0f ms; %.0f ms | %.2f× |%n",
                n.settings().quotas().requestPercentage(),
                flood.brokerByteRate(),
                flood.brokerByteRateThrottleMs(),
                flood.brokerRequestThrottleMs(),
                flood.brokerByteRate() / quota));
        md.append(f("| rows/s B's job wrote meanwhile | %,.0f | |%n%n", flood.jobRowsPerSec()));
        md.append(noisyReading(n)).append("\n\n");
    }

    /**
     * What the figures say about a missed target, from the CPU shares and the broker's throttle
     * time measured in the same run; a profile (JFR, async-profiler) says which code, not this.
     */
    static String noisyReading(NoisyNeighbourBenchmark.Result n) {
        StringBuilder why = new StringBuilder();
        NoisyNeighbourBenchmark.Run a = n.alone();
        NoisyNeighbourBenchmark.Run b = n.flooded();
        if (n.p99Ratio() > SuiteResults.NOISY_MAX_P99_RATIO) {
            why.append(f(
                    "A's p99 target is missed: with B flooding the cores were %.0f %% busy (%.0f %% with B idle)",
                    b.machineCpuShare() * 100, a.machineCpuShare() * 100));
            if (a.machineCpuShare() >= SATURATED) {
                why.append(f(
                        ", so they were saturated before B flooded, this JVM taking only %.0f %% of them: other"
                                + " processes competed for the cores, and the ratio says little about B. Run the"
                                + " section on a quiet machine before reading a cause into it.",
                        a.jvmCpuShare() * 100));
            } else if (b.machineCpuShare() >= SATURATED) {
                why.append(", so A's job waited for CPU that B's job, B's publisher and the broker took within their"
                        + " Kafka quotas: the quotas bound bytes, not CPU, and one TaskManager and one MariaDB are"
                        + " shared (`dedicated_processing` gives a tenant a TaskManager of its own).");
            } else {
                why.append("; the cores were not saturated, so the delay is in a shared queue (broker request"
                        + " handlers, the TaskManager's network stack or MariaDB's log flushes): a profile of the run"
                        + " says which.");
            }
        } else {
            why.append("A's p99 stays within target while B floods.");
        }
        if (!quotaMet(n)) {
            if (n.quotaRatio() > 1) {
                why.append(" B's produce rate is above its quota: the broker lets a principal's rate overshoot until"
                        + " its quota window catches up.");
            } else if (n.flood().throttleAvgMs() <= 0) {
                why.append(" B's produce rate is below its quota and the broker did not throttle it: B's publisher"
                        + " could not send faster on this machine (CPU-bound), so the quota was never reached.");
            } else {
                why.append(f(
                        " B's produce rate is below its quota although the broker throttled it (%.0f ms per request"
                                + " on average; the broker's own throttle time: %.0f ms by byte rate, %.0f ms by request"
                                + " time)",
                        n.flood().throttleAvgMs(),
                        n.flood().brokerByteRateThrottleMs(),
                        n.flood().brokerRequestThrottleMs()));
                why.append(
                        n.flood().brokerRequestThrottleMs() > n.flood().brokerByteRateThrottleMs()
                                ? f(
                                        ": request_percentage (%d %%) bound first; on busy cores (%.0f %% here) each request"
                                                + " takes the broker longer, so B's share of request-handler time runs out"
                                                + " before its bytes do.",
                                        n.settings().quotas().requestPercentage(), b.machineCpuShare() * 100)
                                : ": the byte-rate quota held it below its rate; a profile of the broker and of B's"
                                        + " publisher says why it undershoots.");
            }
        } else {
            why.append(" B is held to its quota.");
        }
        return why.toString();
    }

    private static double ratio(double x, double base) {
        return x / base;
    }

    private static String rounds(java.util.List<Double> values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(f("%,.0f", v));
        }
        return b.toString();
    }

    private static String yes(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
