package io.walden.ops.daemon;

import io.walden.wal.stream.StreamStats;

import java.time.Instant;
import java.util.Map;

/** The streamer's state for /api/stream and the status page; LSNs in PostgreSQL's notation. */
record StreamView(boolean streaming, int timeline, String receivedLsn, String flushedLsn, Instant lastFlush,
                  long slotRetainedBytes, long reconnects, String lastError, Map<String, Long> failures) {
    static StreamView of(StreamStats s) {
        Map<String, Long> failures = new java.util.TreeMap<>();
        s.failures().forEach((k, v) -> failures.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        return new StreamView(s.streaming(), s.timeline(), s.receivedLsn().toString(), s.flushedLsn().toString(), s.lastFlush(),
                s.slotRetainedBytes(), s.reconnects(), s.lastError(), failures);
    }
}
