package io.enclave.benchmarks.jobs;

import io.enclave.benchmarks.steps.StepBenchmarks.Score;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a suite run as one PNG of six bar charts (the noisy neighbour takes two), with Java2D, headless. */
public final class ResultsChart {
    private static final int W = 1400;
    private static final int H = 1270;
    private static final Color BASELINE = new Color(0x9e9e9e);
    private static final Color TENANT = new Color(0x1565c0);
    private static final Color TARGET = new Color(0xc62828);

    private ResultsChart() {}

    /** One bar. */
    private record Bar(String label, double value, Color color) {}

    public static void write(SuiteResults r, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Enclave: what tenant isolation costs", 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(
                String.format(
                        Locale.ROOT,
                        "%d cores, %s; load average at start %s",
                        r.machine().cores(),
                        r.machine().jvm(),
                        r.loadAtStart()),
                20,
                50);

        int pw = W / 2 - 30;
        int ph = 360;
        int row = ph + 50;
        steps(g, r, 20, 70, pw, ph);
        throughput(g, r, W / 2 + 10, 70, pw, ph);
        endToEnd(g, r, 20, 70 + row, pw, ph);
        scaling(g, r, W / 2 + 10, 70 + row, pw, ph);
        noisyLatency(g, r, 20, 70 + 2 * row, pw, ph);
        noisyQuota(g, r, W / 2 + 10, 70 + 2 * row, pw, ph);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void steps(Graphics2D g, SuiteResults r, int x, int y, int w, int h) {
        List<Bar> bars = new ArrayList<>();
        Score parse = r.step("s1_parse", null);
        add(bars, "Jackson tree", r.step("s0_plainJacksonTree", null), BASELINE);
        add(bars, "parse (baseline)", parse, BASELINE);
        add(bars, "+tag+guard", r.step("s2_parseTagGuard", "rocksdb"), TENANT);
        add(bars, "+encrypt 3", r.step("s3_parseTagGuardEncrypt", "rocksdb"), TENANT);
        add(bars, "+sink row (full)", r.step("s4_parseTagGuardSinkRow", "rocksdb"), TENANT);
        add(bars, "full, heap state", r.step("s4_parseTagGuardSinkRow", "hashmap"), TENANT.brighter());
        double target = parse == null ? Double.NaN : parse.nsPerRecord() * SuiteResults.CHAIN_MAX_RATIO;
        panel(
                g,
                x,
                y,
                w,
                h,
                "1. ns per record (JMH), guard state on RocksDB",
                bars,
                "%,.0f",
                target,
                "target ≤ 2.5× parse");
    }

    private static void throughput(Graphics2D g, SuiteResults r, int x, int y, int w, int h) {
        List<Bar> bars = new ArrayList<>();
        ThroughputBenchmark.Result t = r.throughput();
        if (t != null) {
            bars.add(new Bar("pass-through", t.passThrough(), BASELINE));
            bars.add(new Bar("tenant pipeline", t.tenant(), TENANT));
            bars.add(new Bar("CONFIDENTIAL", t.confidential(), TENANT.brighter()));
        }
        panel(
                g,
                x,
                y,
                w,
                h,
                "2. records/s on a MiniCluster, same input, discarding sinks",
                bars,
                "%,.0f",
                t == null ? Double.NaN : t.passThrough() * SuiteResults.THROUGHPUT_MIN_RATIO,
                "target ≥ 0.6×");
    }

    private static void endToEnd(Graphics2D g, SuiteResults r, int x, int y, int w, int h) {
        List<Bar> bars = new ArrayList<>();
        EndToEndBenchmark.Result e = r.endToEnd();
        String title = "3. rows/s end to end, Kafka → Flink → MariaDB";
        if (e != null) {
            bars.add(new Bar("plain Kafka→JDBC", e.plainRowsPerSec(), BASELINE));
            bars.add(new Bar("tenant job", e.tenantRowsPerSec(), TENANT));
            title += String.format(Locale.ROOT, " (latency p50 %.0f ms, p99 %.0f ms)", e.p50Ms(), e.p99Ms());
        }
        panel(g, x, y, w, h, title, bars, "%,.0f", SuiteResults.E2E_MIN_ROWS, "target 20k");
    }

