package io.walden.cli;

import io.walden.wal.archive.ArchiverLauncher;
import io.walden.wal.archive.AsyncWalPush;
import io.walden.wal.archive.WalPusher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** walden wal-push, for archive_command (usually run by {@link DirectWalPush}, which skips picocli). */
@Command(name = "wal-push", description = {"Archive one WAL file (archive_command). Pushing the same file twice is fine.",
        "",
        "With --async (or WALDEN_ARCHIVE_ASYNC=on) a background archiver, started by the first call and leaving when"
                + " idle, pushes this file and the following ready ones in parallel and records each durable one in a"
                + " spool; wal-push waits until its file is recorded (exit 0) or has failed (exit 1, PostgreSQL retries),"
                + " so a file is never reported archived before it is durable in the repository."},
        footer = {"", "Example (postgresql.conf):", "  archive_command = 'walden --repo /backups/main wal-push %%p'",
                "  archive_command = 'walden --repo /backups/main wal-push --async %%p'"})
final class WalPushCommand implements Callable<Integer> {
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);

    @ParentCommand
    WaldenCommand parent;

    @Parameters(index = "0", paramLabel = "PATH", description = "The WAL file (%%p).")
    Path path;

    @Option(names = "--async", description = "Archive through the background archiver (env WALDEN_ARCHIVE_ASYNC=on).")
    boolean async;

    @Option(names = "--spool", paramLabel = "DIR",
            description = "Where --async records what is archived (env WALDEN_SPOOL; default: walden-spool in the WAL"
                    + " file's folder, i.e. PGDATA/pg_wal/walden-spool). Must belong to the user running walden, mode 0700.")
    Path spool;

    @Option(names = "--archiver-idle", paramLabel = "AGE", converter = CheckCommand.AgeConverter.class,
            description = "The background archiver leaves after this long without WAL to push (env WALDEN_ARCHIVER_IDLE;"
                    + " default 60s).")
    Duration idle;

    @Option(names = "--archiver-jobs", paramLabel = "N",
            description = "WAL files the background archiver pushes at once (env WALDEN_ARCHIVER_JOBS; default: the"
                    + " number of cores, at least 2 and at most 4).")
    Integer jobs;

    @Override
    public Integer call() throws Exception {
        new Request(path, async, spool, idle, jobs).run(parent.context());
        return 0;
    }

    /** One wal-push, however its command line was read. */
    record Request(Path path, boolean async, Path spool, Duration idle, Integer jobs) {
        void run(Context ctx) throws Exception {
            WalPusher pusher = new WalPusher(ctx.repository());
            if (!async) {
                pusher.push(path);
                return;
            }
            ArchiverLauncher launcher = new ArchiverLauncher(ctx.waldenCommand(), ctx.repositoryArgs(), ctx.env());
            ArchiverLauncher.ArchiverOptions options = new ArchiverLauncher.ArchiverOptions(idle != null ? idle : DEFAULT_IDLE,
                    jobs != null ? jobs : defaultJobs());
            new AsyncWalPush(pusher, launcher, ctx.repositoryKey(), options).push(path, spool);
        }
    }

    static int defaultJobs() {
        return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }
}
