package io.enclave.benchmarks.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the latest results into the README's Benchmarks section, between two HTML comment
 * markers, so the README always shows the table and chart of the last full run.
 */
public final class ReadmeSection {
    static final String START = "<!-- benchmark-results:start";
    static final String END = "<!-- benchmark-results:end -->";

    private ReadmeSection() {}

    /** Replaces what is between the markers; returns false if the README has none. */
    public static boolean update(Path readme, String markdown) throws IOException {
        if (!Files.isRegularFile(readme)) {
            return false;
        }
        String text = Files.readString(readme);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        if (start < 0 || end < start) {
            return false;
        }
        int afterStart = text.indexOf('\n', start) + 1;
        Files.writeString(readme, text.substring(0, afterStart) + markdown + text.substring(end));
        return true;
    }
}
