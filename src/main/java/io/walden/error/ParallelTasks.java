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
 * Runs tasks on a fixed number of threads and returns their results in order; the first failure is thrown
 * as it was (see {@link TaskFailure}), and no task still runs when this returns or throws.
 */
public final class ParallelTasks {
    private ParallelTasks() {
    }

    /** @param what the work, for the message when the thread is interrupted ("backup", "restore") */
    public static <T> List<T> all(int threads, List<Callable<T>> tasks, String what) throws IOException {
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
            throw new WaldenException(what + " interrupted", null);
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
