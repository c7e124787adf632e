package io.walden.restore;

import io.walden.error.UsageException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads recovery target times the way operators write them ("2026-02-13 14:30:00 UTC",
 * "2026-02-13T14:30:00Z", "2026-02-13 14:30:00.250+02:00", "2026-02-13 14:30 Europe/Berlin") and
 * refuses a time without a zone: the server's zone, the shell's and the operator's may all differ.
 */
public final class Times {
    private static final Pattern FORM = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?)\\s*(.*)");
    private static final Pattern OFFSET = Pattern.compile("([+-])(\\d{2})(?::?(\\d{2}))?");
    private static final DateTimeFormatter PRINT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter POSTGRES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static Instant parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new UsageException("'" + text + "' is not a time walden understands",
                    "write it as '2026-02-13 14:30:00 UTC' or '2026-02-13T14:30:00Z'");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.of(LocalDate.parse(m.group(1)), LocalTime.parse(m.group(2).replace(',', '.')));
        } catch (DateTimeParseException e) {
            throw new UsageException("'" + text + "' is not a valid date and time",
                    "write it as '2026-02-13 14:30:00 UTC' or '2026-02-13T14:30:00Z'");
        }
        String zone = m.group(3).strip();
        if (zone.isEmpty()) {
            throw new UsageException("the time '" + text + "' has no time zone",
                    "add a time zone, e.g. UTC: '" + t + " UTC'");
        }
        return local.atZone(zone(zone, text)).toInstant();
    }

    private static ZoneId zone(String zone, String text) {
        if (zone.equalsIgnoreCase("Z") || zone.equalsIgnoreCase("UTC") || zone.equalsIgnoreCase("GMT")) {
            return ZoneOffset.UTC;
        }
        Matcher o = OFFSET.matcher(zone);
        if (o.matches()) {
            int hours = Integer.parseInt(o.group(2));
            int minutes = o.group(3) == null ? 0 : Integer.parseInt(o.group(3));
            int sign = o.group(1).equals("-") ? -1 : 1;
            try {
                return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
            } catch (DateTimeException e) {
                throw new UsageException("'" + zone + "' in '" + text + "' is not a valid UTC offset", "use e.g. +02:00 or UTC");
            }
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new UsageException("'" + zone + "' in '" + text + "' is not a time zone walden knows",
                    "use UTC, an offset such as +02:00, or a region such as Europe/Berlin");
        }
    }

    /** For operators: "2026-02-13 14:30:00.250 UTC". */
    public static String format(Instant at) {
        return PRINT.format(at);
    }

    /** For recovery_target_time: microseconds, explicit UTC offset. */
    public static String forPostgres(Instant at) {
        return POSTGRES.format(at);
    }
}
