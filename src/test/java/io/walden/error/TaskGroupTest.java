package io.walden.error;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskGroupTest {

    @Test
    void resultsComeInTheOrderTheTasksWereGiven() throws IOException {
        List<Callable<Integer>> tasks = List.of(() -> {
            Thread.sleep(100);
            return 1;
        }, () -> 2, () -> 3);
        assertThat(ParallelTasks.all(3, tasks, "test")).containsExactly(1, 2, 3);
    }

    @Test
    void theFirstFailureIsThrownAsItWas() {
        List<Callable<Integer>> tasks = List.of(() -> 1, () -> {
            throw new IOException("disk gone");
        }, () -> {
            throw new IllegalStateException("later");
        });
        assertThatThrownBy(() -> ParallelTasks.all(2, tasks, "test")).isExactlyInstanceOf(IOException.class)
                .hasMessage("disk gone");
    }

    @Test
    void closingWaitsForATaskStillRunning() throws Exception {
        AtomicBoolean finished = new AtomicBoolean();
        TaskGroup group = new TaskGroup(1, "test");
        group.submit(() -> {
            long until = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait(); // deaf to the interrupt, as a write in progress is
            }
            finished.set(true);
            return null;
        });
        group.close();
        assertThat(finished).isTrue();
    }
}
