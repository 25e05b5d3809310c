package io.enclave.config;

import static io.enclave.config.ConfigFixtures.MINIMAL;
import static io.enclave.config.ConfigFixtures.invalid;
import static io.enclave.config.ConfigFixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader faces files written by people and, in the worst case, by attackers. */
class YamlSafetyTest {

    @TempDir
    Path dir;

    @Test
    void billionLaughsIsRejectedBeforeExpanding() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThat(problems(invalid("alias_bomb.yaml"), Map.of()))
                        .containsExactly("<document>: rejected by the parser's safety limits:"
                                + " Number of aliases for non-scalar nodes exceeds the specified max=20"));
    }

    /**
     * snakeyaml limits aliases of collections, not of scalars: a megabyte of {@code *s} still
     * hands the binder a quarter of a million values, each a problem of its own. The budget on
     * expanded nodes refuses the file before the binder walks it, with one problem and little memory.
     */
    @Test
    void aMegabyteOfAliasesIsRefusedByTheExpandedNodeBudget() {
        String bomb = MINIMAL.replace("allowed_states: [CO]", "allowed_states: [&s CO" + ", *s".repeat(250_000) + "]");
        assertThat(bomb.length()).isBetween(1_000_000, TenantConfigLoader.MAX_BYTES);

        long allocated = allocatedBytesOf(() -> assertThat(problems(bomb))
                .containsExactly(
                        "<document>: the document expands to more than 100000 nodes once its aliases are followed"
                                + " (or an alias refers to its own anchor); write the values out instead of repeating"
                                + " aliases (line 13)"));

        assertThat(allocated).as("bytes allocated while loading").isLessThan(400L << 20);
    }

    /** Nineteen aliases of collections stay under snakeyaml's limit yet expand a large list nineteen times. */
    @Test
    void nestedCollectionAliasesUnderTheParserLimitAreRefusedToo() {
        String list = "[" + "CO, ".repeat(20_000) + "CO]";
        String bomb = MINIMAL.replace("allowed_states: [CO]", "allowed_states: &l " + list)
                .replace(
                        "allowed_classifications: [PUBLIC, INTERNAL, RESTRICTED]",
                        "allowed_classifications: [" + "*l, ".repeat(18) + "*l]");

        assertThat(problems(bomb))
                .singleElement()
                .asString()
                .startsWith("<document>: the document expands to more than 100000 nodes");
    }

    /** Bytes this thread allocated while running {@code load}, as the JVM counts them. */
    private static long allocatedBytesOf(Runnable load) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        load.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void javaGadgetTagIsRejected() {
        assertThat(problems(invalid("java_tag.yaml"), Map.of()))
                .containsExactly("<document>: explicit tag '!!javax.script.ScriptEngineManager' is not allowed;"
                        + " write plain YAML values (line 7)");
        assertThat(problems(MINIMAL.replace("organization: Colorado", "organization: !!java.lang.Runtime Colorado")))
                .containsExactly("<document>: explicit tag '!!java.lang.Runtime' is not allowed;"
                        + " write plain YAML values (line 6)");
    }

    @Test
    void everyOtherExplicitTagIsRejectedWithItsPath() {
        String yaml = MINIMAL.replace("organization: Colorado", "organization: !!binary Colorado")
                        .replace("schema: colorado_emergency", "schema: !local colorado_emergency")
                        .replace("user: colorado_writer", "user: !<tag:example.com,2024:user> colorado_writer")
                + "    processing: {parallelism: !!str 2, encrypt: !!set {weather}}\n";

        assertThat(problems(yaml))
                .containsExactly(
                        "tenants.colorado_state.organization: explicit tag '!!binary' is not allowed;"
                                + " write plain YAML values (line 6)",
                        "tenants.colorado_state.database.schema: explicit tag '!local' is not allowed;"
                                + " write plain YAML values (line 9)",
                        "tenants.colorado_state.database.user: explicit tag '!<tag:example.com,2024:user>' is not allowed;"
                                + " write plain YAML values (line 10)",
                        "tenants.colorado_state.processing.parallelism: explicit tag '!!str' is not allowed;"
                                + " write plain YAML values (line 16)",
                        "tenants.colorado_state.processing.encrypt: explicit tag '!!set' is not allowed;"
                                + " write plain YAML values (line 16)");
    }

    @Test
    void oversizeFileIsRejectedBeforeParsing() throws IOException {
        Path file = dir.resolve("huge.yaml");
        String padding = "# padding\n".repeat(TenantConfigLoader.MAX_BYTES / 10 + 1);
        Files.writeString(file, MINIMAL + padding, StandardCharsets.UTF_8);

        assertThat(problems(file, Map.of()))
                .containsExactly("<document>: the file is larger than 1048576 bytes (1 MiB)");
        assertThat(problems(MINIMAL + padding))
                .containsExactly("<document>: the file is larger than 1048576 bytes (1 MiB)");
    }

    @Test
    void fileOfExactlyTheLimitStillLoads() throws IOException {
        Path file = dir.resolve("full.yaml");
        StringBuilder text = new StringBuilder(MINIMAL).append('#');
        text.append("x".repeat(TenantConfigLoader.MAX_BYTES - text.length() - 1))
                .append('\n');
        Files.writeString(file, text, StandardCharsets.UTF_8);

        assertThat(Files.size(file)).isEqualTo(TenantConfigLoader.MAX_BYTES);
        assertThat(TenantConfigLoader.load(file, Map.of()).tenants()).hasSize(1);
    }

    @Test
    void duplicateKeysAreProblemsNotSilentOverrides() {
        assertThat(problems(invalid("duplicate_keys.yaml"), Map.of()))
                .containsExactly(
                        "tenants.colorado_state.database.schema: duplicate key 'schema'; it was first given on line 10"
                                + " (line 13)",
                        "tenants.colorado_state: duplicate key 'colorado_state'; it was first given on line 6 (line 16)");
    }

    @Test
    void deepNestingIsRejected() {
        String yaml = MINIMAL + "    processing: {encrypt: {weather: " + "[".repeat(30) + "]".repeat(30) + "}}\n";

        assertThat(problems(yaml))
                .containsExactly("<document>: rejected by the parser's safety limits: Nesting Depth exceeded max 20");
    }

    @Test
    void selfReferencesNeitherHangNorRecurse() {
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            // A cycle never ends when followed, so the budget on expanded nodes stops it before the binder walks it.
            assertThat(problems("global: &x\n  <<: *x\ntenants: {}\n"))
                    .singleElement()
                    .asString()
                    .startsWith(
                            "<document>: the document expands to more than 100000 nodes once its aliases are followed"
                                    + " (or an alias refers to its own anchor)");
            assertThat(problems(MINIMAL.replace("allowed_states: [CO]", "allowed_states: &s [CO, *s]")))
                    .singleElement()
                    .asString()
                    .endsWith("write the values out instead of repeating aliases (line 13)");
        });
    }

    @Test
    void syntaxErrorsCarryTheirLine() {
        assertThat(problems(invalid("syntax_error.yaml"), Map.of()))
                .containsExactly("<document>: invalid YAML: while parsing a flow sequence started on line 6,"
                        + " expected ',' or ']', but got <stream end> (line 7)");
        assertThat(problems("global:\n  kafka: x\n   database: y\n"))
                .containsExactly("<document>: invalid YAML: mapping values are not allowed here (line 3)");
    }

    @Test
    void documentMustBeOneMapping() {
        assertThat(problems("")).containsExactly("<document>: the document is empty; expected global: and tenants:");
        assertThat(problems("- global\n- tenants\n"))
                .containsExactly("<document>: expected a mapping with global: and tenants:, got a list (line 1)");
        assertThat(problems(MINIMAL + "---\n" + MINIMAL))
                .containsExactly("<document>: invalid YAML: expected a single document in the stream started on line 1,"
                        + " but found another document (line 16)");
    }

    @Test
    void unreadableFilesAreConfigProblems() throws IOException {
        assertThat(problems(dir.resolve("missing.yaml"), Map.of()))
                .containsExactly("<document>: cannot read the file: it does not exist");

        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "global: {siem_topic: caf\u00e9}\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(problems(latin1, Map.of())).containsExactly("<document>: the file is not valid UTF-8");
    }

    @Test
    void byteOrderMarkIsAccepted() throws IOException {
        Path file = dir.resolve("bom.yaml");
        Files.writeString(file, "\uFEFF" + MINIMAL, StandardCharsets.UTF_8);

        assertThat(TenantConfigLoader.load(file, Map.of()).tenants()).hasSize(1);
    }
}
