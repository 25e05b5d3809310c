package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar.gz the build made works on a machine with only Java: unpacked into an empty directory,
 * its bin/enclave runs from another empty directory with a minimal environment (no Maven, no
 * source tree, no ENCLAVE_* variables), and its lib/ carries no test library but the Kafka test
 * kit that the demo's embedded broker deliberately runs on.
 */
class DistributionITCase {
    @TempDir
    static Path machine;

    private static Path dist;
    private static Path workDir;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("enclave.distribution"));
        assertThat(tarball).as("built by the package phase").isRegularFile();
        Path opt = Files.createDirectories(machine.resolve("opt"));
        Run untar = run(opt, List.of("tar", "-xzf", tarball.toString()));
        assertThat(untar.exit()).as(untar.output()).isZero();
        try (Stream<Path> unpacked = Files.list(opt)) {
            assertThat(unpacked.map(p -> p.getFileName().toString()))
                    .containsExactly(tarball.getFileName().toString().replace(".tar.gz", ""));
        }
        dist = opt.resolve(tarball.getFileName().toString().replace(".tar.gz", ""));
        workDir = Files.createDirectories(machine.resolve("work"));
    }

    @Test
    void versionComesFromTheDistributionsJar() throws Exception {
        Run version = enclave("--version");

        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output().strip()).isEqualTo("enclave " + System.getProperty("enclave.version"));
    }

    @Test
    void validatesTheShippedExampleConfigRefusingItsDevSecretsOutsideDevMode() throws Exception {
        String example = dist.resolve("tenant-config")
                .resolve("examples")
                .resolve("tenants.yaml")
                .toString();

        Run dev = enclave("validate", "--dev", "-c", example);
        assertThat(dev.exit()).as(dev.output()).isZero();
        assertThat(dev.output()).contains(example + ": valid, ").contains("colorado_state");

        Run production = enclave("validate", "-c", example);
        assertThat(production.exit()).as(production.output()).isEqualTo(ExitCode.USAGE);
        assertThat(production.output()).contains("is a development default").doesNotContain("Exception");
    }

    @Test
    void carriesNoTestLibraryButTheEmbeddedBrokersTestKit() throws IOException {
        List<String> jars;
        try (Stream<Path> lib = Files.list(dist.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars)
                .contains(
                        "enclave-cli-" + System.getProperty("enclave.version") + ".jar",
                        "kafka-test-common-runtime-4.2.0.jar",
                        "kafka-test-common-internal-api-4.2.0.jar");
        assertThat(jars)
                .noneMatch(
                        jar -> jar.matches(
                                "(junit|opentest4j|apiguardian|assertj|hamcrest|mockito|archunit|flink-test-utils|enclave-test-fixtures).*"));
        assertThat(jars).noneMatch(jar -> jar.endsWith("-tests.jar"));
    }

    /**
     * The README's first command, from the distribution: it starts Kafka, MariaDB and Flink's clusters out of lib/,
     * so a runtime jar missing there (once flink-metrics-core) fails here, where {@code --help} would not notice.
     */
    @Test
    void theDemoRunsFromTheDistributionAndEveryRecordIsAccountedFor() throws Exception {
        Run demo = enclave("demo", "--duration", "5", "--web-port", String.valueOf(freePort()));

        assertThat(demo.exit()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("Final:").doesNotContain("Exception");
        List<String> finalTable = demo.output()
                .substring(demo.output().indexOf("Final:"))
                .lines()
                .skip(2)
                .takeWhile(line -> !line.isBlank())
                .toList();
        assertThat(finalTable).hasSize(4).allSatisfy(row -> {
            String[] cells = row.trim().split("\\s+");
            long produced = Long.parseLong(cells[1]);
            assertThat(produced).as(row).isPositive();
            assertThat(Long.parseLong(cells[2]) + Long.parseLong(cells[3]))
                    .as("ACCEPTED + REJECTED of %s", row)
                    .isEqualTo(produced);
        });
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Run enclave(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin").resolve("enclave").toString());
        command.addAll(List.of(args));
        return run(workDir, command);
    }

    /** {@code command} in {@code dir}, with only a PATH holding this JVM and the POSIX tools, and a HOME. */
    private static Run run(Path dir, List<String> command) throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        env.put("PATH", javaBin + ":/usr/bin:/bin");
        env.put("HOME", machine.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS))
                .as("%s finished", command)
                .isTrue();
        return new Run(process.exitValue(), output);
    }

    private record Run(int exit, String output) {}
}
