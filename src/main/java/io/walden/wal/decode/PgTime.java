package io.walden.wal.decode;

import java.time.Instant;

/**
 * PostgreSQL's two clocks in WAL: TimestampTz (commit, abort, restore point, end of recovery) counts
 * microseconds since 2000-01-01 00:00:00 UTC; pg_time_t (checkpoint) counts seconds since the Unix epoch.
 */
final class PgTime {
    private static final long EPOCH_2000_SECONDS = 946_684_800L;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private PgTime() {
    }

    static Instant fromTimestampTz(long micros) {
        if (micros == Long.MIN_VALUE) {
            return Instant.MIN; // -infinity
        }
        if (micros == Long.MAX_VALUE) {
            return Instant.MAX; // infinity
        }
        return Instant.ofEpochSecond(EPOCH_2000_SECONDS + Math.floorDiv(micros, MICROS_PER_SECOND),
                Math.floorMod(micros, MICROS_PER_SECOND) * 1000L);
    }

    static long toTimestampTz(Instant time) {
        return Math.multiplyExact(time.getEpochSecond() - EPOCH_2000_SECONDS, MICROS_PER_SECOND) + time.getNano() / 1000;
    }

    static Instant fromPgTime(long seconds) {
        return Instant.ofEpochSecond(seconds);
    }
}
