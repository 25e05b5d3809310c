package io.enclave.jobs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the real OpenFEMA and NWS samples in {@code ../shared/data}. They are never copied into
 * the project, so on a fresh clone without them the tests that need them are skipped, saying why.
 */
final class SharedSamples {
    private SharedSamples() {}

    static Path dir() {
        String configured = System.getProperty("enclave.shared.data");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "data");
        assumeTrue(Files.isDirectory(dir.resolve("fema")) && Files.isDirectory(dir.resolve("nws")),
                "real samples not found at " + dir.toAbsolutePath().normalize()
                        + ": ../shared/data sits beside the CI checkout only, so this test is skipped here");
        return dir;
    }

    static Path fema(String file) {
        return dir().resolve("fema").resolve(file);
    }

    static Path nws(String file) {
        return dir().resolve("nws").resolve(file);
    }
}
