package io.enclave.operators.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IsoDateTimesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2023-05-03T00:00:00.000Z",
                "2023-05-03T00:00:00Z",
                "2024-02-29T23:59:59.999999999Z",
                "2024-08-09T14:05:00-05:00",
                "2024-08-09T14:05:00+05:30",
                "1953-05-02T00:00:00.1Z",
                "2024-01-01T00:00:00-00:00",
                "0000-01-01T00:00:00Z",
                "2024-08-09T14:05:00.123456+18:00",
                "2024-08-09T14:05:00.5-18:00"
            })
    void theCommonShapesAreReadDirectlyAndEqualTheJdks(String text) {
        assertThat(IsoDateTimes.tryFast(text)).as(text).isNotNull().isEqualTo(OffsetDateTime.parse(text));
        assertThat(IsoDateTimes.parse(text)).isEqualTo(OffsetDateTime.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2024-08-09t14:05:00Z",
                "2024-08-09T14:05Z",
                "2024-08-09T14:05:00.Z",
                "2024-08-09T14:05:00+05:30:15",
                "+12024-08-09T14:05:00Z"
            })
    void otherShapesTheJdkAcceptsGoToTheJdk(String text) {
        assertThat(IsoDateTimes.tryFast(text)).as(text).isNull();
        assertThat(IsoDateTimes.parse(text)).isEqualTo(OffsetDateTime.parse(text));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2023-02-29T00:00:00Z",
                "2024-13-01T00:00:00Z",
                "2024-08-09T24:00:00Z",
                "2024-08-09T23:59:60Z",
                "2024-08-09T14:05:00",
                "2024-08-09T14:05:00+19:00",
                "2024-08-09T14:05:00+05:60",
                "2024-08-09T14:05:00+0530",
                "2024-08-09T14:05:00.1234567890Z",
                "2024-08-09T14:05:00ZZ",
                "2024-08-09 14:05:00Z",
                "2024-08-09T14:05:00+5:30",
                "２０２４-08-09T14:05:00Z",
                "",
                "not a date"
            })
    void invalidTextFailsExactlyAsTheJdkFails(String text) {
        assertThat(IsoDateTimes.tryFast(text)).as(text).isNull();
        assertThatThrownBy(() -> OffsetDateTime.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> IsoDateTimes.parse(text)).isInstanceOf(DateTimeParseException.class);
    }

    @Test
    void randomDatesAndTheirMutationsAgreeWithTheJdk() {
        Random random = new Random(20261128L);
        String alphabet = "0123456789-:T.Z+ ";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder(String.format(
                    "%04d-%02d-%02dT%02d:%02d:%02d",
                    random.nextInt(3000),
                    random.nextInt(14),
                    random.nextInt(33),
                    random.nextInt(26),
                    random.nextInt(61),
                    random.nextInt(62)));
            if (random.nextBoolean()) {
                s.append('.').append(Long.toString(Math.abs(random.nextLong())), 0, 1 + random.nextInt(10));
            }
            s.append(
                    random.nextInt(3) == 0
                            ? "Z"
                            : String.format(
                                    "%s%02d:%02d",
                                    random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(61)));
            if (random.nextInt(4) == 0) {
                s.setCharAt(random.nextInt(s.length()), alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            OffsetDateTime expected;
            try {
                expected = OffsetDateTime.parse(text);
            } catch (DateTimeException e) {
                assertThatThrownBy(() -> IsoDateTimes.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(IsoDateTimes.parse(text)).as(text).isEqualTo(expected);
        }
    }
}
