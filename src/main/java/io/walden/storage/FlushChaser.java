package io.walden.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Flushes a large file being written to disk while it is still being written. The kernel starts writing
 * dirty pages back only once a tenth of memory is dirty, so without this a file of a few hundred megabytes
 * sits in the page cache until its final fsync, which then waits for all of it at once (about half a second
 * per 640 MiB here) while the CPU idles. Flushing each {@link #STEP} on another thread lets the disk work
 * while the next bytes are decoded; the final fsync then finds little left.
 *
 * <p>A flush that fails is reported by {@link #finish()}: on Linux a failed writeback is reported to one
 * fsync only, so a later fsync succeeding would not prove the data durable.
 */
public final class FlushChaser {
    static final long STEP = 32L << 20;
    private static final ExecutorService FLUSHERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "walden-flush-chaser");
        t.setDaemon(true);
        return t;
    });

    private final FileChannel channel;
    private long written;
    private long flushRequestedAt;
    private Future<?> inFlight;
    private IOException failure;

    public FlushChaser(FileChannel channel) {
        this.channel = channel;
    }

    /** Counts {@code bytes} more written to the channel; starts a flush when a step's worth is not yet flushed. */
    public synchronized void wrote(long bytes) {
        written += bytes;
        if (written - flushRequestedAt >= STEP && (inFlight == null || inFlight.isDone())) {
            flushRequestedAt = written;
            inFlight = FLUSHERS.submit(this::flush);
        }
    }

    private void flush() {
        try {
            channel.force(false);
        } catch (IOException e) {
            synchronized (this) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    /**
     * Waits for the flush under way, then reports the first that failed. The caller still flushes the file
     * itself: what was written after the last step is not on disk yet.
     */
    public void finish() throws IOException {
        Future<?> last;
        synchronized (this) {
            last = inFlight;
        }
        if (last != null) {
            try {
                last.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while flushing to disk", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
        synchronized (this) {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
