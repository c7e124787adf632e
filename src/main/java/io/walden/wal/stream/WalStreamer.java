package io.walden.wal.stream;

import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Streams WAL from a physical replication slot into the repository until stopped. The server learns a
 * position is flushed only once it is durable in the repository, so the slot keeps every byte not yet
 * stored. A lost connection is retried with growing pauses, resuming from the repository's durable end.
 */
public final class WalStreamer {
    /** How often the segment being received is stored as a partial object. */
    static final Duration FLUSH_EVERY = Duration.ofSeconds(1);
    private static final Duration SLOT_EVERY = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ReplicationSource source;
    private final Repository repository;
    private final StreamStore store;
    private final Path staging;
    private final StreamStats stats;
    private final PrintStream log;
    private final Clock clock;
    private volatile boolean stopping;
    private Integer timeline;

    public WalStreamer(ReplicationSource source, Repository repository, Path staging, StreamStats stats, PrintStream log) {
        this.source = source;
        this.repository = repository;
        this.store = new StreamStore(repository);
        this.staging = staging;
        this.stats = stats;
        this.log = log;
        this.clock = Clock.systemUTC();
    }

    /** Asks {@link #run()} to store what it has and return. */
    public void stop() {
        stopping = true;
    }

    /** Streams until {@link #stop()}; every failure is reported and retried. */
    public void run() throws InterruptedException {
        Duration backoff = Duration.ofMillis(500);
        boolean first = true;
        while (!stopping) {
            if (!first) {
                stats.reconnected();
            }
            first = false;
            boolean progressed = false;
            try {
                progressed = streamOnce();
            } catch (StoreFailure e) {
                stats.failed(StreamStats.Failure.STORE, e.getMessage());
                log.println("walden daemon: cannot store WAL: " + e.getMessage());
            } catch (SQLException | RuntimeException | IOException e) {
                StreamStats.Failure kind = stats.streaming() ? StreamStats.Failure.STREAM : StreamStats.Failure.CONNECT;
                stats.failed(kind, String.valueOf(e.getMessage()));
                log.println("walden daemon: " + (kind == StreamStats.Failure.STREAM ? "streaming stopped: " : "cannot stream: ")
                        + oneLine(e));
            } finally {
                stats.streaming(false);
            }
            if (stopping) {
                break;
            }
            backoff = progressed ? Duration.ofMillis(500) : min(backoff.multipliedBy(2), MAX_BACKOFF);
            sleep(backoff);
        }
    }

    /** One connection's worth of streaming; true if any WAL was made durable. */
    private boolean streamOnce() throws SQLException, IOException, InterruptedException {
        long segmentSize = source.segmentSize();
        try (Connection replication = source.openReplication()) {
            ReplicationSource.Identity id = source.identify(replication);
            repository.claim(id.systemIdentifier(), source.major(), segmentSize);
            if (timeline != null && timeline != id.timeline()) {
                // not followed within one run yet: restart on the new timeline from what the repository has of it
                stats.failed(StreamStats.Failure.TIMELINE_SWITCH, "timeline " + timeline + " -> " + id.timeline());
                log.println("walden daemon: the server switched from timeline " + timeline + " to " + id.timeline()
                        + "; streaming resumes on timeline " + id.timeline()
                        + " from its fork");
            }
            timeline = id.timeline();
            stats.timeline(id.timeline());
            storeHistory(replication, id.timeline());
            Optional<Lsn> slotStart = source.ensureSlot();
            ResumePoint resume = resumePoint(id.timeline(), segmentSize, slotStart.orElse(id.flushed()));
            java.nio.file.Files.createDirectories(staging);
            clearStaging();
            PGReplicationStream stream = source.start(replication, resume.segment().startLsn());
            stats.streaming(true);
            stats.flushed(resume.durableEnd(), clock.instant());
            acknowledge(stream, resume.durableEnd());
            log.println("walden daemon: streaming timeline " + id.timeline() + " from " + resume.segment().startLsn()
                    + " (slot " + source.slot() + ", durable to " + resume.durableEnd() + ")");
            return pump(stream, resume);
        }
    }

