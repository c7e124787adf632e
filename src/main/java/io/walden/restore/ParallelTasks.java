package io.walden.restore;

import io.walden.error.TaskFailure;
import io.walden.error.WaldenException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs tasks on a fixed number of threads and returns their results in order; the first failure is thrown. */
final class ParallelTasks {
    private ParallelTasks() {
    }

    static <T> List<T> all(int threads, List<Callable<T>> tasks) throws IOException {
        if (tasks.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())));
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) {
                futures.add(pool.submit(t));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (ExecutionException e) {
            throw TaskFailure.unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("restore interrupted", null);
        } finally {
            // no task may still be writing when the caller cleans up after a failure
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
