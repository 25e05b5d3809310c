package io.enclave.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvInterpolatorTest {

    private final EnvInterpolator env = new EnvInterpolator(Map.of("HOST", "db.internal", "PORT", "9030", "EMPTY", ""));

    private String resolved(String raw) {
        EnvInterpolator.Result result = env.resolve(raw);
        assertThat(result.problems()).as(raw).isEmpty();
        return result.text();
    }

    @Test
    void textWithoutReferencesIsUnchanged() {
        assertThat(resolved("plain")).isEqualTo("plain");
        assertThat(resolved("costs $5 or $ {x}")).isEqualTo("costs $5 or $ {x}");
        assertThat(resolved("$HOST")).as("only the braced form is a reference").isEqualTo("$HOST");
    }

    @Test
    void severalReferencesResolveInOneValue() {
        assertThat(resolved("jdbc:mysql://${HOST}:${PORT}")).isEqualTo("jdbc:mysql://db.internal:9030");
        assertThat(resolved("${HOST}${PORT}")).isEqualTo("db.internal9030");
    }

    @Test
    void defaultAppliesWhenUnsetOrEmptyLikeAShell() {
        assertThat(resolved("${MISSING:-localhost:9092}")).isEqualTo("localhost:9092");
        assertThat(resolved("${EMPTY:-fallback}")).isEqualTo("fallback");
        assertThat(resolved("${HOST:-fallback}")).isEqualTo("db.internal");
        assertThat(resolved("${MISSING:-}")).isEmpty();
        assertThat(resolved("${EMPTY}")).as("set but empty is still set").isEmpty();
    }

    @Test
    void doubledDollarEscapesAReference() {
        assertThat(resolved("$${HOST} is ${HOST}")).isEqualTo("${HOST} is db.internal");
    }

    @Test
    void problemsNameTheVariableOnly() {
        EnvInterpolator.Result result = env.resolve("${A}-${HOST}-${B}");

        assertThat(result.ok()).isFalse();
        assertThat(result.problems())
                .containsExactly("environment variable A is not set", "environment variable B is not set");
        assertThat(String.join(" ", result.problems())).doesNotContain("db.internal");
    }

    @Test
    void malformedReferencesAreProblems() {
        assertThat(env.resolve("${}").problems())
                .containsExactly("'${}' is not a valid reference; write ${NAME} or ${NAME:-default}");
        assertThat(env.resolve("${HOST").problems())
                .containsExactly("'${' is not closed; write ${NAME} or ${NAME:-default}");
        assertThat(env.resolve("${A-B}").problems()).hasSize(1);
        assertThat(env.resolve("${A:-${B}}").problems()).hasSize(1);
        assertThat(List.of("${_UNDERSCORE:-ok}", "${lower_case:-ok}"))
                .allSatisfy(raw -> assertThat(resolved(raw)).isEqualTo("ok"));
    }
}
