package io.walden.repo;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UtcInstantTest {

    @Test
    void readsEveryFractionLengthAsInstantParseDoes() {
        List<String> times = List.of("2026-02-13T14:30:00Z", "2026-02-13T14:30:00.1Z", "2026-02-13T14:30:00.12Z",
                "2026-11-22T00:11:55.450158507Z", "2026-11-22T00:11:55.000000001Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999999999Z", "2024-02-29T23:59:59.5Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
        for (String time : times) {
            assertThat(UtcInstant.parse(time)).as(time).isEqualTo(Instant.parse(time));
        }
    }

    @Test
    void leavesOtherFormsToInstantParse() {
        // forms the short path does not take, which Instant.parse accepts: a leap second, an offset, the hour 24
        // (midnight of the next day) and a dot without digits
        for (String time : List.of("2016-12-31T23:59:60Z", "2026-02-13T15:30:00+01:00", "2026-02-13T24:00:00Z",
                "2026-02-13T14:30:00.Z")) {
            assertThat(UtcInstant.parse(time)).as(time).isEqualTo(Instant.parse(time));
        }
        assertThat(UtcInstant.parse("2026-02-13T15:30:00+01:00")).isEqualTo(Instant.parse("2026-02-13T14:30:00Z"));
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String bad : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", 
                "2026-02-13T14:61:00Z", "2026-02-13 14:30:00Z", "2026-02-13T14:30:00.1234567890Z",
                "2026-0a-13T14:30:00Z", "2026-02-13T14:30:00", "")) {
            assertThatThrownBy(() -> UtcInstant.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
    }
}
