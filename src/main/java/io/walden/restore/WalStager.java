package io.walden.restore;

import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.wal.TimelineHistory;
import io.walden.wal.WalFileName;
import io.walden.wal.archive.WalFetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the WAL a recovery is about to replay ready in a staging folder inside pg_wal, fetched and
 * checked by this (already running) process, so restore_command costs a rename instead of starting a JVM
 * per segment and replay never waits for the repository. A bounded number of segments is staged ahead;
 * one PostgreSQL has moved away frees a place. Whatever is not staged (a segment it asks for out of order)
 * the restore_command fetches itself, so staging can only make a restore faster, never change what it replays.
 *
 * <p>History files are copied, not moved: PostgreSQL reads the same one more than once. The history files of the
 * next few timelines, which the repository did not have when the restore started, are answered "not there"
 * at once: PostgreSQL probes for them when it starts and again when it promotes, each probe otherwise a JVM start.
 */
final class WalStager implements AutoCloseable {
    static final String FOLDER = "walden-staging";
    private static final int AHEAD = 8;
    private static final int FETCHERS = 2;
    /** History files, which restore_command copies. */
    private static final String HISTORY = "history";
    /** Empty files named after the history files the repository does not have. */
    private static final String ABSENT = "absent";
    /** How many timelines above the newest one the repository has are answered "not there". */
    private static final int ABSENT_TIMELINES = 4;

    private final Repository repository;
    private final Path folder;
    private final List<String> segments;
    private final List<String> histories;
    private final String osUser;
    private final ExecutorService pool = Executors.newFixedThreadPool(FETCHERS + 1, Thread.ofVirtual().factory());
    private volatile boolean stopped;

    private WalStager(Repository repository, Path folder, List<String> segments, List<String> histories, String osUser) {
        this.repository = repository;
        this.folder = folder;
        this.segments = segments;
        this.histories = histories;
        this.osUser = osUser;
    }

    /**
     * The stager for a restore from {@code backup} along {@code history}; the folder is made now, owned by
     * the server's user, who moves files out of it.
     */
    static WalStager prepare(Repository repository, Path pgdata, Manifest backup, TimelineHistory history, List<ArchivedWal> wal,
                             String osUser) throws IOException {
        Path folder = pgdata.resolve("pg_wal").resolve(FOLDER);
        DirectoryTree.delete(folder);
        Files.createDirectories(folder);
        OsUser.chown(folder, osUser);
        for (String sub : List.of(HISTORY, ABSENT)) {
            Files.createDirectory(folder.resolve(sub));
            OsUser.chown(folder.resolve(sub), osUser);
        }
        List<String> histories = wal.stream().filter(w -> w.file().kind() == WalFileName.Kind.HISTORY)
                .map(w -> w.file().name()).toList();
        int newest = Math.max(history.timeline(), wal.stream().mapToInt(w -> w.file().timeline()).max().orElse(1));
        for (int t = newest + 1; t <= newest + ABSENT_TIMELINES; t++) {
            Files.createFile(folder.resolve(ABSENT).resolve(TimelineHistory.fileName(t)));
        }
        return new WalStager(repository, folder, ReplayOrder.of(backup, history, wal), histories, osUser);
    }

    /**
     * restore_command: the staged segment or history file if there is one, "not there" for a history file the
     * repository does not have, else a fetch. A failed rename or copy (the file just went) falls back to the
     * fetch too.
     */
    static String restoreCommand(String fetchCommand) {
        String dir = "pg_wal/" + FOLDER + "/";
        return "{ [ -f " + dir + "%f ] && mv -f " + dir + "%f \"%p\"; } || { [ -f " + dir + HISTORY + "/%f ] && cp "
                + dir + HISTORY + "/%f \"%p\"; } || { [ -f " + dir + ABSENT + "/%f ] && exit 1; } || " + fetchCommand;
    }

    void start() {
        pool.submit(() -> {
            run();
            return null;
        });
    }

    /** A segment put in the window, and its fetch. */
    private record Staged(String name, Future<Boolean> fetch) {
        boolean fetched() throws Exception {
            return fetch.isDone() && fetch.get();
        }
    }

    private void run() throws Exception {
        for (String h : histories) {
            if (stopped) {
                return;
            }
            fetch(h, folder.resolve(HISTORY).resolve(h));
        }
        List<Staged> window = new ArrayList<>();
        int next = 0;
        while (!stopped && (next < segments.size() || !window.isEmpty())) {
            forgetTaken(window);
            long fetching = window.stream().filter(w -> !w.fetch().isDone()).count();
            if (next < segments.size() && window.size() < AHEAD && fetching < FETCHERS) {
                String name = segments.get(next++);
                window.add(new Staged(name, pool.submit(() -> fetch(name, folder.resolve(name)))));
                continue;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Drops from the window what recovery has taken (fetched, then gone) and what could not be fetched. A
     * staged file older than one recovery took will never be asked for (another timeline's copy was wanted):
     * it is deleted, so it cannot block the window. A failed fetch leaves the window; restore_command
     * fetches that file itself.
     */
    private void forgetTaken(List<Staged> window) throws Exception {
        window.removeIf(w -> w.fetch().isDone() && !fetchedQuietly(w));
        int lastTaken = -1;
        for (int i = 0; i < window.size(); i++) {
            Staged w = window.get(i);
            if (w.fetched() && !Files.exists(folder.resolve(w.name()))) {
                lastTaken = i;
            }
        }
        for (int i = 0; i < lastTaken; i++) {
            if (window.get(i).fetched()) {
                Files.deleteIfExists(folder.resolve(window.get(i).name()));
            }
        }
        if (lastTaken >= 0) {
            window.subList(0, lastTaken + 1).clear();
        }
    }

    private static boolean fetchedQuietly(Staged w) {
        try {
            return w.fetched();
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Fetches under a name restore_command never asks for and gives it to the server's user before renaming it
     * into place: restore_command may take a file the moment its name appears, and a file it moved while still
     * root's would be one recovery cannot open.
     */
    private boolean fetch(String name, Path target) {
        Path unpublished = target.resolveSibling("." + name + ".staging");
        try {
            if (!new WalFetcher(repository).fetch(name, unpublished, false)) {
                return false;
            }
            OsUser.chown(unpublished, osUser);
            Files.move(unpublished, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException | RuntimeException e) {
            unpublished.toFile().delete();
            return false; // restore_command fetches it itself and reports what is wrong
        }
    }

    /** Stops fetching and removes the folder: after recovery nothing asks for staged files. */
    @Override
    public void close() {
        stopped = true;
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            DirectoryTree.delete(folder);
        } catch (IOException | RuntimeException e) {
            // a leftover folder only holds verified copies of archived WAL; the next restore removes it
        }
    }
}
