package io.walden.ops.schedule;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CronScheduleTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void fiveFieldsFireAtTheNextMatchingMinute() {
        CronSchedule daily = CronSchedule.parse("0 2 * * *", UTC);
        assertThat(daily.nextAfter(Instant.parse("2026-03-01T01:59:59Z"))).contains(Instant.parse("2026-03-01T02:00:00Z"));
        assertThat(daily.nextAfter(Instant.parse("2026-03-01T02:00:00Z"))).contains(Instant.parse("2026-03-02T02:00:00Z"));
    }

    @Test
    void dayOfWeekAndStepsAreCrontabs() {
        CronSchedule sundays = CronSchedule.parse("30 5 * * 0", UTC);
        // 2026-03-04 is a Wednesday; the next Sunday is the 8th
        assertThat(sundays.nextAfter(Instant.parse("2026-03-04T12:00:00Z"))).contains(Instant.parse("2026-03-08T05:30:00Z"));
        CronSchedule quarterly = CronSchedule.parse("*/15 * * * *", UTC);
        assertThat(quarterly.nextAfter(Instant.parse("2026-03-04T12:16:00Z"))).contains(Instant.parse("2026-03-04T12:30:00Z"));
    }

    @Test
    void sixFieldsHaveSecondsFirstAndMacrosExpand() {
        assertThat(CronSchedule.parse("*/10 * * * * *", UTC).nextAfter(Instant.parse("2026-03-04T12:00:01Z")))
                .contains(Instant.parse("2026-03-04T12:00:10Z"));
        assertThat(CronSchedule.parse("@daily", UTC).nextAfter(Instant.parse("2026-03-04T12:00:00Z")))
                .contains(Instant.parse("2026-03-05T00:00:00Z"));
        assertThat(CronSchedule.parse("@hourly", UTC).toString()).isEqualTo("@hourly");
    }

    @Test
    void theZoneMovesTheFiring() {
        CronSchedule berlin = CronSchedule.parse("0 2 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(berlin.nextAfter(Instant.parse("2026-01-10T00:00:00Z"))).contains(Instant.parse("2026-01-10T01:00:00Z"));
    }

    @Test
    void countsTheFiringsBetweenTwoTimes() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", UTC);
        assertThat(hourly.firingsBetween(Instant.parse("2026-03-04T10:00:00Z"), Instant.parse("2026-03-04T13:30:00Z"))).isEqualTo(3);
        assertThat(hourly.firingsBetween(Instant.parse("2026-03-04T10:00:00Z"), Instant.parse("2026-03-04T10:59:00Z"))).isZero();
    }

    @Test
    void aBadExpressionSaysWhatToWrite() {
        assertThatThrownBy(() -> CronSchedule.parse("0 2 * *", UTC)).isInstanceOf(UsageException.class)
                .hasMessageContaining("'0 2 * *'").hasMessageContaining("4 fields");
        assertThatThrownBy(() -> CronSchedule.parse("61 2 * * *", UTC)).isInstanceOf(UsageException.class)
                .hasMessageContaining("'61 2 * * *' is not valid");
        assertThatThrownBy(() -> CronSchedule.parse("", UTC)).isInstanceOf(UsageException.class)
                .satisfies(e -> assertThat(((UsageException) e).hint()).contains("0 2 * * *"));
    }
}
