package io.walden.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top command: global options, and the list of subcommands. */
@Command(name = "walden", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "PostgreSQL backup and point-in-time recovery.",
        subcommands = {BackupCommand.class, ListCommand.class, WalPushCommand.class, WalFetchCommand.class,
                RestoreCommand.class, VersionCommand.class, DemoCommand.class},
        footer = {"", "Examples:", "  walden --repo /backups/main backup",
                "  walden --repo /backups/main restore --pgdata /var/lib/postgresql/15/main --target-time '2026-02-13 14:30:00 UTC'"})
final class WaldenCommand implements Runnable {
    private final Context context;

    WaldenCommand(Context context) {
        this.context = context;
    }

    Context context() {
        return context;
    }

    @Option(names = "--repo", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "The repository (env WALDEN_REPO): a local path or file:///path.")
    void repo(String repo) {
        context.repo = repo;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of failures.")
    void debug(boolean debug) {
        context.debug = debug;
    }

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Machine-readable output.")
    void json(boolean json) {
        context.json = json;
    }

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(context.out());
    }
}
