package io.walden.ops.daemon;

import io.walden.ops.metrics.MetricsText;
import io.walden.ops.metrics.RepositoryMetrics;
import io.walden.ops.schedule.JobStatus;
import io.walden.wal.stream.StreamStats;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** Everything the daemon knows, in the Prometheus text exposition format (version 0.0.4). */
final class PrometheusText {
    private PrometheusText() {
    }

    static String render(DaemonState state) {
        MetricsText m = new MetricsText();
        StreamStats s = state.stream();
        RepositoryMetrics.write(m, state.snapshot(), s == null ? null : s.flushedLsn());
        m.counter("walden_repository_summary_reads_total", "Segment headers read to summarize the archived WAL (each once).",
                Map.of(), state.summaryReads());
        if (s != null) {
            stream(m, s);
        }
        m.declare("walden_job_last_success_timestamp_seconds", "gauge", "When the schedule's job last succeeded (Unix time).");
        m.declare("walden_job_last_result", "gauge", "1 if the schedule's last run succeeded, 0 if it failed after every attempt.");
        m.declare("walden_job_last_duration_seconds", "gauge", "How long the schedule's last try took.");
        m.declare("walden_job_next_run_timestamp_seconds", "gauge", "When the schedule fires next (Unix time).");
        m.declare("walden_job_runs_total", "counter", "Runs of the schedule that ended, by result (a retried run counts once).");
        m.declare("walden_job_failed_tries_total", "counter", "Tries that failed, retried ones included.");
        m.declare("walden_job_missed_firings_total", "counter", "Firings merged into a later run because another job was running.");
        for (JobStatus j : state.jobs()) {
            Map<String, String> l = MetricsText.labels("schedule", j.name(), "job", j.job());
            if (j.lastSuccess() != null) {
                m.gauge("walden_job_last_success_timestamp_seconds", "", l, seconds(j.lastSuccess()));
            }
            if (j.lastResult() != null) {
                m.gauge("walden_job_last_result", "", l, "succeeded".equals(j.lastResult()) ? 1 : 0);
            }
            if (j.lastDurationSeconds() != null) {
                m.gauge("walden_job_last_duration_seconds", "", l, j.lastDurationSeconds());
            }
            if (j.nextRun() != null) {
                m.gauge("walden_job_next_run_timestamp_seconds", "", l, seconds(j.nextRun()));
            }
            m.counter("walden_job_runs_total", "", MetricsText.labels("schedule", j.name(), "job", j.job(), "result", "succeeded"),
                    j.runs() - j.failedRuns());
            m.counter("walden_job_runs_total", "", MetricsText.labels("schedule", j.name(), "job", j.job(), "result", "failed"),
                    j.failedRuns());
            m.counter("walden_job_failed_tries_total", "", l, j.failedTries());
            m.counter("walden_job_missed_firings_total", "", l, j.missedFirings());
        }
        return m.toString();
    }

    private static void stream(MetricsText m, StreamStats s) {
        m.gauge("walden_stream_up", "1 while WAL is being streamed from the server.", s.streaming() ? 1 : 0);
        m.gauge("walden_stream_timeline", "Timeline being streamed.", s.timeline());
        m.gauge("walden_stream_received_lsn", "Newest WAL position received from the server, as a byte offset.", s.receivedLsn().value());
        m.gauge("walden_stream_flushed_lsn", "Newest WAL position durable in the repository and acknowledged to the server.",
                s.flushedLsn().value());
        Instant last = s.lastFlush();
        m.gauge("walden_stream_last_flush_timestamp_seconds", "When WAL was last made durable in the repository (Unix time).",
                last == null ? 0 : seconds(last));
        m.gauge("walden_replication_slot_retained_bytes", "WAL the server keeps for the slot (-1 until known).", s.slotRetainedBytes());
        m.counter("walden_stream_reconnects_total", "Times streaming started again after it stopped.", Map.of(), s.reconnects());
        for (Map.Entry<StreamStats.Failure, Long> e : s.failures().entrySet()) {
            m.counter("walden_stream_failures_total", "Streaming failures by kind.",
                    MetricsText.labels("kind", e.getKey().name().toLowerCase(Locale.ROOT)), e.getValue());
        }
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }
}
