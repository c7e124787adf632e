package io.walden.ops.drill;

import io.walden.error.WaldenException;
import io.walden.ops.preview.ScratchPlacement;
import io.walden.pg.ConnectionSettings;
import io.walden.pg.OsUser;
import io.walden.pg.PgBinaries;
import io.walden.pg.PgConnector;
import io.walden.pg.PgCtl;
import io.walden.pg.PostmasterPid;
import io.walden.pg.ShellQuote;
import io.walden.repo.ArchivedWal;
import io.walden.repo.CatalogSnapshot;
import io.walden.repo.Manifest;
import io.walden.repo.Repository;
import io.walden.repo.RepositoryIdentity;
import io.walden.restore.RecoveryTarget;
import io.walden.restore.RestorePlan;
import io.walden.restore.RestoreRequest;
import io.walden.restore.RestoreResult;
import io.walden.restore.Restorer;
import io.walden.restore.Times;
import io.walden.wal.Lsn;
import io.walden.wal.SegmentName;
import io.walden.wal.TimelineHistory;
import io.walden.wal.decode.SegmentSummary;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The GameDay drill: restore a point into a scratch instance on this host, promote it there (it never archives),
 * prove it with the checks, measure RTO and RPO, and remove it. A drill reports failures as failed checks, with
 * everything it found; only input it cannot act on (no backups, a target outside the window) is refused up front.
 */
public final class Drill {
    public static final String SERVER_STARTS = "server starts";
    public static final String CONNECTIVITY = "connectivity";
    public static final String WAL_COMPLETE = "wal complete";
    public static final String TEARDOWN = "teardown";
    private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Repository repository;
    private final Consumer<String> say;
    private final LongConsumer progress;

    public Drill(Repository repository, Consumer<String> say, LongConsumer progress) {
        this.repository = repository;
        this.say = say;
        this.progress = progress;
    }

    /**
     * @param started        when the operator started the drill: RTO counts from here
     * @param productionPort the port of the server this repository backs up, which the scratch never takes
     * @param user           the database user the checks log in as
     */
    public record Request(Instant started, RecoveryTarget target, boolean exclusive, Optional<String> backupId,
                         List<OperatorCheck> checks, Optional<Path> dir, OptionalInt port, Optional<Path> pgBin,
                         Duration timeout, String restoreCommand, int productionPort, Optional<String> user,
                         Optional<String> password, boolean keep) {
        public Request {
            checks = List.copyOf(checks);
        }
    }