    private static void scaling(Graphics2D g, SuiteResults r, int x, int y, int w, int h) {
        List<Bar> bars = new ArrayList<>();
        double one = Double.NaN;
        if (r.scaling() != null) {
            for (ScalingBenchmark.Result s : r.scaling()) {
                if (s.jobs() == 1) {
                    one = s.totalRps();
                }
                bars.add(new Bar(s.jobs() + (s.jobs() == 1 ? " job" : " jobs") + " total", s.totalRps(), TENANT));
                bars.add(new Bar("per job", s.meanJobRps(), TENANT.brighter()));
            }
        }
        panel(
                g,
                x,
                y,
                w,
                h,
                "4. records/s with 1, 4, 16 tenant jobs on one cluster",
                bars,
                "%,.0f",
                one * SuiteResults.SCALING_MIN_RATIO,
                "target ≥ 0.8× one job");
    }

    private static void noisyLatency(Graphics2D g, SuiteResults r, int x, int y, int w, int h) {
        List<Bar> bars = new ArrayList<>();
        NoisyNeighbourBenchmark.Result n = r.noisy();
        if (n != null) {
            bars.add(new Bar("p50, B idle", n.alone().p50Ms(), BASELINE));
            bars.add(new Bar("p99, B idle", n.alone().p99Ms(), BASELINE));
            bars.add(new Bar("p50, B floods", n.flooded().p50Ms(), TENANT));
            bars.add(new Bar("p99, B floods", n.flooded().p99Ms(), TENANT));
        }
        panel(
                g,
                x,
                y,
                w,
                h,
                "5. tenant A's publish → row latency, ms",
                bars,
                "%,.0f",
                n == null ? Double.NaN : n.alone().p99Ms() * SuiteResults.NOISY_MAX_P99_RATIO,
                "target p99 ≤ 1.5× alone");
    }

    private static void noisyQuota(Graphics2D g, SuiteResults r, int x, int y, int w, int h) {
        List<Bar> bars = new ArrayList<>();
        NoisyNeighbourBenchmark.Result n = r.noisy();
        if (n != null) {
            bars.add(new Bar("B's wire bytes", n.flood().wireBytesPerSec() / 1024, TENANT));
            bars.add(new Bar("B's message bytes", n.flood().payloadBytesPerSec() / 1024, TENANT.brighter()));
        }
        panel(
                g,
                x,
                y,
                w,
                h,
                "5. flooding tenant B's produce rate, KiB/s",
                bars,
                "%,.0f",
                n == null ? Double.NaN : n.settings().quotas().producerByteRate() / 1024.0,
                "producer_byte_rate (target ± 10 %)");
    }

    private static void add(List<Bar> bars, String label, Score s, Color color) {
        if (s != null) {
            bars.add(new Bar(label, s.nsPerRecord(), color));
        }
    }

    private static void panel(
            Graphics2D g,
            int x,
            int y,
            int w,
            int h,
            String title,
            List<Bar> bars,
            String format,
            double target,
            String targetLabel) {
        g.setColor(new Color(0xf5f5f5));
        g.fillRect(x, y, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x + 10, y + 22);
        if (bars.isEmpty()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
            g.drawString("not run", x + 10, y + 50);
            return;
        }
        double max = Double.isNaN(target) ? 0 : target;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
        }
        max *= 1.15;
        int top = y + 40;
        int bottom = y + h - 40;
        int left = x + 20;
        int slot = (w - 40) / bars.size();
        int barW = Math.min(90, slot - 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int bh = (int) ((bottom - top) * (b.value() / max));
            int bx = left + i * slot + (slot - barW) / 2;
            g.setColor(b.color());
            g.fillRect(bx, bottom - bh, barW, bh);
            g.setColor(Color.BLACK);
            String v = String.format(Locale.ROOT, format, b.value());
            g.drawString(v, bx + (barW - g.getFontMetrics().stringWidth(v)) / 2, bottom - bh - 5);
            String label = b.label();
            g.drawString(label, left + i * slot + (slot - g.getFontMetrics().stringWidth(label)) / 2, bottom + 18);
        }
        g.drawLine(left, bottom, x + w - 20, bottom);
        if (!Double.isNaN(target)) {
            int ty = bottom - (int) ((bottom - top) * (target / max));
            g.setColor(TARGET);
            g.setStroke(
                    new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
            g.drawLine(left, ty, x + w - 20, ty);
            g.setStroke(new BasicStroke(1f));
            g.drawString(targetLabel, x + w - 20 - g.getFontMetrics().stringWidth(targetLabel), ty - 4);
        }
    }
}
