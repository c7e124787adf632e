package io.walden.ops.daemon;

import io.walden.wal.stream.StreamStats;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/** The streamer's state in the Prometheus text exposition format (version 0.0.4). */
final class PrometheusText {
    private PrometheusText() {
    }

    static String render(StreamStats s) {
        StringBuilder b = new StringBuilder();
        gauge(b, "walden_stream_up", "1 while WAL is being streamed from the server.", s.streaming() ? 1 : 0);
        gauge(b, "walden_stream_timeline", "Timeline being streamed.", s.timeline());
        gauge(b, "walden_stream_received_lsn", "Newest WAL position received from the server, as a byte offset.",
                s.receivedLsn().value());
        gauge(b, "walden_stream_flushed_lsn", "Newest WAL position durable in the repository and acknowledged to the server.",
                s.flushedLsn().value());
        Instant last = s.lastFlush();
        gauge(b, "walden_stream_last_flush_timestamp_seconds", "When WAL was last made durable in the repository (Unix time).",
                last == null ? 0 : last.toEpochMilli() / 1000.0);
        gauge(b, "walden_replication_slot_retained_bytes", "WAL the server keeps for the slot (-1 until known).",
                s.slotRetainedBytes());
        counter(b, "walden_stream_reconnects_total", "Times streaming started again after it stopped.", s.reconnects());
        b.append("# HELP walden_stream_failures_total Failures by kind.\n# TYPE walden_stream_failures_total counter\n");
        for (Map.Entry<StreamStats.Failure, Long> e : s.failures().entrySet()) {
            b.append("walden_stream_failures_total{kind=\"").append(e.getKey().name().toLowerCase(Locale.ROOT)).append("\"} ")
                    .append(e.getValue()).append('\n');
        }
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, double value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(format(value)).append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
