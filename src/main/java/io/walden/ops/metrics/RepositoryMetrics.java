package io.walden.ops.metrics;

import io.walden.ops.RecoveryStatus;
import io.walden.ops.drill.RecoveryEvent;
import io.walden.restore.RecoverableWindow;
import io.walden.wal.Lsn;

import java.time.Instant;
import java.util.Map;

/**
 * The repository's metrics. Their values are the ones 'walden status --json' and 'walden list --json' print at
 * the same moment; a value that is not known (no backup yet, no archived commit) has no sample, as Prometheus
 * expects, rather than a made-up zero.
 */
public final class RepositoryMetrics {
    private RepositoryMetrics() {
    }

    /**
     * @param streamedEnd WAL made durable by streaming (the daemon), counted as archived for the lag in bytes; or null
     */
    public static void write(MetricsText m, RepositorySnapshot s, Lsn streamedEnd) {
        m.gauge("walden_repository_up", "1 when the repository could be read at the last look.", s.readable() ? 1 : 0);
        m.gauge("walden_repository_last_look_timestamp_seconds", "When the repository was last looked at (Unix time).",
                seconds(s.taken()));
        if (!s.readable()) {
            return;
        }
        RecoveryStatus.Report r = s.status();
        m.gauge("walden_backups", "Complete backups in the repository.", r == null ? 0 : r.backups());
        if (r == null) {
            return;
        }
        m.declare("walden_backup_last_success_timestamp_seconds", "gauge", "When the newest complete backup ended (Unix time).");
        m.declare("walden_backup_last_duration_seconds", "gauge", "How long the newest complete backup took.");
        m.declare("walden_backup_last_size_bytes", "gauge", "Size of the newest complete backup: original (PGDATA) or stored.");
        if (!s.backups().isEmpty()) {
            Map<String, Object> newest = s.backups().get(s.backups().size() - 1);
            Instant start = (Instant) newest.get("startTime");
            Instant stop = (Instant) newest.get("stopTime");
            m.gauge("walden_backup_last_success_timestamp_seconds", "", seconds(stop));
            m.gauge("walden_backup_last_duration_seconds", "", (stop.toEpochMilli() - start.toEpochMilli()) / 1000.0);
            m.gauge("walden_backup_last_size_bytes", "", MetricsText.labels("size", "original"), number(newest.get("originalSize")));
            m.gauge("walden_backup_last_size_bytes", "", MetricsText.labels("size", "stored"), number(newest.get("storedSize")));
        }
        m.gauge("walden_backups_stored_bytes", "Stored size of all complete backups (their WAL not counted).",
                s.backups().stream().mapToDouble(b -> number(b.get("storedSize"))).sum());

        RecoverableWindow w = r.window();
        m.declare("walden_recoverable_window_start_timestamp_seconds", "gauge", "Earliest time a restore can reach (Unix time).");
        m.declare("walden_recoverable_window_end_timestamp_seconds", "gauge", "Latest time a restore can reach (Unix time).");
        if (w != null) {
            m.gauge("walden_recoverable_window_start_timestamp_seconds", "", seconds(w.from()));
            m.gauge("walden_recoverable_window_end_timestamp_seconds", "", seconds(w.to()));
        }
        m.declare("walden_wal_last_archived_commit_timestamp_seconds", "gauge", "Newest commit in the archived WAL (Unix time).");
        m.declare("walden_wal_archive_lag_seconds", "gauge",
                "Age of the newest archived commit: the committed work a restore would lose if the server died now.");
        if (r.lastArchivedCommit() != null) {
            m.gauge("walden_wal_last_archived_commit_timestamp_seconds", "", seconds(r.lastArchivedCommit()));
            m.gauge("walden_wal_archive_lag_seconds", "", r.archiveLag().toMillis() / 1000.0);
        }
        m.declare("walden_wal_archive_lag_bytes", "gauge", "WAL the server has written that is not yet in the repository.");
        Lsn archived = s.archivedEnd();
        if (streamedEnd != null && (archived == null || streamedEnd.isAfter(archived))) {
            archived = streamedEnd;
        }
        if (s.serverLsn() != null && archived != null) {
            m.gauge("walden_wal_archive_lag_bytes", "", Math.max(0, s.serverLsn().value() - archived.value()));
        }
        m.gauge("walden_wal_gaps", "Gaps in the archived WAL, over all timelines.",
                r.timelines().stream().mapToInt(t -> t.gaps().size()).sum());
        m.gauge("walden_wal_timeline", "Newest timeline with archived WAL.",
                r.timelines().isEmpty() ? 0 : r.timelines().get(r.timelines().size() - 1).timeline());

        RecoveryEvent d = s.lastDrill();
        m.declare("walden_drill_last_timestamp_seconds", "gauge", "When the newest restore drill ended (Unix time).");
        m.declare("walden_drill_last_passed", "gauge", "1 if the newest restore drill passed its checks, 0 if not.");
        if (d != null) {
            m.gauge("walden_drill_last_timestamp_seconds", "", seconds(d.finished()));
            m.gauge("walden_drill_last_passed", "", "passed".equals(d.outcome()) ? 1 : 0);
            if (d.rtoSeconds() != null) {
                m.gauge("walden_drill_last_rto_seconds", "Time the newest drill took from start to a server answering.", d.rtoSeconds());
            }
        }
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }
}
