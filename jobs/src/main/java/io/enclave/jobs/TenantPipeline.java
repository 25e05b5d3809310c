package io.enclave.jobs;

import io.enclave.config.EncryptedField;
import io.enclave.config.StreamKind;
import io.enclave.config.TenantConfig;
import io.enclave.config.TenantNames;
import io.enclave.operators.SinkGuard;
import io.enclave.operators.StreamRouter;
import io.enclave.operators.TenantGuard;
import io.enclave.operators.TenantRecordKey;
import io.enclave.operators.TenantTagger;
import io.enclave.operators.audit.AuditChainer;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditHead;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.AuditSignerFactory;
import io.enclave.operators.audit.AuditSubmissionIntake;
import io.enclave.operators.audit.AuditTenantKey;
import io.enclave.operators.audit.AuditTrust;
import io.enclave.operators.audit.ChainClock;
import io.enclave.operators.audit.ChainOrigin;
import io.enclave.operators.audit.DayAnchor;
import io.enclave.operators.audit.KeyPins;
import io.enclave.operators.audit.SinkFlushAuditor;
import io.enclave.operators.crypto.FieldEncryptor;
import io.enclave.operators.crypto.FieldEncryptorOperator;
import io.enclave.operators.crypto.KeyProviderFactory;
import io.enclave.operators.detect.AuditEventTime;
import io.enclave.operators.detect.DetectionFilter;
import io.enclave.operators.detect.DetectionKey;
import io.enclave.operators.detect.DetectionRules;
import io.enclave.operators.detect.SecurityDetector;
import io.enclave.operators.record.RawEvent;
import io.enclave.operators.record.TenantEvent;
import io.enclave.sinks.schema.AuditAnchor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.operators.SlotSharingGroup;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * Defines one tenant's job graph: source, tag, encrypt (when the tenant encrypts any field;
 * before the keyBy, so no plaintext of such a field crosses the network), keyed guard, route,
 * one sink per table, and the audit side outputs of every operator, with the verified
 * submissions of the tenant's audit topic, unioned into one chain and its sinks. Sources and sinks are
 * handed in, so the job's main uses Kafka and JDBC while tests use their own.
 */
public final class TenantPipeline {
    /** Audit records of every operator travel on this side output. */
    public static final OutputTag<AuditRecord> AUDIT = new OutputTag<>("audit") {};

    static final OutputTag<TenantEvent> WEATHER = new OutputTag<>("weather") {};
    /** The chainer's signed heads travel on this side output to the audit_head table. */
    public static final OutputTag<AuditHead> AUDIT_HEAD = new OutputTag<>("audit-head") {};
    /** The chainer's signed day anchors travel on this side output to the audit_anchor table. */
    public static final OutputTag<DayAnchor> AUDIT_ANCHOR = new OutputTag<>("audit-anchor") {};

    private final TenantConfig tenant;
    private final Source<RawEvent, ?, ?> source;
    private final Sink<TenantEvent> disasterSink;
    private final Sink<TenantEvent> weatherSink;
    private final Sink<AuditRecord> auditSink;
    private final Sink<AuditHead> auditHeadSink;
    private final Sink<AuditRecord> siemSink;
    private final Sink<AuditHead> siemHeadSink;
    private final Sink<AuditAnchor> auditAnchorSink;
    private final ChainClock chainClock;
    private final Source<RawEvent, ?, ?> auditSubmissions;
    private final ChainOrigin chainOrigin;
    private final KeyProviderFactory keys;
    private final AuditSignerFactory signer;
    private final AuditTrust.Source trust;
    private final EncryptionPlacement encryptionPlacement;

