package io.walden.restore;

import io.walden.error.TaskFailure;
import io.walden.error.WaldenException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Flushes restored files to disk on threads of their own: a worker that waited for the disk after every
 * file would leave the CPU idle that decoding the next object needs. {@link #awaitAll()} returns once
 * every file handed over is durable; nothing that depends on the files may happen before.
 */
final class BackgroundFlusher implements AutoCloseable {
    private static final int THREADS = 4;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    private final List<Future<?>> pending = new ArrayList<>();

    synchronized void flush(Path file) {
        pending.add(pool.submit(() -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            return null;
        }));
    }

    void awaitAll() throws IOException {
        List<Future<?>> all;
        synchronized (this) {
            all = new ArrayList<>(pending);
            pending.clear();
        }
        try {
            for (Future<?> f : all) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw TaskFailure.unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("restore interrupted", null);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
