package io.enclave.benchmarks.jobs;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures were measured on: CPU, memory, JVM and how busy the machine was. */
public record Machine(String cpu, int cores, long memoryMb, String jvm, long maxHeapMb, String os) {

    public static Machine describe() {
        String cpu = "unknown CPU";
        long memKb = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the figures still stand, with less said about the machine
        }
        return new Machine(
                cpu,
                Runtime.getRuntime().availableProcessors(),
                memKb / 1024,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} shows them. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(
                    "%.2f (1 min)", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