    /**
     * Where the field encryptor sits. {@link #BEFORE_SHUFFLE} is the only placement a job runs
     * with; {@link #AFTER_GUARD}, the layout before issue 14, exists so the benchmark can measure
     * in one run what moving it cost, and ships plaintext across the keyBy.
     */
    public enum EncryptionPlacement {
        /** After tagging, before the keyBy: only ciphertext of a configured field crosses the network. */
        BEFORE_SHUFFLE,
        /** After the keyed guard: plaintext crosses the keyBy. For the benchmark's comparison only. */
        AFTER_GUARD
    }

    private TenantPipeline(Builder b) {
        this.tenant = Objects.requireNonNull(b.tenant, "tenant");
        this.source = Objects.requireNonNull(b.source, "source");
        this.disasterSink = Objects.requireNonNull(b.disasterSink, "disasterSink");
        this.weatherSink = Objects.requireNonNull(b.weatherSink, "weatherSink");
        this.auditSink = Objects.requireNonNull(b.auditSink, "auditSink");
        this.auditHeadSink = Objects.requireNonNull(b.auditHeadSink, "auditHeadSink");
        this.siemSink = b.siemSink;
        this.siemHeadSink = b.siemHeadSink;
        this.auditAnchorSink = b.auditAnchorSink;
        this.chainClock = b.chainClock;
        this.auditSubmissions = b.auditSubmissions;
        // Required: without it a job started without state would restart the chain over the stored one.
        this.chainOrigin = Objects.requireNonNull(b.chainOrigin, "chainOrigin");
        this.keys = Objects.requireNonNull(b.keys, "keys");
        // The chain is signed with the job's own key and submissions are checked against the public trust.
        this.signer = Objects.requireNonNull(b.signer, "signer");
        this.trust = Objects.requireNonNull(b.trust, "trust");
        this.encryptionPlacement = b.encryptionPlacement;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds the tenant's graph to {@code env}; uids are explicit, so savepoints survive upgrades. */
    public void addTo(StreamExecutionEnvironment env) {
        TenantNames names = tenant.names();
        AuditContext audit = AuditContext.of(tenant);
        Map<String, StreamKind> streamByTopic = new LinkedHashMap<>();
        for (StreamKind stream : StreamKind.values()) {
            streamByTopic.put(names.topic(stream), stream);
        }
        int parallelism = tenant.processing().parallelism();
        // Set on the sources only: every operator downstream inherits the group of its inputs.
        Optional<SlotSharingGroup> slots = TenantSlots.of(tenant);

        DataStreamSource<RawEvent> raw =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), names.operatorName("source"));
        raw.uid(names.operatorUid("source")).setParallelism(parallelism);
        slots.ifPresent(raw::slotSharingGroup);

        SingleOutputStreamOperator<TenantEvent> tagged = raw.process(new TenantTagger(
                        audit,
                        tenant.organization(),
                        streamByTopic,
                        tenant.processing().maxMessageBytes(),
                        AUDIT,
                        names.operatorName("tag")))
                .name(names.operatorName("tag"))
                .uid(names.operatorUid("tag"))
                .setParallelism(parallelism);

        List<EncryptedField> encryptedFields = tenant.processing().encryptedFields();
        boolean encrypts = !encryptedFields.isEmpty();
        // Encrypted right after tagging, chained to it, so the keyBy below ships only ciphertext between
        // TaskManagers. Nothing the guard reads can be an encrypted field: tenant, claimed tenant, states,
        // classification, natural key and content hash are the tagger's own fields, the content hash is
        // of the plaintext payload, and EncryptableFields refuses id, state and the geocodes in config.
        SingleOutputStreamOperator<TenantEvent> encrypted =
                encrypts && encryptionPlacement == EncryptionPlacement.BEFORE_SHUFFLE
                        ? encrypt(tagged, encryptedFields, audit, names, parallelism)
                        : null;

        SingleOutputStreamOperator<TenantEvent> guarded = (encrypted != null ? encrypted : tagged)
                .keyBy(new TenantRecordKey())
                .process(new TenantGuard(
                        audit,
                        tenant.dataRestrictions(),
                        tenant.processing().dedupTtl(),
                        AUDIT,
                        names.operatorName("guard")))
                .name(names.operatorName("guard"))
                .uid(names.operatorUid("guard"))
                .setParallelism(parallelism);

