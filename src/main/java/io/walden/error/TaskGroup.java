package io.walden.error;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Tasks handed over while the caller goes on with other work, on a fixed number of threads of their own.
 * {@link #awaitAll()} waits for those handed over so far and throws the first failure as it was (see
 * {@link TaskFailure}); {@link #close()} stops the threads and waits for a task still running, so nothing
 * still writes when a caller cleans up after a failure.
 */
public final class TaskGroup implements AutoCloseable {
    private final ExecutorService pool;
    private final String what;
    private final List<Future<?>> pending = new ArrayList<>();

    /** @param what the work, for the message when the thread is interrupted ("restore") */
    public TaskGroup(int threads, String what) {
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads));
        this.what = what;
    }

    public synchronized <T> Future<T> submit(Callable<T> task) {
        Future<T> future = pool.submit(task);
        pending.add(future);
        return future;
    }

    /** Waits for the tasks handed over so far, in that order; the first that failed is thrown. */
    public void awaitAll() throws IOException {
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
            throw new WaldenException(what + " interrupted", null);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
