package io.walden.repo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Many small reads (object headers) at once: on an object store each is a round trip, so a few dozen in
 * flight hide the latency; a bound keeps it polite. Results come back in the order of the inputs.
 */
final class ParallelReads {
    static final int IN_FLIGHT = 16;

    @FunctionalInterface
    interface Read<T, R> {
        R apply(T input) throws IOException;
    }

    private ParallelReads() {
    }

    static <T, R> List<R> map(List<T> inputs, Read<T, R> read) throws IOException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        List<Future<R>> pending = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T input : inputs) {
                pending.add(pool.submit(() -> {
                    slots.acquire();
                    try {
                        return read.apply(input);
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<R> out = new ArrayList<>(inputs.size());
            for (Future<R> f : pending) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw io.walden.error.TaskFailure.unwrap(e);
        }
    }
}
