package io.walden.ops;

import io.walden.restore.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides, from facts gathered elsewhere ({@link HealthProbe}), whether backups and archiving are healthy:
 * one finding per thing checked, each OK, WARNING or CRITICAL with what to do about it. Nothing here
 * touches a repository or a server, so every decision can be tested with made-up facts.
 *
 * <p>The WAL age is the arrival time of the newest WAL object in the repository, not the last archived
 * commit: it needs only a listing (no object is read, which matters for a check that runs every few
 * minutes against S3), it also moves for segments archived without a decoded summary, and it is what
 * stops moving when archive_command breaks. The last commit would also go stale on a server that simply
 * has no commits; the arrival time goes stale on a server with no WAL at all, hence archive_timeout.
 */
public final class HealthCheck {

    /** The order is the severity; the ordinal is the exit code monitoring systems expect (Nagios style). */
    public enum Status {
        OK, WARNING, CRITICAL;

        public int exitCode() {
            return ordinal();
        }
    }

    /** One line of the check: what was looked at, what was found and, unless OK, what to do. */
    public record Finding(Status status, String what, String detail, String action) {
        static Finding ok(String what, String detail) {
            return new Finding(Status.OK, what, detail, null);
        }

        static Finding warning(String what, String detail, String action) {
            return new Finding(Status.WARNING, what, detail, action);
        }

        static Finding critical(String what, String detail, String action) {
            return new Finding(Status.CRITICAL, what, detail, action);
        }
    }

    /** The whole result: the worst status decides the exit code. */
    public record Report(Status status, int exitCode, Instant checkedAt, List<Finding> findings) {
        public static Report of(Instant checkedAt, List<Finding> findings) {
            Status worst = findings.stream().map(Finding::status).max(Comparator.naturalOrder()).orElse(Status.OK);
            return new Report(worst, worst.exitCode(), checkedAt, List.copyOf(findings));
        }
    }

    /** Above {@code maxRepoUsagePercent} a warning; above {@link #CRITICAL_USAGE_PERCENT} (or the threshold if higher) critical. */
    public record Thresholds(Duration maxBackupAge, Duration maxWalAge, int maxRepoUsagePercent) {
        public static final Duration DEFAULT_BACKUP_AGE = Duration.ofHours(48);
        public static final Duration DEFAULT_WAL_AGE = Duration.ofMinutes(30);
        public static final int DEFAULT_REPO_USAGE = 80;
        public static final int CRITICAL_USAGE_PERCENT = 95;
        private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([smhd])");

        public Thresholds {
            if (maxBackupAge.isNegative() || maxBackupAge.isZero() || maxWalAge.isNegative() || maxWalAge.isZero()) {
                throw new IllegalArgumentException("ages must be positive");
            }
            if (maxRepoUsagePercent < 1 || maxRepoUsagePercent > 100) {
                throw new IllegalArgumentException("the repository usage threshold must be 1% to 100%");
            }
        }

        public static Thresholds defaults() {
            return new Thresholds(DEFAULT_BACKUP_AGE, DEFAULT_WAL_AGE, DEFAULT_REPO_USAGE);
        }

        int criticalUsagePercent() {
            return Math.max(CRITICAL_USAGE_PERCENT, maxRepoUsagePercent);
        }

        /** "90s", "30m", "48h", "7d": a number and a unit, since a bare number (seconds? hours?) invites mistakes. */
        public static Duration parseAge(String text) {
            Matcher m = AGE.matcher(text.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not an age; write a number and a unit: 90s, 30m, 48h, 7d");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.isZero()) {
                throw new IllegalArgumentException("'" + text + "' is zero; give an age above zero, e.g. 30m");
            }
            return d;
        }

