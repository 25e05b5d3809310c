package io.enclave.benchmarks.jobs;

import io.enclave.cli.provision.DatabaseProvisioner;
import io.enclave.cli.provision.KafkaProvisioner;
import io.enclave.cli.provision.ProvisionReport;
import io.enclave.config.EnclaveConfig;
import io.enclave.config.GlobalSettings;
import io.enclave.config.KafkaClientLogin;
import io.enclave.config.KafkaCredentials;
import io.enclave.config.KafkaQuotas;
import io.enclave.config.TenantConfig;
import io.enclave.embedded.EmbeddedKafka;
import io.enclave.embedded.EmbeddedMariaDb;
import io.enclave.embedded.events.EventGenerator;
import io.enclave.embedded.events.GeneratedEvent;
import io.enclave.jobs.TenantJob;
import io.enclave.sinks.dialect.MySqlDialect;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Section 5, noisy neighbour: does one tenant's flood slow another tenant down? Two tenants on
 * the embedded broker with SASL/SCRAM, provisioned through the code {@code ./enclave provision}
 * runs (principals, ACLs and the client quotas of the config, both tenants alike), MariaDB, and
 * both tenants' {@link TenantJob}s, as {@code flink run} submits them, on one MiniCluster with one
 * shared TaskManager, as the local cluster runs tenants that are not dedicated.
 *
 * <p>Run 1: tenant A's publisher sends at a steady rate while B is idle. Run 2: the same while
 * B's publisher, logged in as B's publisher principal so its quota applies, sends as fast as
 * its producer lets it. B floods for {@link Settings#settleSeconds} first: the broker measures a
 * principal's rate over 11 one-second samples, so only after those is B held at its quota, not
 * in the burst a fresh principal is let through. A's latency is measured as section 3 measures
 * it ({@link RowLatency}). B's produce rate is the producer's bytes on the wire (what the
 * broker's quota counts: whole produce requests) over A's publishing window.
 */
public final class NoisyNeighbourBenchmark {
    /** The SASL broker's super user, which provisions. */
    private static final String ADMIN = "enclave-admin";

    private static final String ADMIN_PASSWORD = "bench-admin-secret";

    /** Knobs of the section: A's steady rate, how long each run publishes, and the quotas both tenants get. */
    public record Settings(int rate, int seconds, int settleSeconds, KafkaQuotas quotas) {}

    /** Tenant A's figures in one run, and how busy the cores were meanwhile. */
    public record Run(
            int published,
            int rows,
            double rowsPerSec,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double jvmCpuShare,
            double machineCpuShare) {}

    /**
     * B's flood over run 2's window, and the embedded broker's own quota metrics of B's
     * publisher at its end (NaN where the broker has none): its byte rate as the producer quota
     * measures it, and the throttle time of the byte-rate and the request-time quota apart.
     */
    public record Flood(
            double wireBytesPerSec,
            double payloadBytesPerSec,
            double messagesPerSec,
            double throttleAvgMs,
            double jobRowsPerSec,
            double brokerByteRate,
            double brokerByteRateThrottleMs,
            double brokerRequestThrottleMs) {}

    /** The figures of the section. */
    public record Result(Settings settings, Run alone, Run flooded, Flood flood) {
        /** A's p99 under B's flood over its p99 alone. */
        public double p99Ratio() {
            return flooded.p99Ms() / alone.p99Ms();
        }

        /** B's achieved produce rate over its configured {@code producer_byte_rate}. */
        public double quotaRatio() {
            return flood.wireBytesPerSec() / settings.quotas().producerByteRate();
        }
    }

    private final Settings s;
    private final PrintStream log;

    public NoisyNeighbourBenchmark(Settings settings, PrintStream log) {
        this.s = settings;
        this.log = log;
    }

    public Result run() throws Exception {
        log.println("  starting embedded Kafka (SASL/SCRAM) and MariaDB ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.startWithSasl(ADMIN, ADMIN_PASSWORD);
                EmbeddedMariaDb db = EmbeddedMariaDb.start(0)) {
            // Section 3's settings: parallelism 1 here, one slot per tenant on the shared TaskManager.
            EnclaveConfig config = BenchTenants.generate(
                    "noisy",
                    2,
                    new BenchTenants.Processing(1, 5000, "500ms", "10s", 1, BenchTenants.Encryption.THREE_FIELDS),
                    kafka.bootstrapServers(),
                    db.rootJdbcUrl(),
                    s.quotas());
            TenantConfig a = config.tenant("noisy_00");
            TenantConfig b = config.tenant("noisy_01");
            provision(kafka, db, config);
            for (TenantConfig t : List.of(a, b)) {
                awaitQuotaOnBroker(kafka.admin(), t.kafka().username());
                awaitQuotaOnBroker(kafka.admin(), t.kafkaPublisher().username());
            }
            try (Connection root = db.rootConnection();
                    Statement st = root.createStatement()) {
                st.execute("SET GLOBAL innodb_buffer_pool_size = " + EndToEndBenchmark.BUFFER_POOL_BYTES);
                RowLatency.stampInserts(root, a);
            }
            log.printf(
                    "  provisioned 2 tenants, each principal with producer_byte_rate %,d, consumer_byte_rate %,d,"
                            + " request_percentage %d%n",
                    s.quotas().producerByteRate(),
                    s.quotas().consumerByteRate(),
                    s.quotas().requestPercentage());

            GlobalSettings global = config.global();
            try (BenchCluster cluster = new BenchCluster(4, MemorySize.ofMebiBytes(64));
                    KafkaProducer<String, byte[]> publisherA =
                            producer(global, a.kafkaPublisher(), 256 * 1024, 32L << 20);
                    Connection root = db.rootConnection()) {
                for (TenantConfig t : List.of(a, b)) {
                    StreamGraph graph = TenantJob.environment(global, t).getStreamGraph();
                    graph.setJobName(t.names().jobName());
                    cluster.submit(graph);
                }
                // Both jobs deployed, connected and past the cold JIT before anything is timed.
                int warm = Math.max(100, s.rate() * 3);
                EndToEndBenchmark.publish(publisherA, a, b, warm, 20261201L, null, s.rate());
                try (KafkaProducer<String, byte[]> publisherB =
                        producer(global, b.kafkaPublisher(), 256 * 1024, 32L << 20)) {
                    EndToEndBenchmark.publish(publisherB, b, a, warm, 20261202L, null, s.rate());
                }
                long expectedA = warm;
                awaitRows(root, a, expectedA);
                awaitRows(root, b, warm);
                log.printf("  [%tT] both jobs running and warm%n", System.currentTimeMillis());

                Run alone = measure(root, publisherA, a, b, 20261203L, expectedA, () -> {});
                expectedA += alone.published();
                log.printf("  [%tT] A alone:        %s%n", System.currentTimeMillis(), describe(alone));

                Run flooded;
                Flood flood;
                long poolStart = System.nanoTime();
                try (Flooder flooder = new Flooder(
                        global, b, a, s.quotas().producerByteRate() * (s.settleSeconds() + s.seconds() + 5L))) {
                    log.printf(
                            "  generated B's %,d flood messages in %.1f s%n",
                            flooder.pooled(), (System.nanoTime() - poolStart) / 1e9);
                    Thread thread = new Thread(flooder, "noisy-flood-" + b.id());
                    thread.setDaemon(true);
                    thread.start();
                    log.printf("  B floods; waiting %d s for its quota window to fill ...%n", s.settleSeconds());
                    Thread.sleep(TimeUnit.SECONDS.toMillis(s.settleSeconds()));
                    Flooder.Snapshot before = flooder.snapshot();
                    long rowsB = EndToEndBenchmark.rows(root, b);
                    // measure() returns once A's rows are in; B is sampled when A's publishing ends.
                    Flooder.Snapshot[] after = new Flooder.Snapshot[1];
                    long[] rowsBAfter = new long[1];
                    flooded = measure(root, publisherA, a, b, 20261204L, expectedA, () -> {
                        after[0] = flooder.snapshot();
                        try (Connection c = db.rootConnection()) {
                            rowsBAfter[0] = EndToEndBenchmark.rows(c, b);
                        }
                    });
                    double seconds = (after[0].nanos() - before.nanos()) / 1e9;
                    flood = new Flood(
                            (after[0].wireBytes() - before.wireBytes()) / seconds,
                            (after[0].payloadBytes() - before.payloadBytes()) / seconds,
                            (after[0].messages() - before.messages()) / seconds,
                            after[0].throttleAvgMs(),
                            (rowsBAfter[0] - rowsB) / seconds,
                            brokerMetric("Produce", b.kafkaPublisher().username(), "byte-rate"),
                            brokerMetric("Produce", b.kafkaPublisher().username(), "throttle-time"),
                            brokerMetric("Request", b.kafkaPublisher().username(), "throttle-time"));
                    flooder.stop();
                    thread.join(TimeUnit.SECONDS.toMillis(30));
                }
                log.printf("  [%tT] A under flood:  %s%n", System.currentTimeMillis(), describe(flooded));
                log.printf(
                        "  B's flood: %,.0f B/s on the wire (%.2f× its producer_byte_rate of %,d), %,.0f msg/s,"
                                + " throttle %.0f ms per request on average (broker: byte rate %,.0f B/s, throttle"
                                + " %.0f ms by byte rate, %.0f ms by request time); B's job wrote %,.0f rows/s%n",
                        flood.wireBytesPerSec(),
                        flood.wireBytesPerSec() / s.quotas().producerByteRate(),
                        s.quotas().producerByteRate(),
                        flood.messagesPerSec(),
                        flood.throttleAvgMs(),
                        flood.brokerByteRate(),
                        flood.brokerByteRateThrottleMs(),
                        flood.brokerRequestThrottleMs(),
                        flood.jobRowsPerSec());
                return new Result(s, alone, flooded, flood);
            }
        }
    }

    /** Something done the moment A's publishing of a run ends. */
    @FunctionalInterface
    private interface AtEnd {
        void run() throws Exception;
    }

    /** Publishes {@link Settings#seconds} of A's steady rate, waits for every row, and reads A's latency. */
    private Run measure(
            Connection root,
            KafkaProducer<String, byte[]> publisher,
            TenantConfig a,
            TenantConfig b,
            long seed,
            long rowsBefore,
            AtEnd atEnd)
            throws Exception {
        int count = s.rate() * s.seconds();
        Map<String, Long> sentAt = new HashMap<>();
        CpuUse start = CpuUse.now();
        EndToEndBenchmark.publish(publisher, a, b, count, seed, sentAt, s.rate());
        CpuUse end = CpuUse.now();
        atEnd.run();
        awaitRows(root, a, rowsBefore + count);
        RowLatency.Measured m = RowLatency.read(root, a, sentAt);
        return new Run(
                count,
                m.sortedMs().size(),
                m.rowsPerSec(),
                m.percentile(0.50),
                m.percentile(0.99),
                m.maxMs(),
                end.processShareSince(start),
                end.machineShareSince(start));
    }

    private static String describe(Run r) {
        return String.format(
                java.util.Locale.ROOT,
                "%,d rows, %,.0f rows/s, p50 %.0f ms, p99 %.0f ms, max %.0f ms; CPU: JVM %.0f %%, machine %.0f %%",
                r.rows(),
                r.rowsPerSec(),
                r.p50Ms(),
                r.p99Ms(),
                r.maxMs(),
                r.jvmCpuShare() * 100,
                r.machineCpuShare() * 100);
    }

    /** Every tenant's topics, principals, ACLs, quotas, database, user and grants, by provision's own code. */
    private void provision(EmbeddedKafka kafka, EmbeddedMariaDb db, EnclaveConfig config) throws Exception {
        ProvisionReport report = new ProvisionReport();
        KafkaProvisioner kafkaProvisioner =
                new KafkaProvisioner(kafka.admin(), kafka.adminClientProperties(), config.global());
        try (Connection root = db.rootConnection()) {
            DatabaseProvisioner databaseProvisioner =
                    new DatabaseProvisioner(root, config.global(), new MySqlDialect());
            for (TenantConfig tenant : config.tenants()) {
                report.addAll(kafkaProvisioner.plan(tenant));
                report.addAll(databaseProvisioner.plan(tenant));
            }
            StringWriter details = new StringWriter();
            if (report.run(false, new PrintWriter(details)) != 0) {
                throw new IllegalStateException("provisioning the benchmark tenants failed:\n" + details);
            }
        }
    }

    /**
     * A quota metric the embedded broker, running in this JVM, keeps per user and reports over
     * JMX ({@code kafka.server:type=Produce|Request,user=...}); NaN if it has none, for
     * instance when B never reached the broker.
     */
    private static double brokerMetric(String type, String user, String attribute) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            for (ObjectName name : server.queryNames(new ObjectName("kafka.server:type=" + type + ",*"), null)) {
                // The benchmark's user names need no escaping, so the tag is the name as it is.
                if (user.equals(name.getKeyProperty("user"))) {
                    double value = ((Number) server.getAttribute(name, attribute)).doubleValue();
                    // A throttle-time sensor has no sample until its quota first throttles: none is 0 ms.
                    return Double.isNaN(value) && attribute.equals("throttle-time") ? 0 : value;
                }
            }
        } catch (Exception e) {
            // no such metric: reported as NaN
        }
        return Double.NaN;
    }

    /** The controller has the quotas once provision returns; the broker that enforces them a moment later. */
    private static void awaitQuotaOnBroker(Admin admin, String user) throws Exception {
        ClientQuotaFilter filter = ClientQuotaFilter.containsOnly(
                List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user)));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin.describeClientQuotas(filter)
                .entities()
                .get(10, TimeUnit.SECONDS)
                .isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker has no quota for " + user + " after 30 s");
            }
            Thread.sleep(100);
        }
    }

    private static void awaitRows(Connection root, TenantConfig tenant, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long rows;
        while ((rows = EndToEndBenchmark.rows(root, tenant)) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        tenant.id() + ": only " + rows + " of " + expected + " rows after 3 minutes");
            }
            Thread.sleep(100);
        }
    }

    /** A producer logged in as {@code principal}, as a tenant's publisher logs in. */
    private static KafkaProducer<String, byte[]> producer(
            GlobalSettings global, KafkaCredentials principal, int batchBytes, long bufferBytes) {
        Map<String, Object> props = new HashMap<>();
        KafkaClientLogin.properties(global, principal).forEach((k, v) -> props.put(k.toString(), v));
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, global.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferBytes);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Tenant B's publisher flooding its topics with valid generated messages as fast as its
     * producer takes them. The messages are generated before the flood, enough for it at the
     * quota and a quarter more, so the flood spends its CPU sending, as a publisher on another
     * machine would, not generating; past them it generates as it goes. The buffer is small
     * (1 MiB), so {@code send} blocks on the pace the broker allows instead of queueing minutes
     * of flood in memory.
     */
    private static final class Flooder implements Runnable, AutoCloseable {
        /** B's progress at one instant. */
        record Snapshot(long nanos, long wireBytes, long payloadBytes, long messages, double throttleAvgMs) {}

        /** Enough for 5 MiB/s over a full run; more would crowd the 4 GB heap. */
        private static final int MAX_POOL = 400_000;

        private final KafkaProducer<String, byte[]> producer;
        private final EventGenerator generator;
        private final List<GeneratedEvent> pool;
        private final AtomicLong payloadBytes = new AtomicLong();
        private final AtomicLong messages = new AtomicLong();
        private volatile boolean stopped;

        Flooder(GlobalSettings global, TenantConfig b, TenantConfig a, long bytes) {
            this.generator = new EventGenerator(b, a.id(), 20261205L, 0.0);
            List<GeneratedEvent> sample = generator.next(200);
            double mean =
                    sample.stream().mapToInt(e -> e.payload().length).average().orElse(1000);
            int count = (int) Math.min(MAX_POOL, bytes * 1.25 / mean);
            this.pool = new ArrayList<>(sample);
            pool.addAll(generator.next(Math.max(0, count - sample.size())));
            this.producer = producer(global, b.kafkaPublisher(), 64 * 1024, 1L << 20);
        }

        int pooled() {
            return pool.size();
        }

        @Override
        public void run() {
            for (int i = 0; !stopped; i++) {
                GeneratedEvent e = i < pool.size() ? pool.set(i, null) : generator.next();
                int bytes = e.payload().length + e.key().getBytes(StandardCharsets.UTF_8).length;
                producer.send(
                        new ProducerRecord<>(e.topic(), null, System.currentTimeMillis(), e.key(), e.payload()),
                        (meta, error) -> {
                            if (error == null) {
                                payloadBytes.addAndGet(bytes);
                                messages.incrementAndGet();
                            }
                        });
            }
        }

        Snapshot snapshot() {
            Map<MetricName, ? extends Metric> metrics = producer.metrics();
            return new Snapshot(
                    System.nanoTime(),
                    (long) metric(metrics, "outgoing-byte-total"),
                    payloadBytes.get(),
                    messages.get(),
                    metric(metrics, "produce-throttle-time-avg"));
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void close() {
            stopped = true;
            producer.close(Duration.ofSeconds(30));
        }

        /** A producer-wide metric (not the per-broker one of the same name); NaN reads as 0. */
        private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
            for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
                if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                    Object v = e.getValue().metricValue();
                    return v instanceof Double d && !d.isNaN() ? d : 0;
                }
            }
            return Double.NaN;
        }
    }
}