        DataStream<TenantEvent> toSinkGuard = guarded;
        if (encrypts && encryptionPlacement == EncryptionPlacement.AFTER_GUARD) {
            encrypted = encrypt(guarded, encryptedFields, audit, names, parallelism);
            toSinkGuard = encrypted;
        }

        // The sink layer's own check: a row of any other tenant is dropped and audited here,
        // before the row binder, whose CrossTenantWriteException stays as the last line.
        SingleOutputStreamOperator<TenantEvent> sinkGuarded = toSinkGuard
                .process(new SinkGuard(audit, AUDIT, names.operatorName("sink_guard")))
                .name(names.operatorName("sink_guard"))
                .uid(names.operatorUid("sink_guard"))
                .setParallelism(parallelism);

        SingleOutputStreamOperator<TenantEvent> disasters = sinkGuarded
                .process(new StreamRouter(WEATHER))
                .name(names.operatorName("route"))
                .uid(names.operatorUid("route"))
                .setParallelism(parallelism);

        SingleOutputStreamOperator<TenantEvent> disasterRows =
                flushAudited(disasters, audit, names, StreamKind.DISASTERS.table(), parallelism);
        SingleOutputStreamOperator<TenantEvent> weatherRows =
                flushAudited(disasters.getSideOutput(WEATHER), audit, names, StreamKind.WEATHER.table(), parallelism);
        sink(disasterRows, disasterSink, names, StreamKind.DISASTERS.table(), parallelism);
        sink(weatherRows, weatherSink, names, StreamKind.WEATHER.table(), parallelism);

