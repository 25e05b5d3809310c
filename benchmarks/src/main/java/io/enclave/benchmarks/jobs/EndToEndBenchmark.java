package io.enclave.benchmarks.jobs;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import io.enclave.jobs.TenantJob;
import io.enclave.sinks.TenantDatabase;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Section 3, end to end on the embedded KRaft broker and MariaDB: rows/s from topic to
 * committed rows for one tenant's real job ({@link TenantJob#environment}) and for the plain
 * {@link PlainKafkaJdbcJob}, one at a time on one MiniCluster, each catching up on the same
 * number of messages published to its own topics beforehand (generated, all valid, so every
 * message becomes exactly one row). The first quarter more warms each job up untimed.
 *
 * <p>Rounds: the two jobs run {@link #TIMED_ROUNDS} times each, alternating which goes first
 * (tenant first, then plain first, and so on), after one untimed round of both: in one JVM with
 * the broker, the JIT compiler is still busy for a minute or more, and whichever job ran second
 * used to find it warmer. Each run has its own tenant, topics and tables, dropped after the run,
 * so every run starts on empty tables. The figures are the medians of the timed runs.
 *
 * <p>Throughput: progress is polled every 200 ms from the server's {@code Handler_write}
 * counter (a {@code COUNT(*)} of an InnoDB table scans it, and polling that five times a second
 * took a tenth of a core from the jobs measured); the last row is confirmed by counting the
 * tables. Rows/s is the rows committed between the first poll past the warm-up rows and the
 * poll that sees the last one, over that time, so job deployment, connection set-up and the
 * cold JIT are left out (they are reported apart as the catch-up time from submission).
 *
 * <p>Latency: with the tenant's job of the last round caught up, a trigger is added that
 * stamps each row inserted from then on with the server's clock at insert ({@code
 * SYSDATE(6)}, per row, not per statement), and messages are published at a steady rate, each
 * with its Kafka record timestamp set to the wall clock at send, by default at half the rate
 * the job was measured to sustain (at full capacity, queueing would be all one measures).
 * Latency = insert stamp minus record timestamp, per row; both clocks are this machine's. The
 * row commits when its batch statement ends, a few milliseconds after its stamp.
 */
public final class EndToEndBenchmark {
    /** Timed runs of each job; one untimed run of each comes first. */
    static final int TIMED_ROUNDS = 5;

    /** The figures of one run. */
    public record Result(
            long records,
            int parallelism,
            int batchSize,
            String batchInterval,
            String jdbcOptions,
            double tenantRowsPerSec,
            double plainRowsPerSec,
            List<Double> tenantRounds,
            List<Double> plainRounds,
            double tenantCatchUpSeconds,
            double plainCatchUpSeconds,
            int latencyRate,
            int latencyRecords,
            double p50Ms,
            double p99Ms,
            double maxMs) {
        public double ratio() {
            return tenantRowsPerSec / plainRowsPerSec;
        }
    }

    /** Knobs of the section; a latency rate of 0 means half the tenant job's measured rows/s. */
    public record Settings(
            long records,
            int parallelism,
            int batchSize,
            String batchInterval,
            String jdbcOptions,
            int latencyRate,
            int latencySeconds) {}

    /** Connector/J options on top of the embedded server's URL ({@code rewriteBatchedStatements=true}, ...). */
    public static final String DEFAULT_JDBC_OPTIONS = "";

    /** InnoDB buffer pool for the run, set at run time on the embedded server. */
    static final long BUFFER_POOL_BYTES = 1024L * 1024 * 1024;

    private final Settings s;
    private final PrintStream log;