    public DrillReport run(Request r) throws IOException {
        RepositoryIdentity identity = repository.requireIdentity();
        // Refuse what cannot work while nothing exists on disk yet.
        RestorePlan plan = new Restorer(repository, restoreRequest(r, Path.of("/"), 0, Map.of(), r.backupId()), n -> { }, s -> { }).plan();
        Manifest backup = plan.backup();
        PgBinaries bins = PgBinaries.locate(backup.pgMajor(), r.pgBin());
        List<ArchivedWal> wal = repository.wal();
        Map<String, SegmentSummary> summaries = repository.walSummaries(wal);
        TimelineHistory history = repository.history(plan.timeline());
        WalCoverage coverage = WalCoverage.of(wal, summaries, history, backup.startSegment(), identity.walSegmentSize());
        Optional<CatalogSnapshot> catalog = repository.readCatalog(backup.id());
        String osUser = OsUser.unprivilegedServerUser();

        List<DrillReport.Phase> phases = new ArrayList<>();
        List<CheckResult> checks = new ArrayList<>();
        Instant restoreStart = Instant.now();
        phases.add(new DrillReport.Phase("plan", r.started(), restoreStart));
        ScratchPlacement scratch = ScratchPlacement.create(r.dir(), r.port(), r.productionPort(), osUser, "walden-drill", "a drill");
        PgCtl server = new PgCtl(bins, scratch.pgdata(), osUser);
        String user = r.user().orElse(osUser);
        PgConnector connector = new PgConnector(new ConnectionSettings("127.0.0.1", scratch.port(), user, "postgres", r.password(), Map.of()));
        Double rto = null;
        Instant recoveredTo = null;
        String walTo = null;
        DrillReport.Kept kept = null;
        Instant checksEnd = null;
        try {
            RestoreResult restored = null;
            try {
                say.accept("drill: restoring backup " + backup.id() + " to " + plan.target().describe() + " into " + scratch.dir());
                restored = new Restorer(repository, restoreRequest(r, scratch.pgdata(), scratch.port(), scratch.settings(),
                        Optional.of(backup.id())), progress, say).run();
                checks.add(CheckResult.pass(SERVER_STARTS, "recovery ended and the server was promoted: " + restored.state(),
                        restored.stoppedAt() == null ? List.of() : List.of("recovery stopped " + restored.stoppedAt())));
            } catch (WaldenException e) {
                checks.add(CheckResult.fail(SERVER_STARTS, e.getMessage(), e.hint() == null ? List.of() : List.of("hint: " + e.hint())));
            }
            Instant restoreEnd = Instant.now();
            phases.add(new DrillReport.Phase("restore and replay", restoreStart, restoreEnd));
            Replayed replayed = null;
            if (restored != null) {
                try {
                    replayed = login(connector);
                    Instant connected = Instant.now();
                    rto = Duration.between(r.started(), connected).toMillis() / 1000.0;
                    phases.add(new DrillReport.Phase("first connection", restoreEnd, connected));
                    checks.add(CheckResult.pass(CONNECTIVITY, "logged in as " + user + " on 127.0.0.1:" + scratch.port()
                            + " (" + replayed.version() + ")", List.of()));
                } catch (WaldenException e) {
                    checks.add(CheckResult.fail(CONNECTIVITY, e.getMessage(), List.of()));
                }
            } else {
                checks.add(CheckResult.skipped(CONNECTIVITY, "the server did not start"));
            }
            Instant checksStart = Instant.now();
            if (replayed != null) {
                if (replayed.lastLsn() != null) {
                    int tli = history.timelineAt(replayed.lastLsn());
                    walTo = replayed.lastLsn() + " (segment " + SegmentName.of(tli, replayed.lastLsn().plus(-1), identity.walSegmentSize()).name() + ")";
                }
                recoveredTo = recoveredTo(plan, replayed, restored);
            }
            checks.add(walCheck(coverage, plan, replayed != null));
            if (replayed != null) {
                DataChecks data = new DataChecks(connector);
                try {
                    DataChecks.Found found = data.run(data.databases());
                    checks.add(SchemaComparison.compare(backup.id(), catalog, found.tables()));
                    checks.add(found.rowCounts());
                    checks.add(found.foreignKeys());
                    checks.add(found.unique());
                } catch (SQLException | RuntimeException e) {
                    checks.add(CheckResult.fail(SchemaComparison.NAME, "cannot list the databases: " + DataChecks.firstLine(e), List.of()));
                }
                OperatorChecks operator = new OperatorChecks(connector);
                for (OperatorCheck c : r.checks()) {
                    checks.add(operator.run(c));
                }
            } else {
                for (String name : List.of(SchemaComparison.NAME, DataChecks.ROW_COUNTS, DataChecks.FOREIGN_KEYS, DataChecks.UNIQUE)) {
                    checks.add(CheckResult.skipped(name, "no connection to the restored server"));
                }
                r.checks().forEach(c -> checks.add(CheckResult.skipped(c.name(), "no connection to the restored server")));
            }
            checksEnd = Instant.now();
            phases.add(new DrillReport.Phase("checks", checksStart, checksEnd));
        } finally {
            Instant teardownStart = checksEnd != null ? checksEnd : Instant.now();
            if (r.keep() && checksEnd != null && isRunning(scratch)) {
                kept = new DrillReport.Kept(scratch.connectionString(user), scratch.dir().toString(), removeCommand(scratch, bins));
            } else {
                checks.add(tearDown(scratch, server));
                phases.add(new DrillReport.Phase("teardown", teardownStart, Instant.now()));
            }
        }
        Instant lastArchived = coverage.lastCommit();
        Double rpo = null;
        if (lastArchived != null && recoveredTo != null) {
            rpo = Math.max(0, Duration.between(recoveredTo, lastArchived).toMillis()) / 1000.0;
        }
        return new DrillReport(ID.format(r.started()), repository.location(), r.started(), Instant.now(), plan.target().describe(),
                backup.id(), backup.stopTime(), backup.startSegment() + " (" + backup.startLsn() + ")", walTo, recoveredTo, lastArchived,
                rpo, rto, phases, checks, kept);
    }

    /**
     * A gap in the archived WAL with later segments after it: a restore to "latest" stops at the gap and silently
     * loses everything after it, so it fails the drill; for an earlier target that the restore reached, the gap
     * lies after it and is a warning for the next restore.
     */
    private static CheckResult walCheck(WalCoverage c, RestorePlan plan, boolean reached) {
        if (c.firstMissing().isEmpty()) {
            return CheckResult.pass(WAL_COMPLETE, "segments " + c.firstSegment() + " .. " + c.lastSegment() + " archived without a gap",
                    List.of());
        }
        String what = "WAL segment " + c.firstMissing().get() + " is missing from the repository: " + c.unreachableSegments()
                + " later archived segments (up to " + c.lastSegment() + (c.lastCommit() == null ? "" : ", last commit "
                + Times.format(c.lastCommit())) + ") cannot be replayed";
        List<String> details = List.of("recovery stops at the gap: a restore to latest brings back nothing after it",
                "find the segment in the server's pg_wal and archive it: walden wal-push PGDATA/pg_wal/" + c.firstMissing().get()
                        + "; else take a new backup now");
        boolean beforeTarget = plan.target() instanceof RecoveryTarget.Latest || !reached;
        return beforeTarget ? CheckResult.fail(WAL_COMPLETE, what, details)
                : CheckResult.warn(WAL_COMPLETE, what + " (after the target)", details);
    }

