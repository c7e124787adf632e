package io.walden.ops.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.walden.error.UsageException;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * When a job runs: a cron expression of five fields (minute hour day-of-month month day-of-week, as crontab
 * has them), of six with seconds first, or a macro such as {@code @daily}; evaluated in one time zone.
 */
public final class CronSchedule {
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final CronParser FIVE_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser SIX_FIELDS = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));

    private final String text;
    private final ExecutionTime execution;
    private final ZoneId zone;

    private CronSchedule(String text, ExecutionTime execution, ZoneId zone) {
        this.text = text;
        this.execution = execution;
        this.zone = zone;
    }

    public static CronSchedule parse(String text, ZoneId zone) {
        String trimmed = text == null ? "" : text.strip();
        String expression = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
        int fields = expression.isEmpty() ? 0 : expression.split("\\s+").length;
        CronParser parser = switch (fields) {
            case 5 -> FIVE_FIELDS;
            case 6 -> SIX_FIELDS;
            default -> throw invalid(trimmed, fields + " fields");
        };
        Cron cron;
        try {
            cron = parser.parse(expression);
        } catch (IllegalArgumentException e) {
            throw invalid(trimmed, e.getMessage());
        }
        return new CronSchedule(trimmed, ExecutionTime.forCron(cron), zone);
    }

    private static UsageException invalid(String text, String why) {
        return new UsageException("cron '" + text + "' is not valid (" + why + ")",
                "write five fields, minute hour day-of-month month day-of-week (e.g. '0 2 * * *' for 02:00 daily),"
                        + " six with seconds first, or @hourly, @daily, @weekly, @monthly");
    }

    /** The first firing strictly after {@code after}; empty if the expression never fires again. */
    public Optional<Instant> nextAfter(Instant after) {
        return execution.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
    }

    /** Firings strictly after {@code from} and strictly before {@code to}: the runs a busy or stopped scheduler missed. */
    public int firingsBetween(Instant from, Instant to) {
        int n = 0;
        Optional<Instant> next = nextAfter(from);
        while (next.isPresent() && next.get().isBefore(to) && n < 10_000) {
            n++;
            next = nextAfter(next.get());
        }
        return n;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public String toString() {
        return text;
    }
}
