package io.walden.restore;

import io.walden.error.WaldenException;
import io.walden.repo.Json;
import io.walden.repo.JsonText;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * How far a restore got, in a file next to PGDATA ({@code PGDATA.walden-restore}): written durably before
 * each step that changes the disk, removed once the restore has finished or rolled back. A restore killed
 * half way leaves it behind, and the next restore reads it ({@link LeftoverRestore}) to put back what the
 * killed one changed. It lives beside PGDATA, not in it, because PGDATA itself is moved aside.
 */
final class RestoreJournal {
    /** The step under way, in order; each is recorded before the step starts. */
    enum Phase {
        /** the old server is being stopped; PGDATA is untouched */
        STOPPING,
        /** the old PGDATA is being moved aside: the rename may or may not have happened */
        MOVING_ASIDE,
        /** the old PGDATA (if any) is the snapshot; PGDATA holds the new, half-written files */
        WRITING,
        /** the restored server was started and is replaying WAL */
        RECOVERING,
        /** the restore succeeded; only tidying up is left */
        DONE,
        /** the new PGDATA is being removed and the snapshot moved back: once the snapshot is gone, PGDATA is the old one */
        ROLLING_BACK
    }

    /**
     * {@code priorState}: what PGDATA was before (Restorer's states); {@code pgMajor} and {@code osUser}:
     * how to stop a server this restore started; {@code pid} and {@code processStart}: who wrote it.
     */
    record Entry(Phase phase, String backupId, String priorState, boolean inPlace, boolean wasRunning, String snapshot,
                 int pgMajor, String osUser, long pid, Instant processStart, Instant started) {
        Entry at(Phase next) {
            return new Entry(next, backupId, priorState, inPlace, wasRunning, snapshot, pgMajor, osUser, pid, processStart, started);
        }

        /**
         * Written by hand: data binding's first use would add a fifth of a second to every restore, and only a
         * restore that finds a journal left behind reads one back (with data binding).
         */
        String json() {
            return new JsonText().begin().field("phase", phase).field("backupId", backupId).field("priorState", priorState)
                    .field("inPlace", inPlace).field("wasRunning", wasRunning).field("snapshot", snapshot)
                    .field("pgMajor", pgMajor).field("osUser", osUser).field("pid", pid).field("processStart", processStart)
                    .field("started", started).end().toString();
        }

        /** True while the process that wrote it is still running (a pid reused since does not count). */
        boolean writerAlive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> processStart == null || p.info().startInstant().map(processStart::equals).orElse(true))
                    .isPresent();
        }
    }

    private static final Instant PROCESS_START = ProcessHandle.current().info().startInstant().orElse(null);

    private final Path file;
    private Entry entry;

    private RestoreJournal(Path file, Entry entry) {
        this.file = file;
        this.entry = entry;
    }

    static Path fileFor(Path pgdata) {
        return pgdata.resolveSibling(pgdata.getFileName() + ".walden-restore");
    }

    /** The journal a restore into {@code pgdata} left, if any. A torn one is refused: it cannot be trusted. */
    static Optional<Entry> read(Path pgdata) throws IOException {
        Path file = fileFor(pgdata);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.mapper().readValue(bytes, Entry.class));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new WaldenException("the restore journal " + file + " is damaged, so walden cannot tell how far an earlier restore got",
                    "compare " + pgdata + " and " + pgdata.getFileName() + ".pre-restore by hand, keep the one to use as " + pgdata
                            + ", then remove " + file + " and run the restore again");
        }
    }

    /**
     * Records that a restore of {@code backupId} starts changing the disk. Into an empty PGDATA whose parent
     * this user may not write (a mount point), there is no journal: there is nothing to lose there, and a
     * half-written PGDATA is recognised by its missing pg_control.
     */
    static RestoreJournal begin(Path pgdata, String backupId, String priorState, boolean inPlace, boolean wasRunning, Path snapshot,
                                int pgMajor, String osUser) throws IOException {
        Path file = "EMPTY".equals(priorState) && !Files.isWritable(pgdata.getParent()) ? null : fileFor(pgdata);
        RestoreJournal journal = new RestoreJournal(file, new Entry(Phase.STOPPING, backupId, priorState, inPlace,
                wasRunning, snapshot.toString(), pgMajor, osUser, ProcessHandle.current().pid(), PROCESS_START, Instant.now()));
        journal.store();
        return journal;
    }

    /** The journal of an interrupted restore, taken over by this process to record the steps of its rollback. */
    static RestoreJournal resume(Path pgdata, Entry entry) {
        return new RestoreJournal(fileFor(pgdata), new Entry(entry.phase(), entry.backupId(), entry.priorState(), entry.inPlace(),
                entry.wasRunning(), entry.snapshot(), entry.pgMajor(), entry.osUser(), ProcessHandle.current().pid(), PROCESS_START,
                entry.started()));
    }

    /** Records that {@code next} starts; the step may begin once this returns. */
    void at(Phase next) throws IOException {
        entry = entry.at(next);
        store();
    }

    /** The restore finished or rolled back: nothing is left for the next one to do. */
    void remove() throws IOException {
        if (file != null) {
            remove(file);
        }
    }

    static void remove(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            fsyncDirectory(file.getParent());
        }
    }

    private void store() throws IOException {
        if (file == null) {
            return;
        }
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(entry.json().getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.getParent());
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
