package io.enclave.ingest;

import io.enclave.config.StateScope;
import io.enclave.config.StreamKind;
import io.enclave.operators.RejectReason;
import io.enclave.operators.TenantMetrics;
import io.enclave.operators.audit.AuditContext;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.audit.Rejection;
import io.enclave.operators.parse.EventParser;
import io.enclave.operators.parse.ParsedEvent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drops, and audits, what an API returned outside the tenant's scope although it was not
 * asked for: records about none of the states the request was scoped to, and records whose
 * states cannot be read at all (fail closed). Everything else passes with its bytes untouched;
 * the processing job judges it again, as it judges any publisher.
 */
public class ScopeFilter extends ProcessFunction<ApiRecord, ApiRecord> {
    private static final long serialVersionUID = 1L;

    private final AuditContext audit;
    private final HashMap<String, StateScope> scopeByApi;
    private final int maxMessageBytes;
    private final OutputTag<AuditRecord> auditTag;
    private final String operatorName;

    private transient EventParser parser;
    private transient TenantMetrics metrics;
    private transient int subtask;

    public ScopeFilter(
            AuditContext audit,
            Map<String, StateScope> scopeByApi,
            int maxMessageBytes,
            OutputTag<AuditRecord> auditTag,
            String operatorName) {
        this.audit = audit;
        this.scopeByApi = new HashMap<>(scopeByApi);
        this.maxMessageBytes = maxMessageBytes;
        this.auditTag = auditTag;
        this.operatorName = operatorName;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new EventParser(maxMessageBytes);
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        metrics = TenantMetrics.acceptedAndRejections(
                getRuntimeContext().getMetricGroup(),
                audit.tenantId(),
                RejectReason.STATE_NOT_ALLOWED,
                RejectReason.MALFORMED,
                RejectReason.MISSING_KEY,
                RejectReason.KEY_TOO_LONG);
    }

    @Override
    public void processElement(ApiRecord record, Context ctx, Collector<ApiRecord> out) {
        StateScope scope = scopeByApi.get(record.api);
        StreamKind stream = StreamKind.fromConfigKey(record.stream).orElse(null);
        if (scope == null || stream == null) {
            throw new IllegalStateException("record of unknown API " + record.api + " or stream " + record.stream);
        }
        ParsedEvent parsed = parser.parse(stream, record.payload);
        if (parsed.isFailure()) {
            reject(
                    record,
                    ctx,
                    parsed.failure(),
                    "the API returned a record that cannot be read (" + parsed.detail()
                            + "), so its states cannot be checked");
            return;
        }
        if (!IngestScope.allows(scope, parsed.states())) {
            reject(
                    record,
                    ctx,
                    RejectReason.STATE_NOT_ALLOWED,
                    "the API returned a record about states "
                            + (parsed.states().length == 0 ? "(none)" : String.join(",", parsed.states()))
                            + " outside the requested scope " + scope);
            return;
        }
        metrics.accepted();
        out.collect(record);
    }

    private void reject(ApiRecord record, Context ctx, RejectReason reason, String detail) {
        metrics.rejected(reason);
        ctx.output(
                auditTag,
                Rejection.of(audit, operatorName, subtask, reason.label(), detail)
                        .source("api:" + record.api, 0, -1)
                        .recordKey(record.id)
                        .classification(EventParser.DEFAULT_CLASSIFICATION)
                        // Same record content, same audit id: a re-fetch after a restart overwrites, never duplicates.
                        .build(record.id + "|" + reason.label() + "|" + sha256(record.payload)));
    }

    private static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
