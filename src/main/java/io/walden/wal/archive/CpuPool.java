package io.walden.wal.archive;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The threads that compress and hash WAL files: as many as there are cores (at least two, so that a push's
 * compression and hashing run side by side), daemons, so a wal-push process ends when its work does.
 */
final class CpuPool {
    private CpuPool() {
    }

    static ExecutorService shared() {
        return Holder.POOL;
    }

    private static final class Holder {
        static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                Thread.ofPlatform().daemon().name("walden-cpu-", 0).factory());
    }
}
