package io.walden.error;


import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

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
        // closing the group waits for every task: none may still be writing when the caller cleans up after a failure
        try (TaskGroup group = new TaskGroup(Math.min(threads, tasks.size()), what)) {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> t : tasks) {
                futures.add(group.submit(t));
            }
            group.awaitAll();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.resultNow());
            }
            return out;
        }
    }
}
