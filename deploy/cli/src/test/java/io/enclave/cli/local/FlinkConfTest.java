package io.enclave.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** flink-conf/config.yaml holds what operations rely on, in Flink 2's nested YAML format. */
class FlinkConfTest {
    private static final Path CONF = Path.of("..", "..", "flink-conf", "config.yaml");

    @Test
    void stateCheckpointsRestartsAndUidsAreConfigured() throws IOException {
        Map<String, Object> conf = load();

        assertThat(get(conf, "state.backend.type")).isEqualTo("rocksdb");
        assertThat(get(conf, "state.backend.incremental")).isEqualTo(true);
        // Unset, so each tenant's job keeps its state in its own directory under the Enclave home.
        assertThat(get(conf, "execution.checkpointing.dir")).isNull();
        assertThat(get(conf, "execution.checkpointing.savepoint-dir")).isNull();
        assertThat(get(conf, "execution.checkpointing.externalized-checkpoint-retention"))
                .isEqualTo("RETAIN_ON_CANCELLATION");
        assertThat(get(conf, "restart-strategy.type")).isEqualTo("exponential-delay");
        assertThat(get(conf, "pipeline.auto-generate-uids")).isEqualTo(false);
    }

    /** /tmp is shared by every local account: state there could be read, or planted, by anyone on the host. */
    @Test
    void noStateGoesToTmp() throws IOException {
        assertThat(Files.readString(CONF)).doesNotContain("/tmp");
    }

    @Test
    void webUiIsReadOnlyAndMetricsGoToPrometheusAndJmx() throws IOException {
        Map<String, Object> conf = load();

        assertThat(get(conf, "web.submit.enable")).isEqualTo(false);
        assertThat(get(conf, "web.cancel.enable")).isEqualTo(false);
        assertThat(get(conf, "rest.port")).isEqualTo(8081);
        assertThat(get(conf, "metrics.reporter.prom.factory\\.class"))
                .isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(get(conf, "metrics.reporter.prom.port")).isEqualTo("9249-9260");
        assertThat(get(conf, "metrics.reporter.jmx.factory\\.class"))
                .isEqualTo("org.apache.flink.metrics.jmx.JMXReporterFactory");
    }

    @Test
    void java17OpensTheModulesFlinkNeeds() throws IOException {
        String opts = (String) get(load(), "env.java.opts.all");

        assertThat(opts)
                .contains(
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "--add-opens=java.base/java.util=ALL-UNNAMED",
                        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.util=ALL-UNNAMED");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() throws IOException {
        return (Map<String, Object>) new Yaml().load(Files.readString(CONF));
    }

    /** Nested lookup; {@code \\.} is a dot inside one key (Flink allows flattened keys at any level). */
    private static Object get(Map<String, Object> conf, String path) {
        Object node = conf;
        for (String part : path.split("(?<!\\\\)\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part.replace("\\.", "."));
        }
        return node;
    }
}
