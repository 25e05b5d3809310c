package io.enclave.cli.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.sinks.query.QueryAudit;
import io.enclave.sinks.query.QueryResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reader sees of a query's rows in each format: aligned, quoted, typed, with nothing lost. */
class ResultWriterTest {
    private static final QueryResult RESULT = new QueryResult(
            List.of("id", "designated_area", "id"),
            List.of(
                    Arrays.asList("a-1", "Doña Ana, \"north\"", "enc:v1:k1:a-value-longer-than-twenty-four"),
                    Arrays.asList("a-22", null, "line\nbreak")),
            new QueryAudit("r", "h", 2, false, List.of(), 0, AuditOutcome.SUCCESS, "", ""),
            List.of());

    /** Written through a PrintWriter, as the CLI's standard output is, which must stay open afterwards. */
    private static String write(ResultFormat format) throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        ResultWriter.write(RESULT, format, out);
        out.print("still open");
        out.flush();
        assertThat(out.checkError()).isFalse();
        assertThat(text.toString()).endsWith("still open");
        return text.toString().substring(0, text.toString().length() - "still open".length());
    }

    @Test
    void tableColumnsAreAlignedAndNullIsSpelledOut() throws Exception {
        assertThat(write(ResultFormat.TABLE).lines())
                .containsExactly(
                        "id    designated_area    id",
                        "----  -----------------  " + "-".repeat(41),
                        "a-1   Doña Ana, \"north\"  enc:v1:k1:a-value-longer-than-twenty-four",
                        "a-22  NULL               line break",
                        "(2 rows)");
    }

    @Test
    void controlCharactersInAValueCannotDriveTheTerminal() throws Exception {
        QueryResult hostile = new QueryResult(
                List.of("id", "title"),
                List.<List<String>>of(
                        Arrays.asList("a-1", "\u001b[2K\u001b[1A(0 rows)\u001b]52;c;cGF5bG9hZA==\u0007\u009b")),
                new QueryAudit("r", "h", 1, false, List.of(), 0, AuditOutcome.SUCCESS, "", ""),
                List.of());
        StringWriter text = new StringWriter();
        ResultWriter.write(hostile, ResultFormat.TABLE, new PrintWriter(text, true));

        assertThat(text.toString()).doesNotContain("\u001b", "\u0007", "\u009b");
        assertThat(text.toString().lines())
                .contains("a-1  \\u001b[2K\\u001b[1A(0 rows)\\u001b]52;c;cGF5bG9hZA==\\u0007\\u009b")
                .last()
                .isEqualTo("(1 row)");
    }

    @Test
    void csvHasAHeaderQuotesWhatNeedsItAndLeavesNullEmpty() throws Exception {
        assertThat(write(ResultFormat.CSV))
                .isEqualTo(
                        "id,designated_area,id_2\na-1,\"Doña Ana, \"\"north\"\"\",enc:v1:k1:a-value-longer-than-twenty-four\n"
                                + "a-22,,\"line\nbreak\"\n");
    }

    @Test
    void jsonIsAnArrayOfObjectsWithNullAndNoLabelLost() throws Exception {
        JsonNode rows = new ObjectMapper().readTree(write(ResultFormat.JSON));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("designated_area").asText()).isEqualTo("Doña Ana, \"north\"");
        assertThat(rows.get(0).get("id_2").asText()).isEqualTo("enc:v1:k1:a-value-longer-than-twenty-four");
        assertThat(rows.get(1).get("designated_area").isNull()).isTrue();
    }
}
