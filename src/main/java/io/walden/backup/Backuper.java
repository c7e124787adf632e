package io.walden.backup;

import io.walden.error.FaultPoint;
import io.walden.error.DiskFull;
import io.walden.error.ParallelTasks;
import io.walden.error.WaldenException;
import io.walden.repo.BackupIds;
import io.walden.repo.CatalogSnapshot;
import io.walden.repo.Manifest;
import io.walden.repo.Manifest.DataObject;
import io.walden.repo.Manifest.FileEntry;
import io.walden.repo.ObjectKeys;
import io.walden.repo.Repository;
import io.walden.repo.RepositoryIdentity;
import io.walden.repo.RepositoryLock;
import io.walden.storage.ObjectInfo;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Takes a base backup (full, or incremental against the newest one; see BackupKind) of the running
 * server whose PGDATA is on this host: start the backup, copy PGDATA in parallel into data objects, stop
 * the backup, wait until the WAL from start to stop is in the repository, and only then write the
 * manifest, which makes the backup exist.
 */
public final class Backuper {

    /**
     * {@code lockWait}: how long to queue behind another backup holding the repository's lock;
     * {@code fullEvery} and {@code maxChain}: when {@link BackupKind} starts a new full backup.
     */
    public record Options(Path pgdata, String label, int jobs,
                          boolean fastCheckpoint, Duration archiveTimeout, String waldenVersion, Duration lockWait,
                          BackupKind.Requested type, Duration fullEvery, int maxChain) {}

    /** Told what kind of backup this is, how many bytes are to be read, then how many were. */
    public interface Progress {
        default void kind(BackupKind.Decision decision) {
        }

        void started(long totalBytes);

        void copied(long bytes);

        /** Something the backup did without, which the operator should know; the backup goes on. */
        default void warn(String message) {
        }
    }

    private final Repository repository;
    private final Connection connection;
    private final Options options;
    private final Progress progress;
    private final CatalogReader catalogReader;

    public Backuper(Repository repository, Connection connection, Options options, Progress progress,
                    CatalogReader catalogReader) {
        this.repository = repository;
        this.connection = connection;
        this.options = options;
        this.progress = progress;
        this.catalogReader = catalogReader;
    }

    public Manifest run() throws IOException {
        // Refuse what cannot give a usable backup before anything is written.
        ServerFacts facts = ServerFacts.read(connection);
        checkServer(facts);
        Path pgdata = checkPgdata(facts);
        RepositoryIdentity identity = repository.claim(facts.systemIdentifier(), facts.major(), facts.walSegmentSize());

        // One backup at a time: two would race for ids and double the load for nothing.
        try (RepositoryLock lock = RepositoryLock.acquire(repository, "backup", options.lockWait())) {
            return take(facts, pgdata, identity);
        }
    }

    private Manifest take(ServerFacts facts, Path pgdata, RepositoryIdentity identity) throws IOException {
        List<Manifest> backups = repository.backups();
        Set<String> taken = new HashSet<>();
        backups.forEach(m -> taken.add(m.id()));
        Instant startTime = Instant.now();
        String id = BackupIds.next(startTime, taken);
        BackupKind.Decision kind = BackupKind.decide(options.type(), backups, startTime, options.fullEvery(), options.maxChain());
        progress.kind(kind);
        Optional<ParentBackup> parent = kind.parent().map(ParentBackup::of);

        BackupControl control = new BackupControl(connection, facts.versionNum());
        Lsn startLsn = control.start("walden " + id, options.fastCheckpoint());
        FaultPoint.reach("backup.after-start");
        long toCopy = 0; // for the message when the repository fills up
        try {
            // read while the files are copied: it needs only a few queries, on connections of its own. A platform
            // thread: a virtual one's socket brings up the JDK's poller thread, and a JVM before 25 then waits
            // 300 ms at exit for that thread to leave native code, which it never does
            FutureTask<Optional<CatalogSnapshot>> catalog = new FutureTask<>(this::readCatalog);
            Thread.ofPlatform().name("catalog").daemon().start(catalog);
            // Copy PGDATA while the server keeps running; WAL replay repairs torn pages.
            PgdataScan scan = new PgdataScanner(pgdata).scan();
            BackupPlan plan = BackupPlan.of(scan.files());
            toCopy = plan.totalBytes();
            progress.started(toCopy);
            List<UnitCopier.Copied> copied = copyAll(id, pgdata, plan, parent);
            FaultPoint.reach("backup.after-copy");

            // End the backup; PostgreSQL hands back the backup_label to store with it.
            BackupControl.Stopped stopped = control.stop();
            FaultPoint.reach("backup.after-stop");
            Instant stopTime = Instant.now();
            long nextXid = control.nextXid();
            int timeline = stopped.timeline();
            SegmentName first = SegmentName.of(timeline, startLsn, facts.walSegmentSize());
            SegmentName last = SegmentName.of(timeline, stopped.stopLsn().plus(-1), facts.walSegmentSize());

            // The backup is only restorable with the WAL written while it ran.
            waitForWal(first, last, pgdata.resolve("pg_wal"));
            FaultPoint.reach("backup.before-manifest");

            Optional<CatalogSnapshot> snapshot = join(catalog);
            if (snapshot.isPresent()) {
                repository.writeCatalog(id, snapshot.get());
            }
            Manifest manifest = manifest(id, facts, identity, startTime, stopTime, startLsn, stopped, timeline,
                    first, last, nextXid, scan, copied, parent);
            repository.writeManifest(manifest);
            FaultPoint.reach("backup.after-manifest");
            return manifest;
        } catch (IOException | RuntimeException e) {
            abandon(id, control);
            if (DiskFull.causes(e)) {
                throw new WaldenException("the repository at " + repository.location() + " is full (no space left on device"
                        + Optional.ofNullable(DiskFull.file(e)).map(f -> " writing " + f).orElse("") + "); backup " + id
                        + " was abandoned and what it had stored removed. PGDATA holds " + (toCopy >> 20)
                        + " MB before compression", "free space in the repository (walden delete --retain-full N --confirm"
                        + " removes old backups), then run the backup again", e);
            }
            throw e;
        }
    }