        // Every operator's audit side output, one stream per job, chained per tenant with parallelism 1.
        DataStream<AuditRecord> auditStream = tagged.getSideOutput(AUDIT)
                .union(
                        guarded.getSideOutput(AUDIT),
                        sinkGuarded.getSideOutput(AUDIT),
                        disasterRows.getSideOutput(AUDIT),
                        weatherRows.getSideOutput(AUDIT));
        if (encrypted != null) {
            auditStream = auditStream.union(encrypted.getSideOutput(AUDIT));
        }
        if (auditSubmissions != null) {
            // Records made outside the job (key commands, the ingest job) join the same chain, once verified.
            DataStreamSource<RawEvent> submissions = env.fromSource(
                    auditSubmissions, WatermarkStrategy.noWatermarks(), names.operatorName("audit_source"));
            submissions.uid(names.operatorUid("audit_source")).setParallelism(1);
            slots.ifPresent(submissions::slotSharingGroup);
            DataStream<AuditRecord> submitted = submissions
                    .process(new AuditSubmissionIntake(audit, trust, names.operatorName("audit_intake")))
                    .name(names.operatorName("audit_intake"))
                    .uid(names.operatorUid("audit_intake"))
                    .setParallelism(1);
            auditStream = auditStream.union(submitted);
        }
        if (tenant.auditRequirements().realtimeMonitoring()) {
            auditStream = auditStream.union(detect(auditStream, audit, names));
        }
        SingleOutputStreamOperator<AuditRecord> chained = auditStream
                .keyBy(new AuditTenantKey())
                .transform(
                        names.operatorName("chain"),
                        TypeInformation.of(AuditRecord.class),
                        new AuditChainer(
                                audit,
                                signer,
                                trust,
                                AUDIT_HEAD,
                                auditAnchorSink == null ? null : AUDIT_ANCHOR,
                                names.operatorName("chain"),
                                chainOrigin,
                                chainClock,
                                KeyPins.of(tenant.auditRequirements())))
                .uid(names.operatorUid("chain"))
                .setParallelism(1);
        sink(chained, auditSink, names, names.auditTable(), 1);
        sink(chained.getSideOutput(AUDIT_HEAD), auditHeadSink, names, "audit_head", 1);
        if (siemSink != null) {
            chained.sinkTo(siemSink)
                    .name("siem[" + tenant.id() + "]")
                    .uid(names.operatorUid("siem"))
                    .setParallelism(1);
        }
        if (siemHeadSink != null) {
            // The signed heads go to the SIEM too, so `audit verify --siem` sees a head rolled back in the database.
            chained.getSideOutput(AUDIT_HEAD)
                    .sinkTo(siemHeadSink)
                    .name("siem_head[" + tenant.id() + "]")
                    .uid(names.operatorUid("siem_head"))
                    .setParallelism(1);
        }
        if (auditAnchorSink != null) {
            String jobName = tenant.names().jobName();
            DataStream<AuditAnchor> anchors = chained.getSideOutput(AUDIT_ANCHOR)
                    .map(new DayAnchorRow(jobName))
                    .name(names.operatorName("day_anchor"))
                    .uid(names.operatorUid("day_anchor"))
                    .setParallelism(1);
            sink(anchors, auditAnchorSink, names, "audit_anchor", 1);
        }
    }

    /**
     * Real-time detection over the audit stream before it is chained: the records a rule counts,
     * then event time and watermarks of their own, bounded by the wall clock ({@link AuditEventTime}),
     * then the rules keyed by {@link DetectionKey}. One generator at parallelism 1 sees every input,
     * so an idle partition or topic cannot hold the watermark back, and no idleness timeout is
     * needed; only counted records move it, so the wall-clock times of summaries (sink flushes)
     * cannot put the input's own times behind it while the job catches up on a backlog. Its
     * SECURITY_ALERT records join the chain like any other.
     */
    private DataStream<AuditRecord> detect(DataStream<AuditRecord> auditStream, AuditContext audit, TenantNames names) {
        DetectionRules rules = DetectionRules.of(tenant.auditRequirements());
        return auditStream
                .filter(new DetectionFilter(rules))
                .name(names.operatorName("detect_filter"))
                .uid(names.operatorUid("detect_filter"))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(AuditEventTime.watermarks())
                .name(names.operatorName("detect_time"))
                .uid(names.operatorUid("detect_time"))
                .setParallelism(1)
                .keyBy(new DetectionKey(rules))
                .process(new SecurityDetector(audit, rules, names.operatorName("detect")))
                .name(names.operatorName("detect"))
                .uid(names.operatorUid("detect"))
                .setParallelism(1);
    }

    /** The field encryptor, under the uid it always had, so a savepoint's (stateless) operator still maps. */
    private SingleOutputStreamOperator<TenantEvent> encrypt(
            SingleOutputStreamOperator<TenantEvent> events,
            List<EncryptedField> encryptedFields,
            AuditContext audit,
            TenantNames names,
            int parallelism) {
        return events.transform(
                        names.operatorName("encrypt"),
                        events.getType(),
                        new FieldEncryptorOperator(new FieldEncryptor(
                                audit,
                                encryptedFields,
                                keys,
                                tenant.database().encryptionKeyRef(),
                                AUDIT,
                                names.operatorName("encrypt"))))
                .uid(names.operatorUid("encrypt"))
                .setParallelism(parallelism);
    }

    /** The pass-through before a table's sink that audits each checkpoint flush of that sink. */
    private static SingleOutputStreamOperator<TenantEvent> flushAudited(
            DataStream<TenantEvent> rows, AuditContext audit, TenantNames names, String table, int parallelism) {
        String name = names.operatorName("flush_audit_" + table);
        return rows.transform(
                        name, TypeInformation.of(TenantEvent.class), new SinkFlushAuditor(audit, table, AUDIT, name))
                .uid(names.operatorUid("flush_audit_" + table))
                .setParallelism(parallelism);
    }

    private static <T> void sink(DataStream<T> stream, Sink<T> sink, TenantNames names, String table, int parallelism) {
        stream.sinkTo(sink)
                .name(names.sinkName(table))
                .uid(names.sinkUid(table))
                .setParallelism(parallelism);
    }

    /** Builder for {@link TenantPipeline}. */
    public static final class Builder {
        private TenantConfig tenant;
        private Source<RawEvent, ?, ?> source;
        private Sink<TenantEvent> disasterSink;
        private Sink<TenantEvent> weatherSink;
        private Sink<AuditRecord> auditSink;
        private Sink<AuditHead> auditHeadSink;
        private Sink<AuditRecord> siemSink;
        private Sink<AuditHead> siemHeadSink;
        private Sink<AuditAnchor> auditAnchorSink;
        private ChainClock chainClock = ChainClock.system();
        private Source<RawEvent, ?, ?> auditSubmissions;
        private ChainOrigin chainOrigin;
        private KeyProviderFactory keys;
        private AuditSignerFactory signer;
        private AuditTrust.Source trust;
        private EncryptionPlacement encryptionPlacement = EncryptionPlacement.BEFORE_SHUFFLE;

        public Builder tenant(TenantConfig v) {
            tenant = v;
            return this;
        }

        public Builder source(Source<RawEvent, ?, ?> v) {
            source = v;
            return this;
        }

        public Builder disasterSink(Sink<TenantEvent> v) {
            disasterSink = v;
            return this;
        }

        public Builder weatherSink(Sink<TenantEvent> v) {
            weatherSink = v;
            return this;
        }

        public Builder auditSink(Sink<AuditRecord> v) {
            auditSink = v;
            return this;
        }

        public Builder auditHeadSink(Sink<AuditHead> v) {
            auditHeadSink = v;
            return this;
        }
        /** Optional: the SIEM stream, for tenants with {@code siem_integration}. */
        public Builder siemSink(Sink<AuditRecord> v) {
            siemSink = v;
            return this;
        }
        /** Optional: the signed heads to the SIEM stream too, beside {@link #siemSink}. */
        public Builder siemHeadSink(Sink<AuditHead> v) {
            siemHeadSink = v;
            return this;
        }
        /**
         * Optional: the audit_anchor table, for the day anchors the chainer cuts at each new UTC day,
         * so a dropped day partition leaves a chain that still verifies. Without it none are cut.
         */
        public Builder auditAnchorSink(Sink<AuditAnchor> v) {
            auditAnchorSink = v;
            return this;
        }
        /** The clock that stamps the chaining time; tests move it across midnight. */
        public Builder chainClock(ChainClock v) {
            chainClock = Objects.requireNonNull(v, "chainClock");
            return this;
        }
        /** Optional: signed records from outside the job (the tenant's audit topic), to chain with its own. */
        public Builder auditSubmissions(Source<RawEvent, ?, ?> v) {
            auditSubmissions = v;
            return this;
        }
        /** Where the chain continues when the job starts without state: the audit table's last row. */
        public Builder chainOrigin(ChainOrigin v) {
            chainOrigin = v;
            return this;
        }
        /** The tenant's own data keys, for the fields it encrypts. */
        public Builder keys(KeyProviderFactory v) {
            keys = v;
            return this;
        }
        /** The tenant job's own audit signing key (role job), which signs every chained record and head. */
        public Builder signer(AuditSignerFactory v) {
            signer = v;
            return this;
        }
        /** The tenant's public trust file: submitters' keys, and the job's own for a stored tail. */
        public Builder trust(AuditTrust.Source v) {
            trust = v;
            return this;
        }
        /** Only the benchmark sets this, to compare against {@link EncryptionPlacement#AFTER_GUARD}. */
        public Builder encryptionPlacement(EncryptionPlacement v) {
            encryptionPlacement = Objects.requireNonNull(v, "encryptionPlacement");
            return this;
        }

        public TenantPipeline build() {
            return new TenantPipeline(this);
        }
    }
}
