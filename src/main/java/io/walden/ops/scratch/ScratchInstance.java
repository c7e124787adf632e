package io.walden.ops.scratch;

import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import io.walden.pg.DirectoryTree;
import io.walden.pg.OsUser;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgCtl;
import io.walden.pg.PostmasterPid;
import io.walden.pg.ProcessRunner;
import io.walden.repo.Repository;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestorePlan;
import io.walden.restore.RestoreRequest;
import io.walden.restore.Restorer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * A copy of the backed-up cluster at a recovery target, promoted to a primary in a new directory under the
 * system temp directory. Promoted, not paused: a transaction unfinished at the target (the DROP or TRUNCATE
 * just after it) would keep its locks in a paused standby, and promotion aborts it.
 *
 * <p>It listens on a unix socket in its own directory only, never on TCP, never archives, and lets in
 * any role without a password through that socket: the directory belongs to the server's OS user alone,
 * so only that user (and root) can connect, and walden needs none of production's credentials.
 * {@link #close()} stops the server and removes the directory.
 */
public final class ScratchInstance implements AutoCloseable {
    /** The socket's port number; with no TCP listener and a private socket directory it cannot clash. */
    private static final int PORT = 5432;
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param restoreCommand the restore_command the scratch server fetches WAL with
     */
    public record Request(RecoveryTarget target, boolean exclusive, Optional<String> backupId, Optional<Path> pgBin,
                          Duration timeout, String restoreCommand) {}

    private final Path dir;
    private final PgCtl server;
    private final RestorePlan plan;

    /** Removes the instance when walden is interrupted (Ctrl-C, SIGTERM): a scratch copy of production never outlives it. */
    private final Thread onExit;

    private ScratchInstance(Path dir, PgCtl server, RestorePlan plan) {
        this.dir = dir;
        this.server = server;
        this.plan = plan;
        this.onExit = new Thread(this::remove, "remove scratch instance " + dir);
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * The backup and timeline a scratch instance at the target would use, checked against the recoverable
     * window: nothing is created, so a caller can refuse bad input first.
     */
    public static RestorePlan plan(Repository repository, Request r) throws IOException {
        if (r.target() instanceof RecoveryTarget.Latest) {
            throw new UsageException("a scratch instance needs a target", "add --target-time, --target-lsn, --target-xid or --target-name");
        }
        return new Restorer(repository, restoreRequest(r, Path.of("/"), "latest", Map.of(), r.backupId()), n -> { }, s -> { }).plan();
    }

    /** Restores, replays to the target and promotes; on any failure nothing is left behind. */
    public static ScratchInstance start(Repository repository, Request r, Consumer<String> say) throws IOException {
        RestorePlan plan = plan(repository, r);
        PgBinaries bins = PgBinaries.locate(plan.backup().pgMajor(), r.pgBin());
        String osUser = OsUser.unprivilegedServerUser();
        Path dir = Files.createTempDirectory("walden-scratch-").toRealPath();
        PgCtl server = new PgCtl(bins, dir.resolve("pgdata"), osUser);
        ScratchInstance scratch = new ScratchInstance(dir, server, plan);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            OsUser.chown(dir, osUser);
            checkReachable(dir, osUser);
            Path socketDir = Files.createDirectory(scratch.socketDir(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            OsUser.chown(socketDir, osUser);
            Path hba = Files.writeString(dir.resolve("pg_hba.conf"), "local all all trust\n");
            OsUser.chown(hba, osUser);
            RestoreRequest request = restoreRequest(r, server.pgdata(), Integer.toString(plan.timeline()),
                    settings(socketDir, hba), Optional.of(plan.backup().id()));
            new Restorer(repository, request, n -> { }, say).run();
            return scratch;
        } catch (IOException | RuntimeException e) {
            try {
                scratch.close();
            } catch (RuntimeException removal) {
                e.addSuppressed(removal);
            }
            throw e;
        }
    }

    public RestorePlan plan() {
        return plan;
    }

    public Path dir() {
        return dir;
    }

    public Path socketDir() {
        return dir.resolve("socket");
    }

    public String osUser() {
        return server.osUser();
    }

    public PgBinaries bins() {
        return server.bins();
    }

    /** {@code tool args...} run as the server's OS user, connecting through the scratch socket. */
    public List<String> clientCommand(Path tool, List<String> args) {
        List<String> command = new ArrayList<>(List.of(tool.toString(), "-h", socketDir().toString(), "-p", Integer.toString(PORT)));
        command.addAll(args);
        return OsUser.commandAs(osUser(), command);
    }

    /** Stops the server (immediately: nothing in it is kept) and removes the directory. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook runs or has run: it removes the instance
        }
        remove();
    }

    private void remove() {
        try {
            if (PostmasterPid.read(server.pgdata()).flatMap(p -> ProcessHandle.of(p.pid())).map(ProcessHandle::isAlive).orElse(false)) {
                server.stop("immediate", STOP_TIMEOUT);
            }
            DirectoryTree.delete(dir);
        } catch (IOException | RuntimeException e) {
            throw new WaldenException("cannot remove the scratch instance in " + dir + ": " + e.getMessage(),
                    "stop it with: pg_ctl stop -D " + server.pgdata() + " -m immediate; then remove " + dir, e);
        }
    }

    /**
     * What makes a restored copy of production a scratch instance: no TCP listener, a private socket, its own
     * authentication rules, never archiving into the repository, small memory, and a name in the process list.
     */
    private static Map<String, String> settings(Path socketDir, Path hba) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "");
        s.put("unix_socket_directories", socketDir.toString());
        s.put("hba_file", hba.toString());
        s.put("archive_mode", "off");
        s.put("cluster_name", "walden-scratch");
        s.put("shared_buffers", "128MB");
        s.put("huge_pages", "off");
        return s;
    }

    private static RestoreRequest restoreRequest(Request r, Path pgdata, String timeline, Map<String, String> settings,
                                                 Optional<String> backupId) {
        return new RestoreRequest(pgdata, r.target(), r.exclusive(), "promote", backupId, timeline, false, false, false, false,
                OptionalInt.of(PORT), Runtime.getRuntime().availableProcessors(), r.timeout(), r.restoreCommand(), null,
                r.pgBin(), null, false, settings);
    }

    /** As root, PostgreSQL runs as another user, who must be able to reach the directory through its parents. */
    private static void checkReachable(Path dir, String osUser) {
        if (!OsUser.isRoot() || osUser.equals("root")) {
            return;
        }
        if (!ProcessRunner.run(OsUser.commandAs(osUser, List.of("test", "-w", dir.toString())), Path.of("/"), CHECK_TIMEOUT)
                .succeeded()) {
            throw new WaldenException("the PostgreSQL OS user '" + osUser + "' cannot reach " + dir,
                    "run walden with -Djava.io.tmpdir=DIR, a directory whose parents that user can enter");
        }
    }
}