    public EndToEndBenchmark(Settings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    /** One job's run: which tenant it is for and whether it is the tenant's job or the plain one. */
    private record Run(int round, boolean tenantJob, TenantConfig tenant, TenantConfig other) {
        String label() {
            return (tenantJob ? "tenant job" : "plain job ") + (round == 0 ? " (warm-up)" : " round " + round);
        }
    }

    public Result run() throws Exception {
        log.println("  starting embedded Kafka and MariaDB ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedMariaDb db = EmbeddedMariaDb.start(0)) {
            int rounds = TIMED_ROUNDS + 1;
            EnclaveConfig config = BenchTenants.generate(
                    "e2e",
                    2 * rounds,
                    new BenchTenants.Processing(
                            s.parallelism(),
                            s.batchSize(),
                            s.batchInterval(),
                            "10s",
                            s.parallelism(),
                            BenchTenants.Encryption.THREE_FIELDS),
                    kafka.bootstrapServers(),
                    s.jdbcOptions().isEmpty() ? db.rootJdbcUrl() : db.rootJdbcUrl() + "&" + s.jdbcOptions());
            List<Run> runs = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                Run tenantRun = new Run(r, true, tenantOf(config, 2 * r), tenantOf(config, 2 * r + 1));
                Run plainRun = new Run(r, false, tenantOf(config, 2 * r + 1), tenantOf(config, 2 * r));
                // Even rounds run the plain job first, so neither job always finds the JIT warmer.
                runs.addAll(r > 0 && r % 2 == 0 ? List.of(plainRun, tenantRun) : List.of(tenantRun, plainRun));
            }
            try (Connection root = db.rootConnection();
                    Statement st = root.createStatement()) {
                // The embedded server starts with a 64 MB buffer pool, sized for tests; 250,000 rows of
                // ~1.5 kB with random UUID keys outgrow it and every insert would wait on disk reads.
                st.execute("SET GLOBAL innodb_buffer_pool_size = " + BUFFER_POOL_BYTES);
                for (Run run : runs) {
                    TenantDatabase database = new TenantDatabase(run.tenant(), new MySqlDialect());
                    database.createSchema(root);
                    database.createUser(root);
                    kafka.createTopics(
                            run.tenant().processing().topicPartitions(),
                            run.tenant().names().topics().toArray(String[]::new));
                }
            }
            try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                long t0 = System.nanoTime();
                for (Run run : runs) {
                    publish(producer, run.tenant(), run.other(), total(), 20260804L, null, 0);
                }
                log.printf(
                        "  published %,d messages (%,d to warm up, %,d timed) to each of %d jobs' topics in %.1f s%n",
                        total(), warmRows(), s.records(), runs.size(), (System.nanoTime() - t0) / 1e9);

                List<Double> tenantRates = new ArrayList<>();
                List<Double> plainRates = new ArrayList<>();
                List<Double> tenantCatchUps = new ArrayList<>();
                List<Double> plainCatchUps = new ArrayList<>();
                double[] latency = null;
                int rate = 0;
                try (BenchCluster cluster = new BenchCluster(4, MemorySize.ofMebiBytes(64))) {
                    for (Run run : runs) {
                        StreamGraph graph;
                        if (run.tenantJob()) {
                            graph = TenantJob.environment(config.global(), run.tenant())
                                    .getStreamGraph();
                            graph.setJobName(run.tenant().names().jobName());
                        } else {
                            graph = PlainKafkaJdbcJob.build(config.global(), run.tenant());
                        }
                        Progress start = Progress.of(db, run.tenant());
                        JobID job = cluster.submit(graph);
                        double[] measured = awaitRows(db, run.tenant(), start, warmRows(), total(), System.nanoTime());
                        log.printf(
                                "  [%tT] %s: %,.0f rows/s (caught up %.1f s after submission)%n",
                                System.currentTimeMillis(), run.label(), measured[0], measured[1]);
                        if (run.round() > 0) {
                            (run.tenantJob() ? tenantRates : plainRates).add(measured[0]);
                            (run.tenantJob() ? tenantCatchUps : plainCatchUps).add(measured[1]);
                        }
                        if (run.tenantJob() && run.round() == rounds - 1) {
                            // Latency is measured below capacity: at a rate the job sustains, queueing would dominate.
                            rate = s.latencyRate() > 0
                                    ? s.latencyRate()
                                    : Math.max(100, (int) (ThroughputBenchmark.median(tenantRates) / 2 / 100) * 100);
                            latency = latency(db, producer, run.tenant(), run.other(), rate);
                        }
                        cluster.cancel(job);
                        try (Connection root = db.rootConnection();
                                Statement st = root.createStatement()) {
                            // The next run starts on empty tables, and this run's pages leave the buffer pool.
                            st.execute("DROP DATABASE "
                                    + SqlDialect.quote(run.tenant().database().schema()));
                        }
                    }
                }
                return new Result(
                        s.records(),
                        s.parallelism(),
                        s.batchSize(),
                        s.batchInterval(),
                        s.jdbcOptions(),
                        ThroughputBenchmark.median(tenantRates),
                        ThroughputBenchmark.median(plainRates),
                        List.copyOf(tenantRates),
                        List.copyOf(plainRates),
                        ThroughputBenchmark.median(tenantCatchUps),
                        ThroughputBenchmark.median(plainCatchUps),
                        rate,
                        (int) latency[3],
                        latency[0],
                        latency[1],
                        latency[2]);
            }
        }
    }

    private static TenantConfig tenantOf(EnclaveConfig config, int index) {
        return config.tenant(String.format(java.util.Locale.ROOT, "e2e_%02d", index));
    }

    /** Rows each job writes before the timing starts: a quarter of the timed ones. */
    private long warmRows() {
        return s.records() / 4;
    }

    /** Messages each job catches up on: the warm-up ones, then the timed ones. */
    private long total() {
        return warmRows() + s.records();
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    /**
     * Publishes {@code count} valid messages to {@code tenant}'s topics; at {@code rate} per
     * second if positive, noting each key's record timestamp in {@code sentAt}.
     */
    static void publish(
            KafkaProducer<String, byte[]> producer,
            TenantConfig tenant,
            TenantConfig other,
            long count,
            long seed,
            Map<String, Long> sentAt,
            int rate)
            throws InterruptedException {
        EventGenerator generator = new EventGenerator(tenant, other.id(), seed, 0.0);
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            if (rate > 0) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            GeneratedEvent e = generator.next();
            long now = System.currentTimeMillis();
            if (sentAt != null) {
                sentAt.put(e.key(), now);
            }
            producer.send(new ProducerRecord<>(e.topic(), null, now, e.key(), e.payload()));
        }
        producer.flush();
    }

    /**
     * Polls until the tenant's tables hold {@code expected} rows. Returns rows/s from the first
     * poll that sees at least {@code warmRows} rows (those first rows warm the JIT, the Kafka
     * client and the JDBC driver, and are not timed) to the poll that sees the last one, and the
     * seconds from {@code submittedNanos} to the last row. Progress comes from the server's
     * {@code Handler_write} (only one job writes at a time; its few audit rows count too,
     * a few dozen among a quarter million), the end from counting the tables.
     */
    private double[] awaitRows(
            EmbeddedMariaDb db, TenantConfig tenant, Progress start, long warmRows, long expected, long submittedNanos)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        long warmNanos = 0;
        long rowsAtWarm = 0;
        long rows = 0;
        try (Connection root = db.rootConnection()) {
            while (System.nanoTime() < deadline) {
                long estimate = start.rows() + rowsInserted(root) - start.written();
                long now = System.nanoTime();
                if (estimate >= Math.max(1, warmRows) && warmNanos == 0) {
                    warmNanos = now;
                    rowsAtWarm = Math.min(estimate, expected);
                }
                if (estimate >= expected) {
                    rows = rows(root, tenant);
                    now = System.nanoTime();
                    if (rows >= expected) {
                        double catchUp = (now - submittedNanos) / 1e9;
                        double rate = rowsAtWarm < expected && now > warmNanos
                                ? (expected - rowsAtWarm) / ((now - warmNanos) / 1e9)
                                : expected / catchUp;
                        return new double[] {rate, catchUp};
                    }
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(tenant.id() + ": only " + rows + " of " + expected + " rows after 5 minutes");
    }

    /** The tenant's rows and the server's {@link #rowsInserted} when a measurement starts. */
    private record Progress(long rows, long written) {
        static Progress of(EmbeddedMariaDb db, TenantConfig tenant) throws SQLException {
            try (Connection root = db.rootConnection()) {
                return new Progress(EndToEndBenchmark.rows(root, tenant), rowsInserted(root));
            }
        }
    }

    /**
     * The server's count of rows written by any handler since it started ({@code Handler_write};
     * MariaDB 11 has no {@code Innodb_rows_inserted}). This query itself writes none.
     */
    private static long rowsInserted(Connection root) throws SQLException {
        try (Statement st = root.createStatement();
                ResultSet rs = st.executeQuery("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                        + " WHERE VARIABLE_NAME = 'HANDLER_WRITE'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long rows(Connection root, TenantConfig tenant) throws SQLException {
        long total = 0;
        try (Statement st = root.createStatement()) {
            for (StreamKind stream : StreamKind.values()) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM "
                        + SqlDialect.qualified(tenant.database().schema(), stream.table()))) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
        }
        return total;
    }

    /** p50, p99, max in ms, and the number of rows measured. */
    private double[] latency(
            EmbeddedMariaDb db,
            KafkaProducer<String, byte[]> producer,
            TenantConfig tenant,
            TenantConfig other,
            int rate)
            throws Exception {
        try (Connection root = db.rootConnection()) {
            RowLatency.stampInserts(root, tenant);
        }
        int count = rate * s.latencySeconds();
        Map<String, Long> sentAt = new HashMap<>();
        Progress start = Progress.of(db, tenant);
        publish(producer, tenant, other, count, 20260805L, sentAt, rate);
        awaitRows(db, tenant, start, 0, total() + count, System.nanoTime());
        RowLatency.Measured m;
        try (Connection root = db.rootConnection()) {
            m = RowLatency.read(root, tenant, sentAt);
        }
        log.printf(
                "  latency at %,d msg/s: %d rows, p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                rate, m.sortedMs().size(), m.percentile(0.50), m.percentile(0.99), m.maxMs());
        return new double[] {
            m.percentile(0.50), m.percentile(0.99), m.maxMs(), m.sortedMs().size()
        };
    }

    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
