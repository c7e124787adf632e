package io.walden.wal.archive;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The background archiver of asynchronous wal-push: a resident process that pushes every WAL file PostgreSQL
 * has marked ready, oldest first and a few at a time, and records in the spool each one that is durable in the
 * repository, so that the wal-push PostgreSQL runs for it finds the marker and returns at once.
 *
 * <p>It wakes on new .ready files (a file watch, plus a rescan in case a notification is lost), never records
 * a marker before the push returned (the repository's write is durable when it returns), and records a failure
 * instead, which wal-push reports; a failed file is tried again when a wal-push clears its failure, so retries
 * follow PostgreSQL's pace. It leaves after a quiet period, when pg_wal disappears or is replaced (a restore),
 * and when another archiver already serves the spool.
 */
public final class WalArchiver {
    private static final Duration HOUSEKEEPING = Duration.ofMinutes(1);

    /** What pushes one file: {@link WalPusher#push(Path)} in production. */
    @FunctionalInterface
    public interface Pusher {
        void push(Path file) throws IOException;
    }

    /**
     * @param idleExit how long without a file to push before the process leaves
     * @param jobs     files pushed at the same time
     * @param rescan   how often archive_status is listed even without a notification
     */
    public record Settings(Duration idleExit, int jobs, Duration rescan) {
        public Settings {
            if (jobs < 1) {
                throw new IllegalArgumentException("jobs must be at least 1");
            }
        }
    }

    public enum Stop { IDLE, PG_WAL_GONE, ANOTHER_RUNNING }

    private final Path pgWal;
    private final ArchiveSpool spool;
    private final Pusher pusher;
    private final Settings settings;
    private final PrintStream log;
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    private final BlockingQueue<Boolean> wake = new LinkedBlockingQueue<>();

    public WalArchiver(Path pgWal, ArchiveSpool spool, Pusher pusher, Settings settings, PrintStream log) {
        this.pgWal = pgWal.toAbsolutePath();
        this.spool = spool;
        this.pusher = pusher;
        this.settings = settings;
        this.log = log;
    }

    public Stop run() throws IOException, InterruptedException {
        String walIdentity = directoryIdentity(pgWal).orElseThrow(() -> new NoSuchFileException(pgWal.toString()));
        Optional<ArchiverLease> lease = ArchiverLease.tryAcquire(spool);
        if (lease.isEmpty()) {
            return Stop.ANOTHER_RUNNING;
        }
        // closed in reverse order: the pushes under way finish and record their outcome before the lease goes
        ArchiverLease held = lease.get();
        try (held; ExecutorService pool = Executors.newFixedThreadPool(settings.jobs());
             WatchService watch = pgWal.getFileSystem().newWatchService()) {
            ReadyFiles.statusDirectory(pgWal).register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            spool.failedDirectory().register(watch, StandardWatchEventKinds.ENTRY_DELETE);
            Thread.ofVirtual().name("archive-status-watch").start(() -> forwardEvents(watch));
            log.println("walden archiver " + ProcessHandle.current().pid() + ": archiving " + pgWal + " (jobs "
                    + settings.jobs() + ", leaves after " + settings.idleExit().toSeconds() + " s idle)");
            Instant lastWork = Instant.now();
            Instant lastHousekeeping = Instant.MIN;
            while (true) {
                if (!directoryIdentity(pgWal).equals(Optional.of(walIdentity))) {
                    log.println("walden archiver: " + pgWal + " is gone or was replaced; leaving");
                    return Stop.PG_WAL_GONE;
                }
                if (schedule(pool) || !inFlight.isEmpty()) {
                    lastWork = Instant.now();
                } else if (Duration.between(lastWork, Instant.now()).compareTo(settings.idleExit()) >= 0) {
                    return Stop.IDLE;
                }
                if (Duration.between(lastHousekeeping, Instant.now()).compareTo(HOUSEKEEPING) >= 0) {
                    housekeeping();
                    lastHousekeeping = Instant.now();
                }
                wake.poll(settings.rescan().toMillis(), TimeUnit.MILLISECONDS);
                wake.clear();
            }
        }
    }

    /** Records nobody can ask about any more go; failing at it is no reason to stop archiving. */
    private void housekeeping() {
        try {
            spool.removeStale(pgWal);
        } catch (IOException e) {
            log.println("walden archiver: cannot clean up " + spool.area() + ": " + e.getMessage());
        }
    }

    /** Starts pushes for ready files without a marker or a failure; true when any file is waiting for a slot. */
    private boolean schedule(ExecutorService pool) throws IOException {
        boolean waiting = false;
        for (String name : ReadyFiles.list(pgWal)) {
            if (inFlight.containsKey(name)) {
                continue;
            }
            Path file = pgWal.resolve(name);
            WalFileIdentity identity;
            try {
                identity = WalFileIdentity.of(file);
            } catch (NoSuchFileException e) {
                continue; // a .ready without its file: PostgreSQL's own call will report it
            }
            if (spool.isArchived(name, identity) || spool.failure(name, identity).isPresent()) {
                continue;
            }
            if (inFlight.size() >= settings.jobs()) {
                waiting = true;
                break;
            }
            inFlight.put(name, Boolean.TRUE);
            pool.execute(() -> pushOne(name, file, identity));
        }
        return waiting;
    }

    /**
     * The marker is written only when the push returned and the file is still the one that was read: a file
     * changed meanwhile may differ from what reached the repository.
     */
    private void pushOne(String name, Path file, WalFileIdentity before) {
        try {
            pusher.push(file);
            WalFileIdentity after = WalFileIdentity.of(file);
            if (after.equals(before)) {
                spool.markArchived(name, before);
            } else {
                spool.recordFailure(name, after, "WAL file " + name + " changed while it was being archived",
                        "PostgreSQL will retry; if this repeats, check what else writes to pg_wal");
            }
        } catch (WaldenException e) {
            log.println("walden archiver: " + name + ": " + e.getMessage());
            recordFailure(name, before, e.getMessage(), e.hint());
        } catch (Exception | Error e) {
            log.println("walden archiver: " + name + ": " + e);
            e.printStackTrace(log);
            recordFailure(name, before, "archiving " + name + " failed: " + e,
                    "the archiver's log " + spool.logFile() + " has the details; PostgreSQL will retry");
        } finally {
            inFlight.remove(name);
            wake.offer(Boolean.TRUE);
        }
    }

    private void recordFailure(String name, WalFileIdentity identity, String message, String hint) {
        try {
            spool.recordFailure(name, identity, message, hint);
        } catch (IOException e) {
            log.println("walden archiver: cannot record the failure of " + name + " in " + spool.area() + ": " + e.getMessage());
        }
    }

    private void forwardEvents(WatchService watch) {
        try {
            while (true) {
                var key = watch.take();
                key.pollEvents();
                key.reset();
                wake.offer(Boolean.TRUE);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // the archiver is leaving
        }
    }

    private static Optional<String> directoryIdentity(Path dir) {
        try {
            return Optional.of(ArchiveSpool.directoryIdentity(dir));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
