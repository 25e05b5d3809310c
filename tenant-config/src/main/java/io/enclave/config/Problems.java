package io.enclave.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of one load, so the user sees them all at once and in file order. */
final class Problems {
    private final List<ConfigProblem> found = new ArrayList<>();

    void add(String path, String message, int line) {
        found.add(new ConfigProblem(path, message, line));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Sorted by line; the sort is stable, so problems on one line keep the order they were found in. */
    List<ConfigProblem> inFileOrder() {
        List<ConfigProblem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line));
        return sorted;
    }
}
