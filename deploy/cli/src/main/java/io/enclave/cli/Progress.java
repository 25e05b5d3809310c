package io.enclave.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for work whose total is known (tenants to provision, records to
 * replay), drawn by me.tongfei:progressbar. On a terminal it redraws one line in place; when
 * stderr is a file or a pipe it writes whole ASCII lines, at most one a second, so logs and
 * captured output stay readable. Stdout, which scripts and tests parse, never sees it.
 */
public final class Progress implements AutoCloseable {
    /** Rendered width when stderr is not a terminal, which has no width to ask for. */
    private static final int LINE_WIDTH = 100;
    /** Whether stderr is a terminal the bar can redraw in place. */
    private static final boolean INTERACTIVE = System.console() != null;

    private final PrintWriter err;
    private final String task;
    private final long total;
    private final String unit;
    private ProgressBar bar;
    /** The last line written, so the close's final redraw of an unchanged bar is not written twice. */
    private String lastLine;

    private Progress(PrintWriter err, String task, long total, String unit) {
        this.err = err;
        this.task = task;
        this.total = total;
        this.unit = unit;
    }

    /**
     * A bar for {@code total} {@code unit}s of {@code task}. It appears with the first step, so a
     * command that fails before any progress prints only its wait line and its error.
     */
    public static Progress of(PrintWriter err, String task, long total, String unit) {
        return new Progress(err, task, total, unit);
    }

    /**
     * Says beside the bar what the work waits for now; the bar appears here if it has not yet.
     * When stderr is not a terminal this writes a line, so a log shows each wait as it starts.
     */
    public void waitingFor(String what) {
        ProgressBar started = started();
        started.setExtraMessage("waiting for " + what);
        if (!INTERACTIVE) {
            // Without a terminal the bar redraws only on progress, so the wait gets its own line.
            line(task + ": waiting for " + what + "...");
        }
    }

    /** One unit done; {@code done} names it (shown beside the bar). */
    public void step(String done) {
        stepBy(1, done);
    }

    /** {@code units} done; {@code done} names them (shown beside the bar). */
    public void stepBy(long units, String done) {
        ProgressBar started = started();
        started.setExtraMessage(done);
        started.stepBy(units);
    }

    private ProgressBar started() {
        if (bar == null) {
            err.flush();
            ProgressBarBuilder builder = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setUnit(" " + unit, 1)
                    .hideEta();
            if (INTERACTIVE) {
                // Redrawn every second, so the elapsed time and the current wait stay up to date.
                builder.continuousUpdate().setConsumer(new ConsoleProgressBarConsumer(System.err));
            } else {
                builder.setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new DelegatingProgressBarConsumer(this::line, LINE_WIDTH));
            }
            bar = builder.build();
        }
        return bar;
    }

    private synchronized void line(String rendered) {
        String line = rendered.stripTrailing();
        if (!line.equals(lastLine)) {
            err.println(line);
            err.flush();
            lastLine = line;
        }
    }

    /** Draws the final state, once, and stops redrawing. */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