    /** The tables and their files for 'walden blame'; a backup without them is still a whole backup. */
    private Optional<CatalogSnapshot> readCatalog() {
        try {
            CatalogSnapshot snapshot = catalogReader.read();
            snapshot.problems().forEach(p -> progress.warn("table names not recorded for " + p));
            return Optional.of(snapshot);
        } catch (SQLException | RuntimeException e) {
            progress.warn("table names not recorded (walden blame will show file numbers): " + e.getMessage());
            return Optional.empty();
        }
    }

    private static <T> T join(FutureTask<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("the backup was interrupted", null);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void checkServer(ServerFacts facts) {
        if (facts.major() < 13) {
            throw new WaldenException("PostgreSQL " + facts.version() + " is not supported", "walden supports PostgreSQL 13 and later");
        }
        if (facts.inRecovery()) {
            throw new WaldenException("the server is a standby; walden takes backups from the primary only",
                    "point PGHOST/PGPORT or --pg-url at the primary");
        }
        if (facts.walLevel().equals("minimal")) {
            throw new WaldenException("wal_level is minimal, so the server's WAL cannot restore a backup",
                    "set wal_level = replica and restart PostgreSQL");
        }
        if (facts.archiveMode().equals("off")) {
            throw new WaldenException("archive_mode is off, so the WAL a backup needs is not archived",
                    "set archive_mode = on and archive_command = 'walden --repo " + repository.location()
                            + " wal-push %p', then restart PostgreSQL");
        }
    }

    private Path checkPgdata(ServerFacts facts) throws IOException {
        Path serverDir = facts.dataDirectory();
        if (!Files.isRegularFile(serverDir.resolve("PG_VERSION"))) {
            throw new WaldenException("the server's data directory " + serverDir + " is not readable here",
                    "run walden backup on the database host, as the user that owns PGDATA");
        }
        if (options.pgdata() != null && (!Files.isDirectory(options.pgdata()) || !Files.isSameFile(options.pgdata(), serverDir))) {
            throw new WaldenException("--pgdata " + options.pgdata() + " is not the data directory of the server walden connected to ("
                    + serverDir + ")", "check --pgdata (or PGDATA) and PGHOST/PGPORT: they must name the same cluster");
        }
        return serverDir;
    }

    private List<UnitCopier.Copied> copyAll(String id, Path pgdata, BackupPlan plan, Optional<ParentBackup> parent)
            throws IOException {
        UnitCopier copier = new UnitCopier(repository, id, pgdata, parent, options.jobs(), progress::copied);
        List<Callable<UnitCopier.Copied>> copies = new ArrayList<>();
        for (BackupPlan.Unit unit : plan.units()) {
            copies.add(() -> {
                UnitCopier.Copied c = copier.copy(unit);
                FaultPoint.reach("backup.mid-copy");
                return c;
            });
        }
        return ParallelTasks.all(options.jobs(), copies, "backup");
    }

    private void waitForWal(SegmentName first, SegmentName last, Path pgWal) throws IOException {
        Instant start = Instant.now();
        Instant deadline = start.plus(options.archiveTimeout());
        StopSegmentPush stopSegment = new StopSegmentPush(repository, pgWal);
        boolean mayPush = true;
        SegmentName missing = first;
        while (true) {
            missing = firstMissing(missing, last);
            if (missing == null) {
                return;
            }
            if (mayPush && missing.equals(last)) {
                // every segment from first up to the last is stored: only one before first needs a look
                StopSegmentPush.Outcome pushed = stopSegment.tryPush(last,
                        s -> s.compareTo(first) >= 0 || isArchived(s), progress::warn);
                if (pushed == StopSegmentPush.Outcome.PUSHED) {
                    return;
                }
                mayPush = pushed == StopSegmentPush.Outcome.NOT_NOW;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new WaldenException("WAL segment " + missing + " did not reach the repository within "
                        + options.archiveTimeout().toSeconds() + " s, so this backup cannot be restored and was discarded",
                        "check archive_command (SELECT * FROM pg_stat_archiver): it must be 'walden --repo "
                                + repository.location() + " wal-push %p'");
            }
            try {
                // the last segment is usually archived a few hundred ms after the backup stops: look often then,
                // seldom when archiving is slow (each look lists a folder, a request on object storage)
                Thread.sleep(Duration.between(start, Instant.now()).toSeconds() < 5 ? 50 : 250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaldenException("backup interrupted while waiting for WAL", null);
            }
        }
    }

    private boolean isArchived(SegmentName segment) {
        try {
            return firstMissing(segment, segment) == null;
        } catch (IOException e) {
            return false;
        }
    }

    private SegmentName firstMissing(SegmentName from, SegmentName last) throws IOException {
        Set<String> present = new HashSet<>();
        String folder = ObjectKeys.WAL + from.name().substring(0, 16) + "/";
        for (ObjectInfo info : repository.storage().list(folder)) {
            present.add(ObjectKeys.walFileName(info.key()));
        }
        for (SegmentName s = from; s.compareTo(last) <= 0; s = s.next()) {
            if (!s.name().startsWith(from.name().substring(0, 16))) {
                return firstMissing(s, last); // crossed into the next log folder
            }
            if (!present.contains(s.name())) {
                return s;
            }
        }
        return null;
    }

    private Manifest manifest(String id, ServerFacts facts, RepositoryIdentity identity, Instant startTime, Instant stopTime,
                              Lsn startLsn, BackupControl.Stopped stopped, int timeline, SegmentName first,
                              SegmentName last, long nextXid, PgdataScan scan, List<UnitCopier.Copied> copied,
                              Optional<ParentBackup> parent) {
        List<FileEntry> files = new ArrayList<>();
        List<DataObject> objects = new ArrayList<>();
        Set<String> copiedPaths = new HashSet<>();
        long maps = 0;
        for (UnitCopier.Copied c : copied) {
            c.object().ifPresent(objects::add);
            maps += c.mapStoredSize();
            for (FileEntry f : c.files()) {
                files.add(f);
                copiedPaths.add(f.path());
            }
        }
        for (SourceFile f : scan.files()) {
            if (f.size() == 0 && !copiedPaths.contains(f.path())) {
                files.add(new FileEntry(f.path(), 0, f.mode(), null, null, 0));
            }
        }
        files.sort(Comparator.comparing(FileEntry::path));
        objects.sort(Comparator.comparing(DataObject::name));
        long original = files.stream().mapToLong(FileEntry::size).sum();
        long stored = objects.stream().mapToLong(DataObject::storedSize).sum() + maps;
        return new Manifest(Manifest.FORMAT, id, options.label(), startTime, stopTime, startLsn, stopped.stopLsn(), timeline,
                facts.versionNum(), identity.systemIdentifier(), facts.walSegmentSize(), first.name(), last.name(),
                stopped.backupLabel(), stopped.tablespaceMap(), nextXid < 0 ? null : nextXid,
                repository.codec().compression().toString(), scan.directories(), files, objects, original, stored, options.waldenVersion(),
                parent.isPresent() ? Manifest.INCREMENTAL : Manifest.FULL, parent.map(ParentBackup::id).orElse(null));
    }

    /** Ends the server's backup mode if still on and removes what this backup wrote; nothing may look complete. */
    private void abandon(String id, BackupControl control) {
        try {
            control.stop();
        } catch (RuntimeException ignored) {
            // already stopped, or the session is gone (which ends backup mode too)
        }
        try {
            for (ObjectInfo info : repository.storage().list(ObjectKeys.BACKUPS + id + "/")) {
                repository.storage().delete(info.key());
            }
        } catch (IOException ignored) {
            // objects without a manifest are never used; 'walden delete' can remove them later
        }
    }
}
