package io.enclave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging configuration {@code ./enclave} runs with ({@code flink-conf/log4j-cli.properties}):
 * Flink's, Kafka's and the jobs' log lines reach the file named by {@code log.file} and never the
 * console, which stays the command's own, and Flink's known per-checkpoint metric warning is dropped.
 */
class CliLoggingTest {
    @TempDir
    Path dir;

    @Test
    void flinkAndKafkaLogToTheFileAndNothingLogsToTheConsole() throws IOException {
        Path logFile = dir.resolve("logs").resolve("demo.log");
        List<String> lines = logWith(logFile, context -> {
            warn(context, "org.apache.flink.runtime.taskmanager.Task", "flink task warning");
            warn(context, "org.apache.kafka.clients.NetworkClient", "kafka client warning");
            warn(context, "kafka.server.BrokerServer", "kafka broker warning");
            warn(context, "io.enclave.jobs.TenantPipeline", "enclave job warning");
        });

        assertThat(String.join("\n", lines))
                .contains("flink task warning", "kafka client warning", "kafka broker warning", "enclave job warning");
    }

    @Test
    void noLoggerOfTheCliConfigurationHasAConsoleAppender() throws IOException {
        logWith(dir.resolve("cli.log"), context -> {
            Configuration configuration = context.getConfiguration();
            List<LoggerConfig> loggers =
                    new ArrayList<>(configuration.getLoggers().values());
            loggers.add(configuration.getRootLogger());
            for (LoggerConfig logger : loggers) {
                for (Appender appender : logger.getAppenders().values()) {
                    assertThat(appender).as(logger.getName()).isNotInstanceOf(ConsoleAppender.class);
                }
            }
            assertThat(configuration.getAppenders().values()).noneMatch(ConsoleAppender.class::isInstance);
        });
    }

    @Test
    void flinksPendingCommittablesCollisionIsDroppedAndOtherCollisionsAreKept() throws IOException {
        // Flink's AbstractMetricGroup logs under the MetricGroup interface's name.
        String metricGroup = "org.apache.flink.metrics.MetricGroup";
        List<String> lines = logWith(dir.resolve("demo.log"), context -> {
            warn(
                    context,
                    metricGroup,
                    "Name collision: Group already contains a Metric with the name"
                            + " 'pendingCommittables'. Metric will not be reported.[localhost, taskmanager, job, sink]");
            warn(
                    context,
                    metricGroup,
                    "Name collision: Group already contains a Metric with the name"
                            + " 'accepted'. Metric will not be reported.[localhost, taskmanager, job, guard]");
        });

        assertThat(lines)
                .noneMatch(line -> line.contains("pendingCommittables"))
                .anyMatch(line -> line.contains("'accepted'"));
    }

    /** What {@code logging} wrote through a logger context configured as ./enclave configures its JVM. */
    private static List<String> logWith(Path logFile, java.util.function.Consumer<LoggerContext> logging)
            throws IOException {
        String previous = System.getProperty("log.file");
        System.setProperty("log.file", logFile.toString());
        LoggerContext context = new LoggerContext("enclave-cli-logging-test");
        try {
            context.setConfigLocation(cliConfiguration().toUri());
            logging.accept(context);
        } finally {
            context.stop();
            if (previous == null) {
                System.clearProperty("log.file");
            } else {
                System.setProperty("log.file", previous);
            }
        }
        return Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
    }

    private static void warn(LoggerContext context, String loggerName, String message) {
        Logger logger = context.getLogger(loggerName);
        logger.warn(message);
    }

    /** flink-conf/log4j-cli.properties of this checkout, found from whichever module the test runs in. */
    private static Path cliConfiguration() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("flink-conf").resolve("log4j-cli.properties");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no flink-conf/log4j-cli.properties above " + Path.of("").toAbsolutePath());
    }
}
