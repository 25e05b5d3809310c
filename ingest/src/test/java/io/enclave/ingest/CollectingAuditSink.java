package io.enclave.ingest;

import io.enclave.operators.audit.AuditRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The ingest job's audit records as the test sees them: the job hands them to whatever sink it
 * is given (in production the tenant's signed audit topic), and this one keeps them in memory
 * of the MiniCluster's JVM.
 */
final class CollectingAuditSink implements Sink<AuditRecord> {
    private static final long serialVersionUID = 1L;
    static final List<AuditRecord> RECORDS = new CopyOnWriteArrayList<>();

    @Override
    public SinkWriter<AuditRecord> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(AuditRecord record, Context ctx) {
                RECORDS.add(record);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
