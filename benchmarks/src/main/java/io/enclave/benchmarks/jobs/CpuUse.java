package io.enclave.benchmarks.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM and of the whole machine at one instant; two of them give the share of
 * all cores each used in between, so a figure can say whether the cores were saturated and by
 * whom (this JVM: Kafka, Flink and the publishers; the rest: MariaDB and anything else).
 *
 * @param processNanos CPU time of this JVM, -1 if unknown
 * @param machineBusyTicks busy clock ticks of all cores from {@code /proc/stat}, -1 if unknown
 * @param machineTotalTicks all clock ticks of all cores, -1 if unknown
 * @param wallNanos when the sample was taken
 */
record CpuUse(long processNanos, long machineBusyTicks, long machineTotalTicks, long wallNanos) {

    static CpuUse now() {
        long process =
                ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                        ? os.getProcessCpuTime()
                        : -1;
        long busy = -1;
        long total = -1;
        try {
            // cpu user nice system idle iowait irq softirq steal ...: idle and iowait are not busy.
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                total += Long.parseLong(f[i]);
            }
            busy = total - Long.parseLong(f[4]) - Long.parseLong(f[5]);
        } catch (IOException | RuntimeException e) {
            // not Linux: the machine's share is reported as unknown
        }
        return new CpuUse(process, busy, total, System.nanoTime());
    }

    /** This JVM's CPU since {@code earlier}, as a share of all cores (1.0 = every core busy). */
    double processShareSince(CpuUse earlier) {
        if (processNanos < 0 || earlier.processNanos < 0 || wallNanos <= earlier.wallNanos) {
            return Double.NaN;
        }
        return (double) (processNanos - earlier.processNanos)
                / ((wallNanos - earlier.wallNanos)
                        * (double) Runtime.getRuntime().availableProcessors());
    }

    /** The machine's busy share of all cores since {@code earlier}. */
    double machineShareSince(CpuUse earlier) {
        if (machineTotalTicks < 0 || earlier.machineTotalTicks < 0 || machineTotalTicks <= earlier.machineTotalTicks) {
            return Double.NaN;
        }
        return (double) (machineBusyTicks - earlier.machineBusyTicks) / (machineTotalTicks - earlier.machineTotalTicks);
    }
}
