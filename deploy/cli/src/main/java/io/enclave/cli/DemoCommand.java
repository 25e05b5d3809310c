package io.enclave.cli;

import io.enclave.cli.demo.EnclaveDemo;
import io.enclave.config.DevMode;
import io.enclave.config.EnclaveConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code enclave demo}: every tenant's job on embedded Kafka, MariaDB and Flink with its web UI. */
@Command(
        name = "demo",
        description = "Run every example tenant's job on embedded Kafka, MariaDB and Flink (web UI on :8081).")
final class DemoCommand implements Callable<Integer> {
    /** The log file's path, the key Flink's log4j configurations read it from. */
    static final String LOG_FILE_PROPERTY = "log.file";

    @Spec
    CommandSpec spec;

    /** Without -c or ENCLAVE_CONFIG, the bundled example. */
    @Mixin
    ConfigOption configFile;

    @Option(
            names = "--duration",
            defaultValue = "0",
            description =
                    "Seconds to publish events, then print the final table and exit; 0 keeps running until Ctrl-C.")
    long durationSeconds;

    @Option(
            names = "--rate",
            defaultValue = "20",
            description = "Events per second per tenant (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Mixin
    TimeoutOption timeout;

    @Option(names = "--replay", description = "FEMA CSV or NWS JSON export to publish to every tenant first.")
    List<Path> replay = List.of();

    @Override
    public Integer call() throws Exception {
        // The demo runs on this machine only, with the examples' dev-only secrets, and says so.
        PrintWriter out = spec.commandLine().getOut();
        out.println("enclave demo: " + DevMode.NOTICE);
        Path config = configFile.fileOr(
                Path.of(System.getProperty("enclave.home", "."), "tenant-config", "examples", "tenants.yaml"));
        // Set by ./enclave for log4j-cli.properties: Flink and Kafka write there, so this console stays the demo's.
        String logFile = System.getProperty(LOG_FILE_PROPERTY);
        if (logFile != null) {
            out.println("Flink and Kafka log to " + logFile);
        }
        Optional<EnclaveConfig> loaded = ConfigFile.load(config, spec, DevMode.ON);
        if (loaded.isEmpty()) {
            return ExitCode.USAGE;
        }
        try (EnclaveDemo demo =
                new EnclaveDemo(loaded.get(), out, spec.commandLine().getErr())) {
            demo.configFile(config);
            // Provisioning four tenants and their key stores takes 15 s on an idle 2-core machine; without --timeout
            // each start-up step gets 120 s, so a busy laptop is not told its broker is unavailable.
            boolean timeoutGiven = spec.commandLine().getParseResult().hasMatchedOption("--timeout");
            demo.start(webPort, timeoutGiven ? timeout.duration() : java.time.Duration.ofSeconds(120));
            out.printf("Tenant databases: %s%n", demo.databaseDescription());
            out.printf(
                    "Verify a tenant's audit chain (signed heads start after two checkpoints): ./enclave audit verify --dev -c %s -t colorado_state"
                            + " --jdbc-url '%s'%n",
                    config, demo.global().databaseJdbcUrl());
            out.printf(
                    "Try to cross tenants: ./enclave probe --dev -c %s --as texas_state --target colorado_state"
                            + " --security-protocol SASL_PLAINTEXT --bootstrap %s --jdbc-url '%s'%n",
                    config, demo.global().kafkaBootstrapServers(), demo.global().databaseJdbcUrl());
            if (durationSeconds > 0) {
                demo.run(rate, Duration.ofSeconds(durationSeconds), replay);
                demo.drainAndReport(Duration.ofSeconds(60));
                return 0;
            }
            CountDownLatch stop = new CountDownLatch(1);
            Thread runner = new Thread(() -> runUntilInterrupted(demo), "demo-publisher");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                runner.interrupt();
                stop.countDown();
            }));
            runner.start();
            out.println("Publishing; press Ctrl-C to stop.");
            out.flush();
            stop.await();
            return 0;
        }
    }

    private void runUntilInterrupted(EnclaveDemo demo) {
        try {
            demo.run(rate, Duration.ZERO, replay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            spec.commandLine().getErr().println("demo stopped: " + e);
        }
    }
}
