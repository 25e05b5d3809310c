package io.enclave.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the real OpenFEMA and NWS samples in {@code ../shared/data}. They are never copied into
 * the project, so on a fresh clone without them the tests that need them are skipped, saying why;
 * but under CI ({@code ENCLAVE_CI=1}, set by {@code .ci/run}) a missing sample fails the test, so
 * CI can never pass by silently skipping them.
 */
public final class SharedSamples {
    /** Set to 1 by {@code .ci/run}: the samples must be there. */
    static final String CI_VARIABLE = "ENCLAVE_CI";

    private SharedSamples() {}

    /** The samples directory; skips the calling test without it, or fails it under CI. */
    public static Path dir() {
        // Set by the build from the reactor root (.mvn/ marks it), so any module directory works.
        String configured = System.getProperty("enclave.shared.data");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "data");
        return require(dir, "1".equals(System.getenv(CI_VARIABLE)));
    }

    /** {@code dir} if it holds the samples; otherwise the test is skipped, or failed under CI. */
    static Path require(Path dir, boolean ci) {
        boolean present = Files.isDirectory(dir.resolve("fema")) && Files.isDirectory(dir.resolve("nws"));
        String where = "real samples not found at " + dir.toAbsolutePath().normalize();
        if (!present && ci) {
            fail(where + ": " + CI_VARIABLE + "=1 (CI) requires them, so the tests that need them fail rather than"
                    + " skip; check out ../shared beside the repository, or set -Denclave.shared.data=DIR");
        }
        assumeTrue(present, where + ": ../shared/data sits beside the CI checkout only, so this test is skipped here");
        return dir;
    }

    public static Path fema(String file) {
        return dir().resolve("fema").resolve(file);
    }

    public static Path nws(String file) {
        return dir().resolve("nws").resolve(file);
    }
}
