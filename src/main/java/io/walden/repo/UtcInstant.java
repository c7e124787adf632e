package io.walden.repo;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the times walden writes into repository files ({@code 2026-02-13T14:30:00.123456789Z}: UTC, zero to nine
 * digits of fraction) without {@link Instant#parse}, whose formatter costs a fresh process about 25 ms to set up,
 * and every short command (wal-push among them) reads at least one such time. Any other form goes to
 * {@link Instant#parse}, so what it accepts and how it fails stay the same.
 */
final class UtcInstant {
    private static final int DATE_TIME_LENGTH = "2026-02-13T14:30:00".length();

    private UtcInstant() {
    }

    static Instant parse(String text) {
        int n = text.length();
        if (n < DATE_TIME_LENGTH + 1 || n > DATE_TIME_LENGTH + 11 || text.charAt(n - 1) != 'Z'
                || !separatorsAt(text, '-', 4, 7) || text.charAt(10) != 'T' || !separatorsAt(text, ':', 13, 16)) {
            return Instant.parse(text);
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = fraction(text, DATE_TIME_LENGTH, n - 1);
        // a leap second (:60) and anything out of range take the general path, which knows how to answer them
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || nanos < 0) {
            return Instant.parse(text);
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return Instant.parse(text);
        }
        return Instant.ofEpochSecond(date.toEpochDay() * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    private static boolean separatorsAt(String text, char separator, int first, int second) {
        return text.charAt(first) == separator && text.charAt(second) == separator;
    }

    /** The decimal number in {@code text[from, to)}, or -1 when it is not all ASCII digits. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Nanoseconds from {@code text[from, to)}: empty, or a dot and one to nine digits; -1 for anything else. */
    private static int fraction(String text, int from, int to) {
        if (from == to) {
            return 0;
        }
        if (text.charAt(from) != '.' || to - from < 2) {
            return -1;
        }
        int value = digits(text, from + 1, to);
        if (value < 0) {
            return -1;
        }
        for (int i = to - from - 1; i < 9; i++) {
            value *= 10;
        }
        return value;
    }
}
