package io.walden.wal.stream;

import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the streamer did, read by /metrics and /health from another thread: positions, the last durable
 * store, the slot's retained WAL, reconnects and failures by kind.
 */
public final class StreamStats {
    /** Kinds of failure, as metric labels. */
    public enum Failure { CONNECT, STREAM, STORE, TIMELINE_SWITCH, SLOT }

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong flushed = new AtomicLong();
    private final AtomicLong lastFlushMillis = new AtomicLong();
    private final AtomicLong slotRetained = new AtomicLong(-1);
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong timeline = new AtomicLong();
    private volatile boolean streaming;
    private volatile String lastError = "";
    private final Map<Failure, AtomicLong> failures = new ConcurrentHashMap<>();

    public StreamStats() {
        for (Failure f : Failure.values()) {
            failures.put(f, new AtomicLong());
        }
    }

    void received(Lsn lsn) {
        received.set(lsn.value());
    }

    void flushed(Lsn lsn, Instant at) {
        flushed.set(lsn.value());
        lastFlushMillis.set(at.toEpochMilli());
    }

    void slotRetained(long bytes) {
        slotRetained.set(bytes);
    }

    void reconnected() {
        reconnects.incrementAndGet();
    }

    void timeline(int tli) {
        timeline.set(tli);
    }

    void streaming(boolean on) {
        streaming = on;
    }

    void failed(Failure kind, String message) {
        failures.get(kind).incrementAndGet();
        lastError = message;
    }

    public Lsn receivedLsn() {
        return new Lsn(received.get());
    }

    public Lsn flushedLsn() {
        return new Lsn(flushed.get());
    }

    /** When WAL was last made durable; null before the first time. */
    public Instant lastFlush() {
        long ms = lastFlushMillis.get();
        return ms == 0 ? null : Instant.ofEpochMilli(ms);
    }

    /** WAL the server keeps for the slot, in bytes; -1 until known. */
    public long slotRetainedBytes() {
        return slotRetained.get();
    }

    public long reconnects() {
        return reconnects.get();
    }

    public int timeline() {
        return (int) timeline.get();
    }

    public boolean streaming() {
        return streaming;
    }

    public String lastError() {
        return lastError;
    }

    public Map<Failure, Long> failures() {
        Map<Failure, Long> out = new TreeMap<>();
        failures.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
