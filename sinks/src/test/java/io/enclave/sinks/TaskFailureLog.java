package io.enclave.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the exceptions that Flink's task threads log at WARN and above, so a test can see why a
 * task failed even when the failure never reaches the client (see TenantJdbcSinksITCase).
 */
final class TaskFailureLog implements AutoCloseable {
    private static final String TASK_LOGGER = "org.apache.flink.runtime.taskmanager.Task";

    private final List<Throwable> thrown = new ArrayList<>();
    private final AbstractAppender appender;
    private final LoggerConfig loggerConfig;
    private final boolean ownLoggerConfig;

    private TaskFailureLog() {
        appender = new AbstractAppender("task-failures-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getThrown() != null) {
                    synchronized (thrown) {
                        thrown.add(event.getThrown());
                    }
                }
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig existing = config.getLoggerConfig(TASK_LOGGER);
        ownLoggerConfig = !existing.getName().equals(TASK_LOGGER);
        if (ownLoggerConfig) {
            existing = new LoggerConfig(TASK_LOGGER, Level.WARN, true);
            config.addLogger(TASK_LOGGER, existing);
        }
        loggerConfig = existing;
        loggerConfig.addAppender(appender, Level.WARN, null);
        context.updateLoggers();
    }

    static TaskFailureLog capture() {
        return new TaskFailureLog();
    }

    /** Every throwable logged by a task, with its whole cause and suppressed chain flattened. */
    List<Throwable> causes() {
        List<Throwable> out = new ArrayList<>();
        synchronized (thrown) {
            for (Throwable t : thrown) {
                flatten(t, out);
            }
        }
        return out;
    }

    private static void flatten(Throwable t, List<Throwable> out) {
        while (t != null && !out.contains(t)) {
            out.add(t);
            for (Throwable s : t.getSuppressed()) {
                flatten(s, out);
            }
            t = t.getCause();
        }
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        loggerConfig.removeAppender(appender.getName());
        if (ownLoggerConfig) {
            context.getConfiguration().removeLogger(TASK_LOGGER);
        }
        context.updateLoggers();
        appender.stop();
    }
}
