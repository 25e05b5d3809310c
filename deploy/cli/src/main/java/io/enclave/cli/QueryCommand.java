package io.enclave.cli;

import io.enclave.cli.query.ResultFormat;
import io.enclave.cli.query.ResultWriter;
import io.enclave.jobs.audit.AuditSubmitter;
import io.enclave.jobs.audit.AuditUnavailableException;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.sinks.query.QueryAudit;
import io.enclave.sinks.query.QueryFailedException;
import io.enclave.sinks.query.QueryResult;
import io.enclave.sinks.query.TenantQueries;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code enclave query -c FILE -t ID --reader NAME "SELECT ..."}: a tenant reads its own data
 * back as one of its reader accounts, through {@link TenantQueries}. The audit topic is reached
 * first (no topic, no query: exit 3); the rows are buffered, up to the reader's max_rows, and
 * decrypted where the reader is entitled; the query's audit record is committed; only then is a
 * row printed. A statement the database refuses is audited too (DENIED for a grant).
 */
@Command(
        name = "query",
        description = {
            "Run one SELECT on a tenant's own database as one of its readers (tenants.<id>.readers), decrypting the"
                    + " columns that reader may decrypt. Audited before any row is shown.",
            "The statement is sent as written; the reader's grants (SELECT on its own database only) are the filter."
                    + " Select the table's id column too, or its encrypted columns stay encrypted.",
            "Exit codes: 0 rows shown; 1 the database denied the statement, or a value failed to decrypt; 2 invalid"
                    + " options, config or SQL (a second statement too); 3 the audit topic or the database unreachable;"
                    + " 4 key material missing."
        })
final class QueryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KeyTarget target;

    @Mixin
    TimeoutOption timeout;

    @Option(
            names = "--reader",
            required = true,
            paramLabel = "NAME",
            description = "The reader account to run as (tenants.<id>.readers[].name).")
    String reader;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table (aligned, for a terminal), csv or json (for pipes); default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Write the rows to this new file (readable by its owner only) instead of standard output.")
    Path outFile;

    @Parameters(index = "0", paramLabel = "SQL", description = "One SELECT statement.")
    String sql;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ResultFormat chosen = format();
        if (!target.resolve(err)) {
            return ExitCode.USAGE;
        }
        try {
            TenantQueries.reader(target.tenant, reader);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (outFile != null && Files.exists(outFile)) {
            throw new UsageException("--out " + outFile + " exists; name a new file");
        }
        timeout.waitingFor(
                err,
                spec.qualifiedName(),
                "the audit topic " + target.tenant.names().auditTopic() + " at "
                        + target.loaded.global().kafkaBootstrapServers());
        QueryResult result;
        try (AuditSubmitter log = target.auditSubmitter(timeout.duration())) {
            TenantQueries queries =
                    new TenantQueries(target.loaded.global(), target.tenant, target::provider, timeout.duration());
            try {
                result = queries.run(reader, sql, audit -> log.submit(record(audit)));
            } catch (QueryFailedException e) {
                err.println(spec.qualifiedName() + ": " + (e.denied() ? "denied by the database: " : "")
                        + CliErrors.oneLine(e) + hint(e));
                return e.denied() ? ExitCode.CHECK_FAILED : ExitCode.USAGE;
            }
        } catch (AuditUnavailableException e) {
            err.println(spec.qualifiedName() + ": cannot submit the audit record of the query to the audit trail of"
                    + " tenant " + target.tenantId() + ", so it was not run: " + e.getMessage());
            return ExitCode.UNAVAILABLE;
        }
        result.notes().forEach(note -> err.println(spec.qualifiedName() + ": " + note));
        if (outFile == null) {
            ResultWriter.write(result, chosen, spec.commandLine().getOut());
        } else {
            try (Writer file = Files.newBufferedWriter(create(outFile), StandardCharsets.UTF_8)) {
                ResultWriter.write(result, chosen, file);
            }
            err.println(spec.qualifiedName() + ": " + result.rows().size() + " row(s) written to " + outFile);
        }
        return result.audit().failedDecryptions() > 0 ? ExitCode.CHECK_FAILED : ExitCode.OK;
    }

    private ResultFormat format() {
        try {
            return ResultFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--format must be table, csv or json, not '" + format + "'");
        }
    }

    /** The audit record of one query, signed with the CLI's key; its record key is the statement's hash. */
    private AuditRecord record(QueryAudit audit) {
        AuditRecord record = AuditSubmitter.commandRecord(
                target.tenant, AuditAction.QUERY, audit.outcome(), "query", audit.reason(), audit.detail());
        record.recordKey = audit.statementSha256();
        return record;
    }

    /** MySQL and MariaDB call a second statement a syntax error; say what it really is. */
    private String hint(QueryFailedException e) {
        boolean syntax = e.getCause() instanceof java.sql.SQLException s && s.getErrorCode() == 1064;
        return syntax && sql.contains(";") ? " (a query runs one statement only: multi-statement is off)" : "";
    }

    /** A new file readable by its owner only, since it may hold decrypted values. */
    private static Path create(Path file) throws IOException {
        try {
            return Files.createFile(
                    file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.write(file, new byte[0], StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new UsageException("--out " + file + " exists; name a new file");
        }
    }
}
