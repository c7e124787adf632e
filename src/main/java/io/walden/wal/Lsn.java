package io.walden.wal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.walden.error.UsageException;

/** A WAL location, printed the way PostgreSQL prints it: two hex halves, "16/B374D848". */
public record Lsn(long value) implements Comparable<Lsn> {
    public static final Lsn ZERO = new Lsn(0);

    @JsonCreator
    public static Lsn parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || slash > 8 || t.length() - slash - 1 > 8
                || !t.matches("[0-9A-Fa-f]+/[0-9A-Fa-f]+")) {
            throw new UsageException("'" + text + "' is not a WAL location",
                    "write it as PostgreSQL prints it, e.g. 0/3000148 (see pg_current_wal_lsn())");
        }
        try {
            long hi = Long.parseLong(t.substring(0, slash), 16);
            long lo = Long.parseLong(t.substring(slash + 1), 16);
            return new Lsn((hi << 32) | lo);
        } catch (NumberFormatException e) {
            throw new UsageException("'" + text + "' is not a WAL location",
                    "write it as PostgreSQL prints it, e.g. 0/3000148 (see pg_current_wal_lsn())");
        }
    }

    public Lsn plus(long bytes) {
        return new Lsn(value + bytes);
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    public boolean isAfter(Lsn o) {
        return compareTo(o) > 0;
    }

    public boolean isBefore(Lsn o) {
        return compareTo(o) < 0;
    }

    @JsonValue
    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
