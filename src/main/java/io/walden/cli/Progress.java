package io.walden.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Percent, MB/s and ETA on one line of stderr, only when stderr is a terminal. */
final class Progress {
    private final PrintStream err;
    private final boolean enabled;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private final long start = System.nanoTime();
    private volatile long lastPrint;

    Progress(PrintStream err) {
        this.err = err;
        this.enabled = System.console() != null && err == System.err;
    }

    void total(long bytes) {
        total = bytes;
    }

    void add(long bytes) {
        long d = done.addAndGet(bytes);
        long now = System.nanoTime();
        if (!enabled || now - lastPrint < 500_000_000L) {
            return;
        }
        lastPrint = now;
        double secs = (now - start) / 1e9;
        double rate = d / Math.max(secs, 0.001);
        String eta = total > 0 && rate > 0 ? String.format(Locale.ROOT, ", ETA %.0f s", (total - d) / rate) : "";
        String pct = total > 0 ? String.format(Locale.ROOT, "%3.0f%% ", 100.0 * d / total) : "";
        synchronized (err) {
            err.printf(Locale.ROOT, "\r%s%s at %.0f MB/s%s   ", pct, Format.bytes(d), rate / (1024 * 1024), eta);
        }
    }

    void end() {
        if (enabled && lastPrint != 0) {
            err.print("\r\033[K");
        }
    }
}
