package io.walden.restore;

import io.walden.error.FaultPoint;
import io.walden.error.WaldenException;
import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgControlFile;
import io.walden.pg.PgCtl;
import io.walden.pg.PostmasterPid;
import io.walden.repo.ArchivedWal;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.repo.RepositoryIdentity;
import io.walden.wal.Lsn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import io.walden.repo.WalSummaries;
import io.walden.wal.decode.SegmentSummary;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Restores a backup into PGDATA and recovers to a target. The existing PGDATA is never destroyed before
 * the new one is proven: it is moved aside as the pre-restore snapshot, and on any failure the new
 * PGDATA is removed, the snapshot put back and the old server started again.
 */
public final class Restorer {
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);

    private final Repository repository;
    private final RestoreRequest request;
    private final LongConsumer progress;
    private final java.util.function.Consumer<String> say;

    public Restorer(Repository repository, RestoreRequest request, LongConsumer progress, java.util.function.Consumer<String> say) {
        this.repository = repository;
        this.request = request;
        this.progress = progress;
        this.say = say;
    }

    /** INTERRUPTED: a PGDATA whose restore stopped half way (pg_control is put back last, so it has none). */
    private enum State { MISSING, EMPTY, CLUSTER, INTERRUPTED, OTHER }

    public RestoreResult run() throws IOException {
        Instant started = Instant.now();
        Path pgdata = request.pgdata().toAbsolutePath().normalize();
        RepositoryIdentity identity = repository.requireIdentity();

        // A restore killed half way is undone first, so this one starts from the state that one found.
        boolean leftoverWasRunning = new LeftoverRestore(pgdata, request.pgBin(), say).putBack()
                .map(RestoreJournal.Entry::wasRunning).orElse(false);

        // Refuse what would destroy data or cannot work, before anything changes.
        State state = inspect(pgdata);
        checkDestination(pgdata, state, identity);
        boolean wasRunning = state == State.CLUSTER && isRunning(pgdata);
        if (wasRunning && !request.cloning()) {
            new WalFlusher(repository, request.connector(), say).flush(identity.walSegmentSize());
        }
        List<Manifest> backups = repository.backups();
        List<ArchivedWal> wal = repository.wal();
        RestorePlan plan = plan(identity, backups, wal);
        Manifest backup = plan.backup();
        Map<String, Manifest> byId = new java.util.HashMap<>();
        backups.forEach(b -> byId.put(b.id(), b));
        FileChains chains = new FileChains(byId::get);
        PgBinaries bins = PgBinaries.locate(backup.pgMajor(), request.pgBin());
        String osUser = serverUser(pgdata, state);
        List<String> serverOptions = state == State.CLUSTER ? ServerOptions.of(pgdata) : List.of();
        boolean inPlace = request.inPlace() && (state == State.CLUSTER || state == State.INTERRUPTED);
        if (!inPlace) {
            checkSpace(pgdata, backup);
        }
        Path snapshot = pgdata.resolveSibling(pgdata.getFileName() + ".pre-restore");

        // From here on the disk changes; any failure puts the old PGDATA back.
        PgCtl oldServer = new PgCtl(bins, pgdata, osUser);
        Path log = pgdata.resolve("log").resolve("walden-restore.log");
        PgCtl newServer = new PgCtl(bins, pgdata, osUser);
        boolean movedAside = false;
        boolean startedNew = false;
        // the server to start again on rollback: this one, or the one an interrupted restore had stopped
        boolean restartOld = wasRunning || leftoverWasRunning && state == State.CLUSTER;
        RestoreJournal journal = RestoreJournal.begin(pgdata, backup.id(), state.name(), inPlace, restartOld, snapshot,
                backup.pgMajor(), osUser);
        try {
            if (wasRunning) {
                say.accept("stopping PostgreSQL in " + pgdata);
                oldServer.stop("fast", STOP_TIMEOUT);
            }
            if (inPlace) {
                // from here on the old cluster cannot be started by mistake: pg_control comes back last
                Files.deleteIfExists(pgdata.resolve("global").resolve("pg_control"));
                say.accept("restoring backup " + backup.id() + " in place (--delta) into " + pgdata);
            } else if (state == State.CLUSTER || state == State.INTERRUPTED || state == State.OTHER) {
                journal.at(RestoreJournal.Phase.MOVING_ASIDE);
                DirectoryTree.delete(snapshot);
                Files.move(pgdata, snapshot);
                movedAside = true;
                say.accept("moved the current PGDATA aside to " + snapshot);
            }
            journal.at(RestoreJournal.Phase.WRITING);
            Files.createDirectories(pgdata);
            Files.setPosixFilePermissions(pgdata, PgdataWriter.permissions(0700));
            if (!inPlace) {
                say.accept("restoring backup " + backup.id() + " (" + (backup.originalSize() >> 20) + " MB) into " + pgdata);
            }
            PgdataWriter.Written written = new PgdataWriter(repository, backup, chains, pgdata, request.jobs(), inPlace, progress).write();
            if (inPlace) {
                say.accept("kept " + (written.kept() >> 20) + " MB of " + (backup.originalSize() >> 20)
                        + " MB that already matched the backup" + (written.unchangedBlocks() > 0
                        ? " (" + (written.unchangedBlocks() >> 20) + " MB of it unchanged blocks of files that changed)" : "")
                        + "; removed " + written.removed() + " files the backup does not have");
            }
            recoveryConfig(plan).writeTo(pgdata);
            Files.createDirectories(log.getParent());
            OsUser.chownTree(pgdata, osUser);
            FaultPoint.reach("restore.before-start");
            if (request.noStart()) {
                return finish(plan, pgdata, null, snapshot, movedAside, null, started, false, journal);
            }
            say.accept("starting PostgreSQL to replay WAL to " + plan.target().describe());
            RecoveryOutcome outcome;
            try (WalStager stager = WalStager.prepare(repository, pgdata, backup, repository.history(plan.timeline()), wal, osUser)) {
                stager.start();
                journal.at(RestoreJournal.Phase.RECOVERING);
                newServer.startNoWait(log, request.port(), serverOptionsForRecovery(serverOptions));
                startedNew = true;
                FaultPoint.reach("restore.during-recovery");
                outcome = new RecoveryMonitor(pgdata, log, action(plan), request.timeout()).await();
            }
            return finish(plan, pgdata, outcome, snapshot, movedAside, log, started, true, journal);
        } catch (IOException | RuntimeException e) {
            if (inPlace) {
                throw inPlaceFailure(e, pgdata, startedNew, newServer, journal);
            }
            throw rollback(e, pgdata, state, snapshot, movedAside, restartOld, startedNew, newServer, oldServer, serverOptions, journal);
        }
    }

    /**
     * The plan a restore would follow (backup, target checked against the recoverable window), decided from
     * the catalog alone: nothing on disk changes, so a caller can refuse bad input before it creates anything.
     */
    public RestorePlan plan() throws IOException {
        return plan(repository.requireIdentity(), repository.backups(), repository.wal());
    }

    private RestorePlan plan(RepositoryIdentity identity, List<Manifest> backups, List<ArchivedWal> wal) throws IOException {
        WalSummaries walSummaries = new WalSummaries(repository, wal);
        RestorePlanner.Summaries summaries = RestorePlanner.Summaries.of(Map.of());
        Optional<Lsn> restorePoint = Optional.empty();
        if (request.target() instanceof RecoveryTarget.Name n) {
            // a name can be anywhere: every summary is needed
            Map<String, SegmentSummary> all = walSummaries.all();
            summaries = RestorePlanner.Summaries.of(all);
            restorePoint = all.values().stream().flatMap(s -> s.restorePoints().stream())
                    .filter(p -> p.name().equals(n.name())).map(p -> p.lsn()).max(Lsn::compareTo);
            if (restorePoint.isEmpty() && all.size() < wal.stream().filter(w -> w.file().kind() == io.walden.wal.WalFileName.Kind.SEGMENT).count()) {
                // segments archived without a summary: look for the name in their bytes
                restorePoint = new RestorePointFinder(repository).find(n.name(), wal, identity.walSegmentSize());
            }
        } else {
            summaries = lazily(walSummaries);
        }
        RestorePlanner planner = new RestorePlanner(backups, wal, summaries, tli -> {
            try {
                return repository.history(tli);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, repository.location());
        return planner.plan(request.target(), request.timelineNumber(), request.backupId(), restorePoint);
    }

    /** Summaries read only where the planner looks (the end of the window). */
    private static RestorePlanner.Summaries lazily(WalSummaries walSummaries) {
        return new RestorePlanner.Summaries() {
            @Override
            public Optional<SegmentSummary> of(String segmentName) {
                return walSummaries.of(segmentName);
            }

            @Override
            public java.util.Collection<SegmentSummary> all() {
                try {
                    return walSummaries.all().values();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private State inspect(Path pgdata) throws IOException {
        if (!Files.exists(pgdata)) {
            return State.MISSING;
        }
        if (!Files.isDirectory(pgdata)) {
            throw new WaldenException(pgdata + " is a file, not a directory", "give --pgdata a directory");
        }
        try (var entries = Files.list(pgdata)) {
            if (entries.findAny().isEmpty()) {
                return State.EMPTY;
            }
        }
        if (PgControlFile.isCluster(pgdata)) {
            return State.CLUSTER;
        }
        boolean interrupted = Files.isRegularFile(pgdata.resolve("PG_VERSION")) && Files.isDirectory(pgdata.resolve("global"))
                && !Files.exists(pgdata.resolve("global").resolve("pg_control"));
        return interrupted ? State.INTERRUPTED : State.OTHER;
    }

    private void checkDestination(Path pgdata, State state, RepositoryIdentity identity) {
        if (request.cloning() && state != State.MISSING && state != State.EMPTY && !request.force()) {
            throw new WaldenException("PGDATA " + pgdata + " is not empty; a clone needs an empty or missing directory",
                    "use a new directory, or add --force to replace it (the current content is kept in "
                            + pgdata.getFileName() + ".pre-restore)");
        }
        if (!request.cloning() && state == State.OTHER && !request.force()) {
            throw new WaldenException(pgdata + " is not empty and holds no PostgreSQL cluster",
                    "check --pgdata; add --force to restore there anyway (the current content is kept in "
                            + pgdata.getFileName() + ".pre-restore)");
        }
        if (!request.cloning() && state == State.CLUSTER && !request.force()) {
            long sysid = PgControlFile.systemIdentifier(pgdata);
            if (sysid != identity.systemId()) {
                throw new WaldenException("PGDATA " + pgdata + " belongs to cluster " + Long.toUnsignedString(sysid)
                        + ", and the repository at " + repository.location() + " to cluster " + identity.systemIdentifier(),
                        "check --pgdata and --repo; to replace this cluster with a copy of the other, use --from REPO --force");
            }
        }
        Path parent = pgdata.getParent();
        if (state != State.EMPTY && (parent == null || !Files.isWritable(parent))) {
            throw new WaldenException("cannot write in " + parent + ", where the restore puts the new PGDATA and keeps the old one",
                    "run walden as a user who can write there (usually the PGDATA owner or root)");
        }
    }

    private static boolean isRunning(Path pgdata) {
        return PostmasterPid.read(pgdata)
                .flatMap(p -> ProcessHandle.of(p.pid()))
                .map(ProcessHandle::isAlive)
                .orElse(false);
    }

    /** PostgreSQL runs as the PGDATA owner; a new PGDATA gets the owner of its parent, or an unprivileged user. */
    private static String serverUser(Path pgdata, State state) {
        if (!OsUser.isRoot()) {
            return OsUser.currentName();
        }
        if (state != State.MISSING) {
            String owner = OsUser.ownerOf(pgdata);
            if (!owner.equals("root")) {
                return owner;
            }
        }
        Path parent = pgdata.getParent();
        if (parent != null && Files.exists(parent)) {
            String owner = OsUser.ownerOf(parent);
            if (!owner.equals("root")) {
                return owner;
            }
        }
        return OsUser.unprivilegedServerUser();
    }

    private static void checkSpace(Path pgdata, Manifest backup) throws IOException {
        Path existing = pgdata;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        long free = Files.getFileStore(existing).getUsableSpace();
        if (free < backup.originalSize()) {
            throw new WaldenException("not enough disk space in " + existing + ": the backup needs "
                    + (backup.originalSize() >> 20) + " MB, " + (free >> 20) + " MB are free",
                    "free space there (the old PGDATA stays on disk as the pre-restore snapshot during the restore)");
        }
    }

    private RecoveryConfig recoveryConfig(RestorePlan plan) {
        String timeline = request.timeline() == null ? "latest" : request.timeline();
        RecoveryConfig c = RecoveryConfig.forTarget(plan.target(), request.exclusive(), request.action(),
                WalStager.restoreCommand(request.restoreCommand()), timeline,
                Instant.now() + " backup " + plan.backup().id() + " to " + plan.target().describe());
        request.port().ifPresent(p -> c.set("port", Integer.toString(p)));
        request.serverSettings().forEach(c::set);
        if (request.cloning() && request.archiveCommand() != null) {
            if (request.archiveCommand().isEmpty()) {
                c.set("archive_mode", "off"); // never archive into the source's repository
            } else {
                c.set("archive_command", request.archiveCommand());
            }
        }
        return c;
    }

    private String action(RestorePlan plan) {
        return plan.target() instanceof RecoveryTarget.Latest ? "promote" : request.action();
    }

    /**
     * walden watches recovery through the server log: the logging collector stays off and messages stay
     * untranslated while it does.
     */
    static List<String> serverOptionsForRecovery(List<String> original) {
        List<String> out = new java.util.ArrayList<>(original);
        out.addAll(List.of("-c", "logging_collector=off", "-c", "lc_messages=C"));
        return out;
    }

    private RestoreResult finish(RestorePlan plan, Path pgdata, RecoveryOutcome outcome, Path snapshot, boolean movedAside,
                                 Path log, Instant started, boolean startedServer, RestoreJournal journal) throws IOException {
        journal.at(RestoreJournal.Phase.DONE);
        Path kept = null;
        if (movedAside) {
            if (request.keepSnapshot()) {
                kept = snapshot;
            } else {
                DirectoryTree.delete(snapshot);
            }
        }
        journal.remove();
        return new RestoreResult(plan, pgdata, outcome, kept, log, Duration.between(started, Instant.now()), startedServer);
    }

    /** A restore in place has no old PGDATA to go back to; it says so, and how to finish the job. */
    private RuntimeException inPlaceFailure(Exception cause, Path pgdata, boolean startedNew, PgCtl newServer, RestoreJournal journal) {
        String stopped = "";
        try {
            if (startedNew) {
                newServer.stop("immediate", STOP_TIMEOUT);
            }
            journal.remove();
        } catch (IOException | RuntimeException e) {
            stopped = "; cleaning up failed too: " + e.getMessage();
        }
        return new WaldenException("restore failed: " + cause.getMessage() + "; " + pgdata
                + " was being restored in place (--delta), so there is no previous PGDATA to put back" + stopped,
                (cause instanceof WaldenException w && w.hint() != null ? w.hint() + "; then " : "")
                        + "run the same restore again: it keeps what is already restored", cause);
    }

    private RuntimeException rollback(Exception cause, Path pgdata, State state, Path snapshot, boolean movedAside,
                                      boolean wasRunning, boolean startedNew, PgCtl newServer, PgCtl oldServer,
                                      List<String> serverOptions, RestoreJournal journal) {
        StringBuilder done = new StringBuilder();
        try {
            if (startedNew) {
                newServer.stop("immediate", STOP_TIMEOUT);
            }
            if (movedAside) {
                journal.at(RestoreJournal.Phase.ROLLING_BACK);
            }
            // only what this restore wrote is removed: never a PGDATA that was not moved aside
            if (state == State.EMPTY) {
                DirectoryTree.deleteContents(pgdata);
            } else if (movedAside || state == State.MISSING) {
                DirectoryTree.delete(pgdata);
            }
            if (movedAside) {
                Files.move(snapshot, pgdata);
                RestoreJournal.fsyncDirectory(pgdata.getParent());
                done.append("; the previous PGDATA was put back");
            } else if (state == State.CLUSTER || state == State.INTERRUPTED || state == State.OTHER) {
                done.append("; ").append(pgdata).append(" was not changed");
            } else {
                done.append("; nothing was left in ").append(pgdata);
            }
            journal.remove();
            if (wasRunning) {
                Path rollbackLog = pgdata.resolve("log").resolve("walden-rollback.log");
                Files.createDirectories(rollbackLog.getParent());
                OsUser.chown(rollbackLog.getParent(), oldServer.osUser());
                oldServer.startAndWait(rollbackLog, java.util.OptionalInt.empty(), serverOptions, Duration.ofMinutes(5));
                done.append(" and PostgreSQL started again");
            }
        } catch (IOException | RuntimeException e) {
            done.append("; ROLLBACK FAILED: ").append(e.getMessage())
                    .append(movedAside ? " (the previous PGDATA is in " + snapshot + ")" : "");
        }
        String message = "restore failed: " + cause.getMessage() + done;
        String hint = cause instanceof WaldenException w && w.hint() != null ? w.hint() : "fix the cause and run the restore again";
        return new WaldenException(message, hint, cause);
    }
}
