package io.walden.cli;

import io.walden.repo.Repository;
import io.walden.wal.archive.ArchiveSpool;
import io.walden.wal.archive.WalArchiver;
import io.walden.wal.archive.WalPusher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** The background archiver that 'wal-push --async' starts; hidden, since nobody needs to start it by hand. */
@Command(name = "wal-archiver", hidden = true,
        description = "The background archiver of 'wal-push --async' (started by it, detached; leaves when idle).")
final class WalArchiverCommand implements Callable<Integer> {
    private static final Duration RESCAN = Duration.ofSeconds(1);

    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--pg-wal", paramLabel = "DIR", required = true, description = "The cluster's pg_wal.")
    Path pgWal;

    @Option(names = "--spool", paramLabel = "DIR", required = true, description = "The spool.")
    Path spool;

    @Option(names = "--archiver-idle", paramLabel = "AGE", converter = CheckCommand.AgeConverter.class,
            description = "Leave after this long without WAL to push.")
    Duration idle;

    @Option(names = "--archiver-jobs", paramLabel = "N", description = "WAL files pushed at once.")
    Integer jobs;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        ArchiveSpool opened = ArchiveSpool.open(spool, pgWal, ctx.repositoryKey());
        // WAL that arrives one segment at a time is pushed while archive_command waits for it: compressing a segment
        // (about 85 ms with zstd 1 for pgbench's WAL) on every core halves that wait
        Repository repository = ctx.repository();
        WalPusher pusher = new WalPusher(repository.withCodec(repository.codec().withWorkers(Runtime.getRuntime().availableProcessors())));
        WalArchiver.Settings settings = new WalArchiver.Settings(idle != null ? idle : WalPushCommand.DEFAULT_IDLE,
                jobs != null ? jobs : WalPushCommand.defaultJobs(), RESCAN);
        WalArchiver.Stop stop = new WalArchiver(pgWal, opened, pusher::push, settings, ctx.err()).run();
        ctx.err().println("walden archiver " + ProcessHandle.current().pid() + ": leaving (" + stop.toString().toLowerCase(java.util.Locale.ROOT)
                .replace('_', ' ') + ")");
        return 0;
    }
}