    /** What the first login sees: the server's version, and how far replay went before the promotion. */
    private record Replayed(String version, Instant lastCommit, Lsn lastLsn) {}

    private static Replayed login(PgConnector connector) {
        Instant deadline = Instant.now().plus(LOGIN_TIMEOUT);
        while (true) {
            try (Connection c = connector.open(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), pg_last_xact_replay_timestamp(),"
                         + " pg_last_wal_replay_lsn()::text")) {
                rs.next();
                OffsetDateTime last = rs.getObject(2, OffsetDateTime.class);
                String lsn = rs.getString(3);
                return new Replayed("PostgreSQL " + rs.getString(1), last == null ? null : last.toInstant(),
                        lsn == null ? null : Lsn.parse(lsn));
            } catch (SQLException | WaldenException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new WaldenException("cannot log in to the restored server: " + DataChecks.firstLine(e),
                            "the drill logs in as PGUSER (set PGPASSWORD if the restored pg_hba.conf asks for a password)");
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WaldenException("interrupted while logging in to the restored server", null);
            }
        }
    }

    /** Stops the scratch server and removes its directory; what cannot be removed fails the drill, named. */
    private static CheckResult tearDown(ScratchPlacement scratch, PgCtl server) {
        try {
            if (isRunning(scratch)) {
                try {
                    server.stop("fast", STOP_TIMEOUT);
                } catch (WaldenException e) {
                    server.stop("immediate", STOP_TIMEOUT);
                }
            }
            Optional<PostmasterPid> left = PostmasterPid.read(scratch.pgdata()).filter(Drill::alive);
            if (left.isPresent()) {
                return CheckResult.fail(TEARDOWN, "the scratch server (pid " + left.get().pid() + ") did not stop",
                        List.of("stop it with: pg_ctl stop -D " + scratch.pgdata() + " -m immediate; then remove " + scratch.dir()));
            }
            scratch.removeDirectory();
            return CheckResult.pass(TEARDOWN, "stopped the scratch server and removed " + scratch.dir(), List.of());
        } catch (IOException | RuntimeException e) {
            return CheckResult.fail(TEARDOWN, "cannot remove the scratch instance in " + scratch.dir() + ": " + DataChecks.firstLine(e),
                    List.of("stop it with: pg_ctl stop -D " + scratch.pgdata() + " -m immediate; then remove " + scratch.dir()));
        }
    }

    /** What the operator runs to remove a kept instance: pg_ctl as the server's user, then the directory. */
    private static String removeCommand(ScratchPlacement scratch, PgBinaries bins) {
        return ShellQuote.join(OsUser.commandAs(scratch.osUser(), List.of(bins.pgCtl().toString(), "stop", "-D",
                scratch.pgdata().toString(), "-m", "fast"))) + " && rm -rf " + ShellQuote.quote(scratch.dir().toString());
    }

    private static boolean isRunning(ScratchPlacement scratch) {
        return PostmasterPid.read(scratch.pgdata()).filter(Drill::alive).isPresent();
    }

    private static boolean alive(PostmasterPid pid) {
        return ProcessHandle.of(pid.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * The point the restore brought back: the target time, else the last commit replayed, else (no commit after the
     * backup reached) the backup's end.
     */
    private static Instant recoveredTo(RestorePlan plan, Replayed replayed, RestoreResult restored) {
        if (plan.target() instanceof RecoveryTarget.Time t) {
            return t.at();
        }
        if (replayed.lastCommit() != null) {
            return replayed.lastCommit();
        }
        Instant fromLog = parseLogTime(restored.lastTransaction());
        return fromLog != null ? fromLog : plan.backup().stopTime();
    }

    /** The server log's "last completed transaction was at log time ..." when SQL could not say. */
    private static Instant parseLogTime(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Times.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static RestoreRequest restoreRequest(Request r, Path pgdata, int port, Map<String, String> settings, Optional<String> backupId) {
        return new RestoreRequest(pgdata, r.target(), r.exclusive(), "promote", backupId, "latest", false, false, false, false,
                port == 0 ? OptionalInt.empty() : OptionalInt.of(port), Runtime.getRuntime().availableProcessors(), r.timeout(),
                r.restoreCommand(), null, r.pgBin(), null, false, settings);
    }
}
