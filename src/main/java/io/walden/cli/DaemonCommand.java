package io.walden.cli;

import io.walden.ops.daemon.Daemon;
import io.walden.ops.daemon.DaemonHttp;
import io.walden.wal.stream.ReplicationSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** walden daemon. */
@Command(name = "daemon", description = {"Stream WAL into the repository over a physical replication slot, so a restore loses"
        + " about a second of commits instead of up to archive_timeout. The segment being written is stored as"
        + " <segment>.partial about every second; the server is told WAL is flushed only once it is durable in the"
        + " repository. archive_command may keep archiving into the same repository.",
        "", "Serves /metrics (Prometheus) and /health on --http."},
        footer = {"", "Example:", "  walden --repo /backups/main daemon --slot walden --http 127.0.0.1:9187"})
final class DaemonCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--pg-url", paramLabel = "URL", description = "Connection, e.g. postgresql://postgres@127.0.0.1:5432/postgres (default: PGHOST, PGPORT, PGUSER, ...).")
    String pgUrl;

    @Option(names = "--slot", defaultValue = "walden", paramLabel = "NAME",
            description = "Physical replication slot to stream from, created if missing (default: walden).")
    String slot;

    @Option(names = "--http", defaultValue = "127.0.0.1:9187", paramLabel = "HOST:PORT",
            description = "Where /metrics and /health listen (default: 127.0.0.1:9187, loopback only).")
    String http;

    @Option(names = "--staging", paramLabel = "DIR",
            description = "Local folder for the segment being received (default: a new temporary folder).")
    Path staging;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        Path folder = staging != null ? staging : Files.createTempDirectory("walden-stream");
        new Daemon(new ReplicationSource(ctx.connector(pgUrl, null), slot), ctx.repository(), folder,
                DaemonHttp.address(http), ctx.err()).run();
        return 0;
    }
}
