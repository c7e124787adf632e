package io.walden.restore;

import io.walden.error.TaskGroup;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Flushes restored files to disk on threads of their own: a worker that waited for the disk after every
 * file would leave the CPU idle that decoding the next object needs. {@link #awaitAll()} returns once
 * every file handed over is durable; nothing that depends on the files may happen before.
 */
final class BackgroundFlusher implements AutoCloseable {
    private static final int THREADS = 4;

    private final TaskGroup flushes = new TaskGroup(THREADS, "restore");

    void flush(Path file) {
        flushes.submit(() -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            return null;
        });
    }

    void awaitAll() throws IOException {
        flushes.awaitAll();
    }

    @Override
    public void close() {
        flushes.close();
    }
}