        /** "80%" or "80". */
        public static int parsePercent(String text) {
            String t = text.strip();
            t = t.endsWith("%") ? t.substring(0, t.length() - 1).strip() : t;
            try {
                int p = Integer.parseInt(t);
                if (p >= 1 && p <= 100) {
                    return p;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException("'" + text + "' is not a share of the filesystem; write 1% to 100%, e.g. 80%");
        }
    }

    private HealthCheck() {
    }

    public static Report evaluate(HealthProbe.Facts facts, Thresholds limits, Instant now) {
        List<Finding> findings = new ArrayList<>();
        repository(facts.repository(), limits, now, findings);
        space(facts.repository().location(), facts.space(), limits, findings);
        server(facts.server(), facts.suggestedArchiveCommand(), limits, now, findings);
        return Report.of(now, findings);
    }

    // ---- repository: backups and WAL ---------------------------------------------------------------

    static void repository(HealthProbe.RepositoryState repo, Thresholds limits, Instant now, List<Finding> findings) {
        switch (repo) {
            case HealthProbe.RepositoryState.Unreadable u ->
                    findings.add(Finding.critical("repository", u.problem(), u.hint()));
            case HealthProbe.RepositoryState.Readable r -> {
                findings.add(backup(r, limits, now));
                findings.add(wal(r, limits, now));
            }
        }
    }

    static Finding backup(HealthProbe.RepositoryState.Readable r, Thresholds limits, Instant now) {
        String next = "take one: walden --repo " + r.location() + " backup --pgdata PGDATA";
        if (r.latestBackup() == null) {
            return Finding.critical("backup", "no backup in the repository at " + r.location(), next);
        }
        Duration age = Duration.between(r.latestBackupEnd(), now);
        String detail = "latest " + r.latestBackup() + " ended " + Times.format(r.latestBackupEnd()) + ", " + age(age) + " ago ("
                + r.backups() + (r.backups() == 1 ? " backup" : " backups") + ")";
        if (age.compareTo(limits.maxBackupAge()) > 0) {
            return Finding.critical("backup", detail + ", older than " + age(limits.maxBackupAge()),
                    next + "; then check the job that should take them");
        }
        return Finding.ok("backup", detail);
    }

    static Finding wal(HealthProbe.RepositoryState.Readable r, Thresholds limits, Instant now) {
        if (r.newestWal() == null) {
            return Finding.critical("wal", "no WAL in the repository at " + r.location() + ": nothing after a backup's end can be restored",
                    "set archive_mode = on and archive_command to walden wal-push, restart PostgreSQL");
        }
        Duration age = Duration.between(r.newestWalArrived(), now);
        String detail = "newest " + r.newestWal() + " arrived " + Times.format(r.newestWalArrived()) + ", " + age(age) + " ago";
        if (age.compareTo(limits.maxWalAge()) > 0) {
            return Finding.warning("wal", detail + ", older than " + age(limits.maxWalAge()),
                    "check archive_command and SELECT * FROM pg_stat_archiver; a server with no writes archives nothing:"
                            + " set archive_timeout or raise --max-wal-age");
        }
        return Finding.ok("wal", detail);
    }

    // ---- repository space --------------------------------------------------------------------------

    static void space(String location, HealthProbe.Space space, Thresholds limits, List<Finding> findings) {
        switch (space) {
            case HealthProbe.Space.NotChecked n -> findings.add(Finding.ok("repository space", "not checked: " + n.why()));
            case HealthProbe.Space.Unknown u -> findings.add(Finding.warning("repository space",
                    "cannot tell how full the filesystem holding " + location + " is: " + u.why(), "check that the path exists and is readable"));
            case HealthProbe.Space.Measured m -> {
                int percent = m.usedPercent();
                String detail = percent + "% of " + gigabytes(m.totalBytes()) + " used on the filesystem holding " + location;
                String action = "grow the filesystem or free space on it: a full repository refuses WAL, and then pg_wal fills up";
                if (percent > limits.criticalUsagePercent()) {
                    findings.add(Finding.critical("repository space", detail + ", above " + limits.criticalUsagePercent() + "%", action));
                } else if (percent > limits.maxRepoUsagePercent()) {
                    findings.add(Finding.warning("repository space", detail + ", above " + limits.maxRepoUsagePercent() + "%", action));
                } else {
                    findings.add(Finding.ok("repository space", detail));
                }
            }
        }
    }

    // ---- the server's settings and its archiver ----------------------------------------------------

    static void server(HealthProbe.ServerState server, String suggestedArchiveCommand, Thresholds limits, Instant now,
                       List<Finding> findings) {
        switch (server) {
            case HealthProbe.ServerState.Skipped s -> findings.add(Finding.ok("server", "not checked (--no-server)"));
            case HealthProbe.ServerState.Unreachable u -> findings.add(Finding.warning("server", "not reachable: " + u.reason(),
                    "set PGHOST, PGPORT, PGUSER (or --pg-url) so the server's archiving settings are checked too"));
            case HealthProbe.ServerState.Unreadable u -> findings.add(Finding.warning("server",
                    "connected to " + u.where() + ", but cannot read its settings: " + u.reason(),
                    "connect as a superuser or a role with pg_read_all_settings and pg_monitor"));
            case HealthProbe.ServerState.Reachable s -> {
                findings.add(Finding.ok("server", "PostgreSQL " + s.version() + " at " + s.where() + (s.inRecovery() ? ", a standby" : "")));
                findings.add(walLevel(s));
                findings.add(archiveMode(s, suggestedArchiveCommand));
                findings.add(archiveCommand(s, suggestedArchiveCommand));
                findings.add(archiver(s.archiver(), limits, now));
                findings.add(archiveTimeout(s));
            }
        }
    }

    static Finding walLevel(HealthProbe.ServerState.Reachable s) {
        if ("minimal".equals(s.walLevel())) {
            return Finding.critical("wal_level", "minimal: the WAL cannot rebuild a backup, nothing can be archived",
                    "set wal_level = replica in postgresql.conf and restart PostgreSQL");
        }
        return Finding.ok("wal_level", s.walLevel());
    }

    static Finding archiveMode(HealthProbe.ServerState.Reachable s, String suggestedArchiveCommand) {
        if ("off".equals(s.archiveMode())) {
            return Finding.critical("archive_mode", "off: no WAL is archived, so no backup can complete and nothing after one can be restored",
                    "set archive_mode = on and archive_command = '" + suggestedArchiveCommand + "' in postgresql.conf, restart PostgreSQL");
        }
        if (s.inRecovery() && "on".equals(s.archiveMode())) {
            // with "on" a standby leaves archiving to its primary; only "always" archives here
            return Finding.ok("archive_mode", "on: this standby leaves archiving to the primary");
        }
        return Finding.ok("archive_mode", s.archiveMode());
    }

    static Finding archiveCommand(HealthProbe.ServerState.Reachable s, String suggestedArchiveCommand) {
        String fix = "set archive_command = '" + suggestedArchiveCommand + "' in postgresql.conf and reload PostgreSQL";
        if (s.archiveLibrary() != null && !s.archiveLibrary().isBlank()) {
            return Finding.warning("archive_command", "archive_library = '" + s.archiveLibrary() + "' archives instead of walden",
                    "set archive_library = '' and " + fix.substring("set ".length()));
        }
        String command = s.archiveCommand() == null ? "" : s.archiveCommand().strip();
        if (command.isEmpty() || command.equals("(disabled)")) {
            return Finding.warning("archive_command", "empty: WAL piles up in pg_wal and nothing reaches the repository", fix);
        }
        if (!command.contains("walden") || !command.contains("wal-push")) {
            return Finding.warning("archive_command", "'" + command + "' does not call walden wal-push", fix);
        }
        return Finding.ok("archive_command", command);
    }

    static Finding archiver(HealthProbe.Archiver a, Thresholds limits, Instant now) {
        boolean failing = a.lastFailedTime() != null
                && (a.lastArchivedTime() == null || a.lastFailedTime().isAfter(a.lastArchivedTime()));
        if (failing) {
            return Finding.critical("archiver", "archive_command failed for " + a.lastFailedWal() + " at " + Times.format(a.lastFailedTime())
                            + (a.lastArchivedTime() == null ? " and has never succeeded" : " and has not succeeded since " + Times.format(a.lastArchivedTime()))
                            + " (" + a.failedCount() + " failures since the statistics were reset)",
                    "read archive_command's error in the PostgreSQL log; until it succeeds WAL piles up in pg_wal");
        }
        // without state kept between runs, "failures increased recently" is: a failure within the WAL age window
        if (a.lastFailedTime() != null && Duration.between(a.lastFailedTime(), now).compareTo(limits.maxWalAge()) <= 0) {
            return Finding.warning("archiver", "archive_command failed for " + a.lastFailedWal() + " at " + Times.format(a.lastFailedTime())
                            + ", " + age(Duration.between(a.lastFailedTime(), now)) + " ago, and has succeeded since",
                    "read archive_command's error in the PostgreSQL log before it happens again");
        }
        if (a.lastArchivedWal() == null) {
            return Finding.ok("archiver", "nothing archived since the statistics were reset, no failures");
        }
        return Finding.ok("archiver", "last archived " + a.lastArchivedWal() + " at " + Times.format(a.lastArchivedTime())
                + (a.failedCount() == 0 ? ", no failures" : ", " + a.failedCount() + " earlier failures"));
    }

    static Finding archiveTimeout(HealthProbe.ServerState.Reachable s) {
        if (s.archiveTimeout().isZero()) {
            return Finding.warning("archive_timeout", "0: up to a whole segment of commits can be lost",
                    "set archive_timeout = 60s in postgresql.conf and reload PostgreSQL");
        }
        return Finding.ok("archive_timeout", age(s.archiveTimeout()));
    }

    // ---- wording -----------------------------------------------------------------------------------

    /** "45 s", "12 min", "3 h 5 min", "2 d 4 h": ages a reader takes in at a glance. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 2 * 3600) {
            return s / 60 + " min";
        }
        if (s < 2 * 86400) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        return s / 86400 + " d" + (s % 86400 / 3600 == 0 ? "" : " " + s % 86400 / 3600 + " h");
    }

    static String gigabytes(long bytes) {
        double gb = bytes / (1024.0 * 1024 * 1024);
        return String.format(Locale.ROOT, gb < 10 ? "%.1f GB" : "%.0f GB", gb);
    }
}
