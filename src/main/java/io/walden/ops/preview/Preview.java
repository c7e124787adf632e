package io.walden.ops.preview;

import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgConnector;
import io.walden.pg.PgCtl;
import io.walden.pg.PostmasterPid;
import io.walden.repo.Repository;
import io.walden.restore.PausedRecovery;
import io.walden.restore.RecoveryConfig;
import io.walden.restore.RecoveryOutcome;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestorePlan;
import io.walden.restore.RestoreRequest;
import io.walden.restore.RestoreResult;
import io.walden.restore.Restorer;
import io.walden.restore.Times;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Starts, moves and stops the preview of one repository: a restore into a scratch directory whose server
 * stays in recovery, paused at the target, as a read-only hot standby reachable on the loopback address only.
 * A restore never archives from it and never takes the production port; a failed start leaves nothing behind.
 */
public final class Preview {
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PAUSE_CHECK_TIMEOUT = Duration.ofSeconds(60);

    private final Repository repository;
    private final PreviewRegistry registry;
    private final String walden;
    private final Consumer<String> say;
    private final LongConsumer progress;

    /**
     * @param walden how the operator calls walden for this repository ("walden --repo /backups/main"), for hints
     */
    public Preview(Repository repository, PreviewRegistry registry, String walden, Consumer<String> say, LongConsumer progress) {
        this.repository = repository;
        this.registry = registry;
        this.walden = walden;
        this.say = say;
        this.progress = progress;
    }

    /**
     * @param productionPort the port of the server this repository backs up, which a preview never takes
     * @param user           the database user to log in as (the connection string's user)
     * @param password       for that login, when the restored server asks for one
     */
    public record Request(RecoveryTarget target, boolean exclusive, Optional<String> backupId, OptionalInt port,
                         Optional<Path> dir, Optional<Path> pgBin, Duration timeout, String restoreCommand,
                         int productionPort, Optional<String> user, Optional<String> password) {}

    /**
     * @param stoppedAt    where recovery stopped, in the server's words, when it said
     * @param locked       relations an unfinished transaction at the target holds locked: reading them waits
     * @param loginProblem why walden could not log in to confirm the pause, or null when it did
     */
    public record Paused(PreviewState state, String stoppedAt, List<String> locked, String loginProblem) {}

    public Paused start(Request r) throws IOException {
        refuseIfRecorded();
        if (r.target() instanceof RecoveryTarget.Latest) {
            throw new UsageException("a preview needs a target", "add --target-time, --target-lsn, --target-xid or --target-name");
        }
        // Refuse what cannot work while nothing exists on disk yet.
        RestorePlan plan = restorer(restoreRequest(r, Path.of("/"), "latest", 0, Map.of(), r.backupId()), n -> { }).plan();
        PgBinaries bins = PgBinaries.locate(plan.backup().pgMajor(), r.pgBin());
        String osUser = OsUser.unprivilegedServerUser();

        ScratchPlacement scratch = ScratchPlacement.create(r.dir(), r.port(), r.productionPort(), osUser, "walden-preview",
                "a preview");
        Path pgdata = scratch.pgdata();
        Path socketDir = scratch.socketDir();
        int port = scratch.port();
        Map<String, String> settings = scratch.settings();
        PreviewState state = new PreviewState(UUID.randomUUID().toString(), repository.location(), scratch.dir(), scratch.createdDir(),
                pgdata, port, socketDir, osUser, bins.major(), bins.binDir(), plan.backup().id(), r.target().describe(),
                r.target() instanceof RecoveryTarget.Time t ? t.at() : null, r.exclusive(), plan.timeline(), r.restoreCommand(),
                settings, r.user().orElse(osUser), Instant.now(), null);
        boolean reserved = false;
        try {
            reserved = registry.reserve(state);
            if (!reserved) {
                refuseIfRecorded();
                throw new WaldenException("another preview of this repository is starting", "wait for it, or stop it: "
                        + walden + " preview --stop");
            }
            ScratchDirectory.mark(state);
            RestoreRequest request = restoreRequest(r, pgdata, Integer.toString(plan.timeline()), port, settings,
                    Optional.of(plan.backup().id()));
            RestoreResult restored = restorer(request, progress).run();
            ReplayPause.Seen seen = ReplayPause.await(connector(state, r.password()), PAUSE_CHECK_TIMEOUT);
            state = state.replayedUpTo(seen.lastReplayed().orElse(null));
            ScratchDirectory.mark(state);
            registry.update(state);
            return new Paused(state, restored.stoppedAt(), seen.locked(), seen.loginProblem());
        } catch (IOException | RuntimeException e) {
            throw cleanUpAfter(e, state, reserved);
        }
    }

