package io.walden.restore;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2026-02-13 14:30:00 UTC           | 2026-02-13T14:30:00Z",
            "2026-02-13T14:30:00Z              | 2026-02-13T14:30:00Z",
            "2026-02-13 14:30:00.250+02:00     | 2026-02-13T12:30:00.250Z",
            "2026-02-13 14:30:00+0200          | 2026-02-13T12:30:00Z",
            "2026-02-13 14:30 Europe/Berlin    | 2026-02-13T13:30:00Z",
            "2026-07-13 14:30 Europe/Berlin    | 2026-07-13T12:30:00Z",
            "2026-02-13 14:30:00 utc           | 2026-02-13T14:30:00Z",
            "2026-02-13 14:30:00 GMT           | 2026-02-13T14:30:00Z",
            "2026-02-13 14:30:00-05            | 2026-02-13T19:30:00Z",
            "2026-02-13 14:30:00 -03:30        | 2026-02-13T18:00:00Z",
            "2026-02-13T14:30:00,5Z            | 2026-02-13T14:30:00.500Z",
            "2026-02-13 14:30:00.123456789 UTC | 2026-02-13T14:30:00.123456789Z",
    })
    void acceptsWhatOperatorsWrite(String text, String expected) {
        assertThat(Times.parse(text)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void refusesATimeWithoutZone() {
        assertThatThrownBy(() -> Times.parse("2026-02-13 14:30:00"))
                .isInstanceOf(UsageException.class)
                .hasMessage("the time '2026-02-13 14:30:00' has no time zone")
                .satisfies(t -> assertThat(((UsageException) t).hint())
                        .startsWith("add a time zone, e.g. UTC")
                        .isEqualTo("add a time zone, e.g. UTC: '2026-02-13 14:30:00 UTC'"))
                .satisfies(t -> assertThat(((UsageException) t).exitCode()).isEqualTo(2));
        assertThatThrownBy(() -> Times.parse(" 2026-02-13T14:30 "))
                .isInstanceOf(UsageException.class)
                .hasMessage("the time ' 2026-02-13T14:30 ' has no time zone")
                .satisfies(t -> assertThat(((UsageException) t).hint())
                        .isEqualTo("add a time zone, e.g. UTC: '2026-02-13T14:30 UTC'"));
    }

    @Test
    void refusesWhatIsNotATime() {
        assertThatThrownBy(() -> Times.parse("yesterday"))
                .isInstanceOf(UsageException.class)
                .hasMessage("'yesterday' is not a time walden understands")
                .satisfies(t -> assertThat(((UsageException) t).hint())
                        .isEqualTo("write it as '2026-02-13 14:30:00 UTC' or '2026-02-13T14:30:00Z'"));
        assertThatThrownBy(() -> Times.parse(null))
                .isInstanceOf(UsageException.class)
                .hasMessage("'null' is not a time walden understands");
        assertThatThrownBy(() -> Times.parse("2026-02-30 14:30:00 UTC"))
                .isInstanceOf(UsageException.class)
                .hasMessage("'2026-02-30 14:30:00 UTC' is not a valid date and time")
                .satisfies(t -> assertThat(((UsageException) t).hint())
                        .isEqualTo("write it as '2026-02-13 14:30:00 UTC' or '2026-02-13T14:30:00Z'"));
        assertThatThrownBy(() -> Times.parse("2026-02-13 25:30:00 UTC"))
                .isInstanceOf(UsageException.class)
                .hasMessage("'2026-02-13 25:30:00 UTC' is not a valid date and time");
        assertThatThrownBy(() -> Times.parse("2026-02-13 14:30:00 Mars/Olympus"))
                .isInstanceOf(UsageException.class)
                .hasMessage("'Mars/Olympus' in '2026-02-13 14:30:00 Mars/Olympus' is not a time zone walden knows")
                .satisfies(t -> assertThat(((UsageException) t).hint())
                        .isEqualTo("use UTC, an offset such as +02:00, or a region such as Europe/Berlin"));
        assertThatThrownBy(() -> Times.parse("2026-02-13 14:30:00+25:00"))
                .isInstanceOf(UsageException.class)
                .hasMessage("'+25:00' in '2026-02-13 14:30:00+25:00' is not a valid UTC offset")
                .satisfies(t -> assertThat(((UsageException) t).hint()).isEqualTo("use e.g. +02:00 or UTC"));
    }

    @Test
    void formatsForOperatorsAndForPostgres() {
        Instant at = Instant.parse("2026-02-13T12:30:00.250Z");
        assertThat(Times.format(at)).isEqualTo("2026-02-13 12:30:00.250 UTC");
        assertThat(Times.forPostgres(at)).isEqualTo("2026-02-13 12:30:00.250000+00");
        assertThat(Times.forPostgres(Instant.parse("2026-02-13T12:30:00.123456789Z"))).isEqualTo("2026-02-13 12:30:00.123456+00");
        assertThat(Times.forPostgres(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo("2026-01-01 00:00:00.000000+00");
        assertThat(Times.parse(Times.forPostgres(at))).isEqualTo(at);
        assertThat(Times.parse(Times.format(at))).isEqualTo(at);
    }
}