    /**
     * Stores the timeline's history file unless the repository has it (archive_command may have pushed it):
     * without it a restore cannot follow the timeline this WAL is on.
     */
    private void storeHistory(Connection replication, int tli) throws SQLException, IOException {
        if (tli <= 1 || repository.storage().stat(ObjectKeys.timelineHistory(tli)).isPresent()) {
            return;
        }
        Optional<byte[]> content = source.timelineHistory(replication, tli);
        if (content.isEmpty()) {
            return;
        }
        String name = TimelineHistory.fileName(tli);
        java.nio.file.Files.createDirectories(staging);
        java.nio.file.Path file = staging.resolve(name);
        java.nio.file.Files.write(file, content.get());
        try {
            store.pushFile(file);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        log.println("walden daemon: stored " + name + " (timeline " + tli + " forked from its parent)");
    }

    /** The repository's durable end on this timeline, or the slot's position rounded down to its segment. */
    private ResumePoint resumePoint(int tli, long segmentSize, Lsn fallback) {
        Optional<ResumePoint> fromRepository = ResumePoint.of(repository.wal(), tli, segmentSize, w -> {
            try {
                return repository.trailer(w.key()).plainLength();
            } catch (IOException e) {
                return 0; // unreadable partial: stream the segment again from its start
            }
        });
        return fromRepository.orElseGet(() -> new ResumePoint(SegmentName.of(tli, notBeforeFork(tli, fallback), segmentSize), 0));
    }

    /**
     * A new timeline's WAL starts at its fork: the segment holding the switch point is the first one the server has
     * under the new timeline's name. A freshly made slot may reserve from an older checkpoint, before the fork,
     * whose segment exists only under the parent timeline's name.
     */
    private Lsn notBeforeFork(int tli, Lsn position) {
        try {
            var ancestors = repository.history(tli).ancestors();
            if (ancestors.isEmpty()) {
                return position;
            }
            Lsn fork = ancestors.get(ancestors.size() - 1).switchLsn();
            return fork.isAfter(position) ? fork : position;
        } catch (IOException | RuntimeException e) {
            return position;
        }
    }

    /**
     * Removes segments a killed run left in the staging folder: streaming resumes from what the repository has,
     * so they are never read again. Only files named as WAL segments are touched.
     */
    private void clearStaging() throws IOException {
        try (var files = java.nio.file.Files.list(staging)) {
            for (java.nio.file.Path f : files.toList()) {
                if (f.getFileName().toString().matches("[0-9A-F]{24}")) {
                    java.nio.file.Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Moves bytes from the server to the staging file and the repository until the stream breaks or stop(). */
    private boolean pump(PGReplicationStream stream, ResumePoint resume) throws SQLException, IOException, InterruptedException {
        SegmentStaging current = new SegmentStaging(staging, resume.segment());
        long stored = resume.storedPartial();
        boolean progressed = false;
        Instant nextFlush = clock.instant().plus(FLUSH_EVERY);
        Instant nextSlot = clock.instant();
        try {
            while (!stopping) {
                ByteBuffer data = stream.readPending();
                if (data != null) {
                    Lsn end = new Lsn(stream.getLastReceiveLSN().asLong());
                    Lsn start = end.plus(-data.remaining());
                    stats.received(end);
                    if (start.isAfter(current.end())) {
                        throw new IOException("the server sent WAL from " + start + ", expected " + current.end());
                    }
                    // skip what is already staged (a resend after reconnecting)
                    data.position(data.position() + (int) (current.end().value() - start.value()));
                    while (data.hasRemaining()) {
                        long room = current.segment().segmentSize() - current.written();
                        ByteBuffer part = data.slice(data.position(), (int) Math.min(room, data.remaining()));
                        data.position(data.position() + part.remaining());
                        current.append(part);
                        if (current.complete()) {
                            storeComplete(current);
                            progressed = true;
                            acknowledge(stream, current.end());
                            current = new SegmentStaging(staging, current.segment().next());
                            stored = 0;
                            nextFlush = clock.instant().plus(FLUSH_EVERY);
                        }
                    }
                    continue;
                }
                Instant now = clock.instant();
                if (!now.isBefore(nextFlush)) {
                    if (current.written() > stored) {
                        storePartial(current);
                        stored = current.written();
                        progressed = true;
                        acknowledge(stream, current.end());
                    }
                    nextFlush = now.plus(FLUSH_EVERY);
                }
                if (!now.isBefore(nextSlot)) {
                    reportSlot();
                    nextSlot = now.plus(SLOT_EVERY);
                }
                Thread.sleep(10);
            }
            // stopping: what was received is made durable before leaving
            if (current.written() > stored) {
                storePartial(current);
                acknowledge(stream, current.end());
            }
            return progressed;
        } finally {
            current.discard();
            try {
                stream.close();
            } catch (SQLException e) {
                // the connection is going away anyway
            }
        }
    }

    private void storePartial(SegmentStaging current) {
        try {
            store.storePartial(current, current.written());
        } catch (IOException | RuntimeException e) {
            throw new StoreFailure(current.segment().name() + ".partial: " + oneLine(e), e);
        }
        stats.flushed(current.end(), clock.instant());
    }

    private void storeComplete(SegmentStaging current) {
        try {
            store.storeComplete(current);
        } catch (IOException | RuntimeException e) {
            throw new StoreFailure(current.segment().name() + ": " + oneLine(e), e);
        }
        stats.flushed(current.end(), clock.instant());
    }

    /** Tells the server everything before {@code durable} is safe: the slot may release it. */
    private static void acknowledge(PGReplicationStream stream, Lsn durable) throws SQLException {
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(durable.value());
        stream.setFlushedLSN(lsn);
        stream.setAppliedLSN(lsn);
        stream.forceUpdateStatus();
    }

    private void reportSlot() {
        try {
            source.retainedBytes().ifPresent(stats::slotRetained);
        } catch (SQLException | RuntimeException e) {
            stats.failed(StreamStats.Failure.SLOT, String.valueOf(e.getMessage()));
        }
    }

    /** A failure to make WAL durable in the repository, apart from a failure of the server connection. */
    private static final class StoreFailure extends RuntimeException {
        StoreFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().lines().findFirst().orElse(m);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void sleep(Duration d) throws InterruptedException {
        long until = System.nanoTime() + d.toNanos();
        while (!stopping && System.nanoTime() < until) {
            Thread.sleep(50);
        }
    }
}