    /** Moves the paused preview forward to {@code to}, replaying from where it is: no new restore. */
    public Paused advance(Instant to, Duration timeout, Optional<String> password) throws IOException {
        PreviewState s = recorded();
        if (!isRunning(s)) {
            throw new WaldenException("the preview in " + s.dir() + " is not running",
                    "remove it with: " + walden + " preview --stop; then start one at the later time");
        }
        Instant now = s.targetTime() != null ? s.targetTime() : s.replayedUpTo();
        if (now != null && !to.isAfter(now)) {
            throw new UsageException("--advance-to " + Times.format(to) + " is not later than the preview's "
                    + (s.targetTime() != null ? "target " : "last replayed transaction ") + Times.format(now),
                    "replay only moves forward; for an earlier time run " + walden + " preview --stop, then "
                            + walden + " preview --target-time EARLIER");
        }
        RecoveryTarget target = new RecoveryTarget.Time(to);
        // the same checks as a restore of the same backup to that time: inside the recoverable window
        restorer(new RestoreRequest(s.pgdata(), target, s.exclusive(), "pause", Optional.of(s.backupId()),
                Integer.toString(s.timeline()), false, false, false, false, OptionalInt.of(s.port()), 1, timeout,
                s.restoreCommand(), null, Optional.of(s.pgBin()), null, false, s.serverSettings()), n -> { }).plan();
        RecoveryConfig config = RecoveryConfig.forTarget(target, s.exclusive(), "pause", s.restoreCommand(),
                Integer.toString(s.timeline()), Instant.now() + " preview of backup " + s.backupId() + " moved to " + target.describe());
        config.set("port", Integer.toString(s.port()));
        s.serverSettings().forEach(config::set);
        say.accept("restarting the preview to replay WAL to " + target.describe());
        RecoveryOutcome outcome;
        try {
            outcome = new PausedRecovery(server(s)).advance(config, OptionalInt.of(s.port()), timeout);
        } catch (RuntimeException e) {
            throw new WaldenException("the preview did not pause at " + target.describe() + ": " + e.getMessage(),
                    "remove it with: " + walden + " preview --stop", e);
        }
        ReplayPause.Seen seen = ReplayPause.await(connector(s, password), PAUSE_CHECK_TIMEOUT);
        PreviewState moved = s.movedTo(target.describe(), to, seen.lastReplayed().orElse(null));
        ScratchDirectory.mark(moved);
        registry.update(moved);
        return new Paused(moved, outcome.stoppedAt(), seen.locked(), seen.loginProblem());
    }

    /** Stops the preview's server and removes its directory and record; returns what was removed. */
    public PreviewState stop() throws IOException {
        PreviewState s = recorded();
        PgCtl server = server(s);
        if (Files.exists(s.pgdata())) {
            try {
                server.stop("fast", STOP_TIMEOUT);
            } catch (WaldenException e) {
                server.stop("immediate", STOP_TIMEOUT);
            }
        }
        Optional<PostmasterPid> left = PostmasterPid.read(s.pgdata()).filter(Preview::alive);
        if (left.isPresent()) {
            throw new WaldenException("the preview's server (pid " + left.get().pid() + ") in " + s.pgdata() + " did not stop",
                    "stop it with: pg_ctl stop -D " + s.pgdata() + " -m immediate; then run " + walden + " preview --stop again");
        }
        ScratchDirectory.remove(s);
        registry.remove();
        return s;
    }

    /** The recorded preview, whether or not its server still runs. */
    public Optional<PreviewState> recordedPreview() {
        return registry.read();
    }

    public static boolean isRunning(PreviewState s) {
        return PostmasterPid.read(s.pgdata()).filter(Preview::alive).isPresent();
    }

    private PreviewState recorded() {
        return registry.read().orElseThrow(() -> new WaldenException("no preview of the repository at " + repository.location()
                + " is running", "start one with: " + walden + " preview --target-time 'TIME'"));
    }

    private void refuseIfRecorded() {
        Optional<PreviewState> running = registry.read();
        if (running.isEmpty()) {
            return;
        }
        PreviewState s = running.get();
        if (isRunning(s)) {
            throw new WaldenException("a preview of this repository is already running: backup " + s.backupId() + " at "
                    + s.target() + ", port " + s.port() + ", in " + s.dir(),
                    "look at it with psql \"" + s.connectionString() + "\", or stop it first: " + walden + " preview --stop");
        }
        throw new WaldenException("a preview of this repository was started " + Times.format(s.startedAt()) + " in " + s.dir()
                + " and its server is not running", "remove it first: " + walden + " preview --stop");
    }

    private RestoreRequest restoreRequest(Request r, Path pgdata, String timeline, int port, Map<String, String> settings,
                                          Optional<String> backupId) {
        return new RestoreRequest(pgdata, r.target(), r.exclusive(), "pause", backupId, timeline, false, false, false, false,
                port == 0 ? OptionalInt.empty() : OptionalInt.of(port), Runtime.getRuntime().availableProcessors(), r.timeout(),
                r.restoreCommand(), null, r.pgBin(), null, false, settings);
    }

    private Restorer restorer(RestoreRequest request, LongConsumer progress) {
        return new Restorer(repository, request, progress, say);
    }

    private static PgCtl server(PreviewState s) {
        return new PgCtl(PgBinaries.locate(s.pgMajor(), Optional.of(s.pgBin())), s.pgdata(), s.osUser());
    }

    private static PgConnector connector(PreviewState s, Optional<String> password) {
        return new PgConnector(new ConnectionSettings("127.0.0.1", s.port(), s.user(), "postgres", password, Map.of()));
    }

    private static boolean alive(PostmasterPid pid) {
        return ProcessHandle.of(pid.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** A failed start removes what it made: the server, the scratch directory, the record. */
    private RuntimeException cleanUpAfter(Exception cause, PreviewState s, boolean reserved) {
        String failedToo = "";
        try {
            if (isRunning(s)) {
                server(s).stop("immediate", STOP_TIMEOUT);
            }
            if (s.createdDir()) {
                DirectoryTree.delete(s.dir());
            } else {
                DirectoryTree.deleteContents(s.dir());
            }
            if (reserved) {
                registry.remove();
            }
        } catch (IOException | RuntimeException e) {
            failedToo = "; removing the preview failed too (" + e.getMessage() + "): run " + walden + " preview --stop";
        }
        if (cause instanceof WaldenException w) {
            return failedToo.isEmpty() ? w : new WaldenException(w.getMessage() + failedToo, w.hint(), w);
        }
        return new WaldenException("the preview failed: " + cause.getMessage() + failedToo, "run again with --debug for details", cause);
    }
}
