package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.ops.daemon.Daemon;
import io.walden.ops.daemon.DaemonConfig;
import io.walden.ops.daemon.DaemonHttp;
import io.walden.ops.daemon.DaemonState;
import io.walden.ops.metrics.RepositoryObserver;
import io.walden.ops.metrics.ServerPosition;
import io.walden.ops.schedule.Job;
import io.walden.ops.schedule.ProcessJobRunner;
import io.walden.ops.schedule.Schedule;
import io.walden.pg.PgConnector;
import io.walden.wal.stream.ReplicationSource;
import io.walden.wal.stream.StreamStats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** walden daemon. */
@Command(name = "daemon", description = {"Run beside one database: stream WAL into the repository over a physical replication"
        + " slot (a restore loses about a second of commits instead of up to archive_timeout), run scheduled backups,"
        + " retention, verify and drills, and serve metrics and a status page. The segment being written is stored as"
        + " <segment>.partial about every second; the server is told WAL is flushed only once it is durable in the"
        + " repository. archive_command may keep archiving into the same repository.",
        "", "HTTP on --http: / (status page), /metrics (Prometheus), /health, /api/status and /api/backups (as 'status --json'"
        + " and 'list --json'), /api/jobs, /api/stream.",
        "", "The config file (YAML; every key optional, unknown keys refused):",
        "  http: 127.0.0.1:9187",
        "  stream: {enabled: true, slot: walden}",
        "  refresh: 30s                  # how often the repository is looked at",
        "  timezone: UTC                 # of the cron expressions",
        "  retry: {attempts: 3, delay: 5m}",
        "  schedules:",
        "    - {job: backup, cron: \"0 2 * * *\"}",
        "    - {job: retention, cron: \"30 3 * * *\", args: [--retain-full, \"2\"]}   # runs confirmed",
        "    - {job: verify, cron: \"0 5 * * 0\"}",
        "    - {job: drill, cron: \"0 6 * * 0\", args: [--report, /var/lib/walden/drills]}",
        "Cron: five fields (minute hour day-of-month month day-of-week), six with seconds first, or @daily, @hourly, ...",
        "Jobs run one at a time as walden commands with this daemon's repository options; a failed run is retried,"
        + " then logged and counted in /metrics."},
        footer = {"", "Examples:", "  walden --repo /backups/main daemon --slot walden --http 127.0.0.1:9187",
                "  walden --repo /backups/main daemon --config /etc/walden/daemon.yaml"})
final class DaemonCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Option(names = "--config", paramLabel = "FILE", description = "The daemon's config file (YAML, see above).")
    Path config;

    @Option(names = "--pg-url", paramLabel = "URL", description = "Connection, e.g. postgresql://postgres@127.0.0.1:5432/postgres (default: PGHOST, PGPORT, PGUSER, ...);"
            + " scheduled backups use it too.")
    String pgUrl;

    @Option(names = "--slot", paramLabel = "NAME",
            description = "Physical replication slot to stream from, created if missing (default: walden).")
    String slot;

    @Option(names = "--no-stream", description = "Do not stream WAL (archive_command archives): schedules, metrics and the status page only.")
    boolean noStream;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Where HTTP listens (default: 127.0.0.1:9187, loopback only; 0.0.0.0:9187 in a container).")
    String http;

    @Option(names = "--staging", paramLabel = "DIR",
            description = "Local folder for the segment being received (default: a new temporary folder).")
    Path staging;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        DaemonConfig cfg = config == null ? DaemonConfig.defaults() : DaemonConfig.load(config);
        var repository = ctx.repository();
        PgConnector connector = ctx.connector(pgUrl, null);
        for (Schedule s : cfg.schedules()) {
            checkArguments(s);
        }
        boolean stream = cfg.stream() && !noStream;
        String slotName = slot != null ? slot : cfg.slot() != null ? cfg.slot() : "walden";
        String address = http != null ? http : cfg.http() != null ? cfg.http() : "127.0.0.1:9187";
        Path folder = staging != null ? staging : cfg.staging() != null ? cfg.staging() : null;
        if (stream && folder == null) {
            folder = Files.createTempDirectory("walden-stream");
        }
        Map<Job, List<String>> extra = pgUrl == null ? Map.of() : Map.of(Job.BACKUP, List.of("--pg-url", pgUrl));
        ProcessJobRunner runner = new ProcessJobRunner(ctx.waldenCommand(), ctx.repositoryArgs(), extra, ctx.err());
        DaemonState state = new DaemonState(stream ? new StreamStats() : null,
                new RepositoryObserver(repository, new ServerPosition(connector)), Clock.systemUTC());
        new Daemon(cfg, stream ? new ReplicationSource(connector, slotName) : null, repository, folder,
                DaemonHttp.address(address), state, runner, ctx.err()).run();
        return 0;
    }

    /** A schedule whose options walden would refuse is found now, not at 2 AM: its command line is parsed here. */
    private void checkArguments(Schedule s) {
        List<String> line = new ArrayList<>(List.of("--repo", "/"));
        line.addAll(s.commandLine());
        String[] args = line.toArray(String[]::new);
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        CommandLine cl = Subcommands.commandLine(new Context(Map.of(), sink, sink), args);
        try {
            cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new UsageException("schedule '" + s.name() + "': walden " + String.join(" ", s.commandLine()) + ": "
                    + e.getMessage(), "fix its args in the config file; 'walden " + s.job().command() + " --help' lists them");
        }
    }
}
