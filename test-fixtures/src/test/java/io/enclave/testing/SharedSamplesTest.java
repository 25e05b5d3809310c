package io.enclave.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Missing samples skip a developer's run but fail CI's, saying where they were looked for. */
class SharedSamplesTest {
    @TempDir
    Path dir;

    @Test
    void missingSamplesFailUnderCi() {
        assertThatThrownBy(() -> SharedSamples.require(dir, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining(
                        "real samples not found at " + dir.toAbsolutePath().normalize())
                .hasMessageContaining("ENCLAVE_CI=1");
    }

    @Test
    void missingSamplesSkipOutsideCi() {
        assertThatThrownBy(() -> SharedSamples.require(dir, false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining(
                        "real samples not found at " + dir.toAbsolutePath().normalize());
    }

    @Test
    void presentSamplesAreUsedEitherWay() throws Exception {
        Files.createDirectories(dir.resolve("fema"));
        Files.createDirectories(dir.resolve("nws"));
        assertThat(SharedSamples.require(dir, true)).isEqualTo(dir);
        assertThat(SharedSamples.require(dir, false)).isEqualTo(dir);
    }
}
