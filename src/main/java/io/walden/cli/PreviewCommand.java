package io.walden.cli;

import io.walden.error.UsageException;
import io.walden.ops.preview.Preview;
import io.walden.ops.preview.PreviewRegistry;
import io.walden.ops.preview.PreviewState;
import io.walden.pg.ConnectionSettings;
import io.walden.repo.Json;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** walden preview. */
@Command(name = "preview", description = {
        "Restore into a scratch directory and start a read-only server paused at the target, to look at the data before",
        "choosing a target for the real restore. It listens on 127.0.0.1 only, never archives, and one runs per repository."},
        footer = {"", "Examples:",
                "  walden --repo /backups/main preview --target-time '2026-02-13 14:30:00 UTC'",
                "  walden --repo /backups/main preview --advance-to '2026-02-13 14:35:00 UTC'",
                "  walden --repo /backups/main preview --stop"})
final class PreviewCommand implements Callable<Integer> {
    @ParentCommand
    WaldenCommand parent;

    @Mixin
    RecoveryPointOptions point = new RecoveryPointOptions();

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port on 127.0.0.1 (default: a free one).")
    Integer port;

    @Option(names = "--dir", paramLabel = "DIR", description = "A new or empty scratch directory (default: a new one in the system temp directory).")
    Path dir;

    @Option(names = "--stop", description = "Stop the running preview and remove its directory.")
    boolean stop;

    @Option(names = "--advance-to", paramLabel = "TIME", description = "Move the running preview forward to this later time, without a new restore.")
    String advanceTo;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "60", description = "How long recovery may take (default 60).")
    long timeoutMinutes;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "Directory with pg_ctl and postgres (env WALDEN_PG_BIN).")
    Path pgBin;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where this host remembers running previews (env WALDEN_STATE_DIR; default $XDG_STATE_HOME/walden or ~/.local/state/walden).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Context ctx = parent.context();
        RecoveryTarget recoveryTarget = point.recoveryTarget();
        boolean targetGiven = !(recoveryTarget instanceof RecoveryTarget.Latest);
        if (stop && (targetGiven || advanceTo != null)) {
            throw new UsageException("--stop takes no target", "run " + ctx.forOperator() + " preview --stop alone");
        }
        if (advanceTo != null && targetGiven) {
            throw new UsageException("--advance-to moves the running preview; it takes no other target",
                    "run " + ctx.forOperator() + " preview --advance-to TIME alone");
        }
        Duration timeout = Duration.ofMinutes(timeoutMinutes);
        PreviewRegistry registry = new PreviewRegistry(stateDir(ctx), ctx.repositoryKey().directoryName());
        Preview preview = new Preview(ctx.repository(), registry, ctx.forOperator(), line -> {
            if (!ctx.json) {
                ctx.err().println(line);
            }
        }, n -> { });
        if (stop) {
            PreviewState s = preview.stop();
            if (ctx.json) {
                ctx.out().println(Json.mapper().writeValueAsString(Map.of("stopped", s.id(), "removed", s.dir().toString())));
            } else {
                ctx.out().println("stopped the preview of backup " + s.backupId() + " at " + s.target() + " and removed " + s.dir());
            }
            return 0;
        }
        Optional<String> password = Optional.ofNullable(ctx.env().get("PGPASSWORD")).filter(p -> !p.isEmpty());
        if (advanceTo != null) {
            Instant to = Times.parse(advanceTo);
            report(ctx, preview.advance(to, timeout, password), "moved the preview");
            return 0;
        }
        Optional<String> backupId = point.backupId(ctx.repository());
        Preview.Request request = new Preview.Request(recoveryTarget, point.exclusive, backupId,
                port == null ? OptionalInt.empty() : OptionalInt.of(port), Optional.ofNullable(dir), Optional.ofNullable(pgBin),
                timeout, ctx.waldenWithRepo(ctx.repo, "wal-fetch %f %p"), productionPort(ctx),
                Optional.ofNullable(ctx.env().get("PGUSER")).filter(u -> !u.isEmpty()), password);
        report(ctx, preview.start(request), "preview");
        return 0;
    }

    private static void report(Context ctx, Preview.Paused p, String what) throws Exception {
        PreviewState s = p.state();
        if (ctx.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("connection", s.connectionString());
            out.put("backup", s.backupId());
            out.put("target", s.target());
            out.put("stoppedAt", p.stoppedAt());
            out.put("lastTransaction", s.replayedUpTo());
            out.put("locked", p.locked());
            out.put("port", s.port());
            out.put("dir", s.dir().toString());
            out.put("socketDir", s.socketDir().toString());
            out.put("serverLog", s.serverLogDir().toString());
            ctx.out().println(Json.mapper().writeValueAsString(out));
            return;
        }
        PrintStream out = ctx.out();
        out.println(what + " of backup " + s.backupId() + " paused at " + s.target());
        if (p.stoppedAt() != null) {
            out.println("  recovery stopped " + p.stoppedAt());
        }
        if (s.replayedUpTo() != null) {
            out.println("  last transaction replayed at " + Times.format(s.replayedUpTo()));
        }
        out.println("  connect    psql \"" + s.connectionString() + "\"");
        out.println("  read-only  a hot standby paused in recovery, on 127.0.0.1 and the socket directory " + s.socketDir());
        out.println("  directory  " + s.dir() + " (server log in " + s.serverLogDir() + ")");
        if (!p.locked().isEmpty()) {
            out.println("  locked     " + String.join(", ", p.locked()) + ": a transaction unfinished at the target (a DROP or TRUNCATE"
                    + " committed after it) holds them, so reading them waits; a target before the commit preceding that"
                    + " transaction shows their rows");
        }
        if (p.loginProblem() != null) {
            out.println("  note       walden could not log in to check the pause (" + p.loginProblem()
                    + "); the server log says it paused");
        }
        String walden = ctx.forOperator();
        out.println("next: " + walden + " preview --advance-to 'LATER TIME'   (move forward, no new restore)");
        out.println("      " + walden + " preview --stop   (stop it and remove " + s.dir() + ")");
    }


    /** The port walden reaches the production server on (PGPORT, else 5432): a preview never takes it. */
    private static int productionPort(Context ctx) {
        try {
            return ConnectionSettings.resolve(Optional.empty(), ctx.env(), Optional.empty()).port();
        } catch (RuntimeException e) {
            return ConnectionSettings.DEFAULT_PORT;
        }
    }

    private Path stateDir(Context ctx) {
        if (stateDir != null) {
            return stateDir.toAbsolutePath();
        }
        String xdg = ctx.env().get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "walden");
        }
        String home = ctx.env().getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "state", "walden");
    }
}
